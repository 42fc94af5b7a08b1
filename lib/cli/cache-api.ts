/**
 * What the commands need from a cache, in the CLI's own words, implemented over `api.cache`
 * (CacheManager). Commands only see this interface, so they are independent of how the manager
 * spells things.
 */
import type { CacheEntry } from '../entry.js';
import type { CacheEntryInfo } from '../manager-filter.js';

/** One entry's metadata, as `api.cache.entries()` yields it. */
export type EntryInfo = CacheEntryInfo;

/** Which entries a listing or a removal is about (all given conditions must hold). */
export interface EntrySelection {
  /** A URL glob, as `urlTtl` takes them (`api.example.com/users/*`). */
  pattern?: string;
  tag?: string;
  status?: number[];
  /** A duration (`7d`): entries created longer ago than that. */
  olderThan?: string;
  /** Only entries past their freshness. */
  expired?: boolean;
  /** Only entries of this request method (uppercase). */
  method?: string;
}

export interface FoundEntry {
  key: string;
  entry: CacheEntry;
  tags: string[];
}

export interface CliCache {
  entries(selection?: EntrySelection): AsyncIterable<EntryInfo>;
  /** The entry a URL (as a GET, or `method`) or a key answers with; undefined when none. */
  find(urlOrKey: string, method: string): Promise<FoundEntry | undefined>;
  /** Removes these entries (and aliases to them); resolves how many went. */
  deleteKeys(keys: readonly string[]): Promise<number>;
  /** Removes every entry the cache holds for this URL (all methods and variants it can find). */
  deleteUrl(url: string): Promise<number>;
  /** Removes every entry the selection matches; resolves how many went. */
  deleteMatching(selection: EntrySelection): Promise<number>;
  prune(): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** Tags an entry carries, whatever the entry format version spells them (absent: none). */
export function tagsOf(entry: CacheEntry): string[] {
  const tags = (entry as CacheEntry & { tags?: unknown }).tags;
  return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
}
