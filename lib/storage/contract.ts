import type { AliasRecord } from '../alias.js';
import type { CacheEntry } from '../entry.js';

/** What a store reports about a stored value it could not read (it is then read as a miss). */
export interface InvalidValueInfo {
  key: string;
  collection: 'entry' | 'alias';
  /** `foreign`: not ours; `version`: another format or devalue major; `damaged`: truncated or corrupt. */
  kind: 'foreign' | 'version' | 'damaged';
  error: string;
}

/**
 * The store contract every backend fulfils. It is deliberately small (like undici's CacheStore):
 * lifetime arithmetic, the versioned envelope, time-outs and catch-and-report live once above it.
 *
 * A store keeps two collections, like requests-cache's `responses` and `redirects` tables:
 * cached entries, and aliases (lib/alias.ts): a redirecting request's key pointing at the final
 * request's key, or a URL's key naming the request headers its Vary variants are keyed by.
 *
 * Methods may reject: the caller (lib/storage/guarded-store.ts) turns every failure into a miss
 * and reports it. `get` and `getAlias` resolve `undefined` for a missing or expired value, and
 * reject with `UnreadableValueError` (lib/errors.ts) for a foreign, other-version or damaged one,
 * so that the cache instance that read it counts and reports it.
 */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  /** `lifetimeMs`: how long the store keeps the entry (`Infinity`: no expiry). Resolves only once written. */
  set(key: string, entry: CacheEntry, lifetimeMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  getAlias(key: string): Promise<AliasRecord | undefined>;
  /** `lifetimeMs` as for `set`. Resolves only once written. */
  setAlias(key: string, alias: AliasRecord, lifetimeMs: number): Promise<void>;
  deleteAlias(key: string): Promise<void>;
  /** Removes every entry and alias of this cache (and only of this cache: namespaces stay apart). */
  clear(): Promise<void>;
  /** Keys of the stored, unexpired entries (not aliases). */
  keys(): AsyncIterable<string>;
  /**
   * True for stores that live in this process and answer without I/O (memory): their calls skip
   * the `storeTimeout` race, which would only add a timer to every hit.
   */
  readonly inProcess?: boolean;
  /** Removes expired entries and aliases (and values it cannot read); resolves how many went. Optional. */
  prune?(): Promise<number>;
  /** Releases connections and file handles. Optional. */
  close?(): Promise<void>;
}
