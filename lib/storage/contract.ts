import type { CacheEntry } from '../entry.js';

/** What `onInvalid` is told about a stored value that did not decode (it is then read as a miss). */
export interface InvalidValueInfo {
  key: string;
  collection: 'entry' | 'alias';
  /** `foreign`: not ours; `version`: another format or devalue major; `damaged`: truncated or corrupt. */
  kind: 'foreign' | 'version' | 'damaged';
  error: string;
}

/**
 * The store contract every backend fulfils. It is deliberately small (like undici's CacheStore):
 * TTL arithmetic, the versioned envelope, time-outs and catch-and-report live once above it.
 *
 * A store keeps two collections, like requests-cache's `responses` and `redirects` tables:
 * cached entries, and aliases from a redirecting request's key to the final request's key.
 *
 * Methods may reject: the caller (lib/storage/guarded-store.ts) turns every failure into a miss
 * and reports it. `get` returns `undefined` for a missing, expired, foreign or damaged value.
 */
export interface CacheStore {
  get(key: string): Promise<CacheEntry | undefined>;
  /** `ttl` is the store lifetime in ms (`Infinity`: no expiry). Resolves only once written. */
  set(key: string, entry: CacheEntry, ttl: number): Promise<void>;
  delete(key: string): Promise<void>;
  getAlias(key: string): Promise<string | undefined>;
  setAlias(key: string, target: string, ttl: number): Promise<void>;
  deleteAlias(key: string): Promise<void>;
  /** Removes every entry and alias of this cache (and only of this cache: namespaces stay apart). */
  clear(): Promise<void>;
  /** Keys of the stored entries (not aliases). */
  keys(): AsyncIterable<string>;
  /**
   * True for stores that live in this process and answer without I/O (memory): their calls skip
   * the `storeTimeout` race, which would only add a timer to every hit.
   */
  readonly inProcess?: boolean;
  /** Removes expired entries and aliases nobody read since; resolves how many went. Optional. */
  prune?(): Promise<number>;
  /**
   * Optional: the store calls it for every stored value it could not read (foreign, another
   * format version, damaged). Each such value is a miss either way; setupCache sets this so the
   * failure is counted and reported instead of silent.
   */
  onInvalid?: ((info: InvalidValueInfo) => void) | undefined;
  /** Releases connections and file handles. */
  close?(): Promise<void>;
}
