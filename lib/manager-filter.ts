/**
 * What `api.cache.entries(filter)` and `api.cache.delete(target)` select: the public filter and
 * target types, their validation (CacheOptionsError naming the field), and the compiled predicate
 * over an entry's metadata.
 */
import { parseDuration, type Duration } from './duration.js';
import type { CacheEntry } from './entry.js';
import { CacheOptionsError } from './errors.js';
import { compileUrlPattern } from './url-pattern.js';

/** One stored entry as `api.cache.entries()` lists it (no body). */
export interface CacheEntryInfo {
  /** The store key (`api.cache.getEntry(key)`, `api.cache.delete(key)`). */
  key: string;
  method: string;
  /** Normalised URL the entry answers (ignored params removed). */
  url: string;
  status: number;
  /** Body size in bytes. */
  bytes: number;
  /** ms since epoch: when the entry was first stored. */
  createdAt: number;
  /** ms since epoch: end of freshness (Infinity: never). */
  expiresAt: number;
  /** True when the entry is past its freshness (it may still be revalidated or served stale). */
  stale: boolean;
  /** Labels given by `cache: { tags }`. */
  tags: string[];
}

/** Selects entries; every given field must match (AND). */
export interface CacheEntryFilter {
  /** true: entries past their freshness; false: fresh ones only. */
  expired?: boolean;
  /** Entries stored at least this long ago (`'7d'`, `'12h'`, ms). */
  olderThan?: Duration;
  /** Entries with this status, or one of these. */
  status?: number | number[];
  /** Entries stored with this tag (`cache: { tags }`). */
  tag?: string;
  /** Entries whose URL matches this glob (`'api.example.com/users/*'`, as `urlTtl`). */
  pattern?: string;
  /** Entries of this method (`'GET'`). */
  method?: string;
  /** Your own test; entries for which it returns true. */
  predicate?: (entry: CacheEntryInfo) => boolean;
}

/**
 * What `api.cache.delete()` accepts: a key, a URL (every variant of it the cache can find), an
 * array of them, or a filter (`{ pattern }`, `{ tag }`, `{ expired: true }`, ...).
 */
export type CacheDeleteTarget = string | readonly string[] | CacheEntryFilter;

const FILTER_FIELDS = ['expired', 'olderThan', 'status', 'tag', 'pattern', 'method', 'predicate'] as const;

/** A validated filter, compiled against the manager's clock reading `now`. */
export interface CompiledFilter {
  /** The tag, when the filter names one (the store's tag index may then answer). */
  tag: string | undefined;
  matches(info: CacheEntryInfo): boolean;
}

/** Validates a filter; throws CacheOptionsError naming the bad field. */
export function compileFilter(option: string, filter: CacheEntryFilter | undefined, now: number): CompiledFilter {
  if (filter === undefined) return { tag: undefined, matches: () => true };
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) {
    throw new CacheOptionsError(option, `a filter object with some of ${FILTER_FIELDS.join(', ')}`, filter);
  }
  for (const name of Object.keys(filter)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(name)) throw CacheOptionsError.unknown(`${option}.${name}`, FILTER_FIELDS);
  }
  const tests: Array<(info: CacheEntryInfo) => boolean> = [];
  const { expired, olderThan, status, tag, pattern, method, predicate } = filter;
  if (expired !== undefined) {
    if (typeof expired !== 'boolean') throw new CacheOptionsError(`${option}.expired`, 'true or false', expired);
    tests.push((info) => info.stale === expired);
  }
  if (olderThan !== undefined) {
    const limit = now - parseDuration(`${option}.olderThan`, olderThan);
    tests.push((info) => info.createdAt <= limit);
  }
  if (status !== undefined) {
    const statuses = Array.isArray(status) ? status : [status];
    if (statuses.length === 0 || statuses.some((s) => !Number.isInteger(s))) {
      throw new CacheOptionsError(`${option}.status`, 'an HTTP status or an array of them, like [404, 410]', status);
    }
    tests.push((info) => statuses.includes(info.status));
  }
  if (tag !== undefined) {
    if (typeof tag !== 'string' || tag === '') throw new CacheOptionsError(`${option}.tag`, 'a non-empty string', tag);
    tests.push((info) => info.tags.includes(tag));
  }
  if (pattern !== undefined) {
    if (typeof pattern !== 'string') throw new CacheOptionsError(`${option}.pattern`, "a URL glob like 'api.example.com/users/*'", pattern);
    const compiled = compileUrlPattern(`${option}.pattern`, pattern);
    tests.push((info) => compiled.matches(info.url));
  }
  if (method !== undefined) {
    if (typeof method !== 'string' || method === '') throw new CacheOptionsError(`${option}.method`, "an HTTP method like 'GET'", method);
    const upper = method.toUpperCase();
    tests.push((info) => info.method === upper);
  }
  if (predicate !== undefined) {
    if (typeof predicate !== 'function') throw new CacheOptionsError(`${option}.predicate`, 'a function (entry) => boolean', predicate);
    tests.push(predicate);
  }
  return { tag, matches: (info) => tests.every((test) => test(info)) };
}

/** An entry's listing, as of `now`. */
export function entryInfo(key: string, entry: Omit<CacheEntry, 'body'>, bytes: number, now: number): CacheEntryInfo {
  return {
    key,
    method: entry.method,
    url: entry.url,
    status: entry.status,
    bytes,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
    stale: !(entry.expiresAt > now),
    tags: entry.tags === undefined ? [] : [...entry.tags],
  };
}
