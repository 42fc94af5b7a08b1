import type { CacheEntry } from '../entry.js';

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
  /** Releases connections and file handles. */
  close?(): Promise<void>;
}
