import type { AliasRecord } from '../alias.js';
import type { CacheEntry } from '../entry.js';

/** What a store reports about a stored value it could not read (it is then read as a miss). */
export interface InvalidValueInfo {
  key: string;
  collection: 'entry' | 'alias';
  /**
   * `foreign`: not ours; `version`: another format or devalue major; `damaged`: truncated or corrupt;
   * `signature`: a missing or wrong signature (setupCache's `secret`).
   */
  kind: 'foreign' | 'version' | 'damaged' | 'signature';
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

  // --- Cross-process single-flight (optional; lib/coordination.ts) ----------------------------
  // A store that implements `acquireLease`, `renewLease` and `releaseLease` lets processes that
  // share it fetch a missing (or to-be-revalidated) entry once between them: one process holds
  // the key's lease and fetches, the others wait for the entry. Leave them out and every process
  // fetches for itself (in-process single-flight still applies). Rules for implementers:
  // - A lease is a value under a key of its own (never the entry's key), written only if absent
  //   and expiring by itself after `lifetimeMs` (Redis: `SET <lease> <token> NX PX <ms>`), so a
  //   holder that crashes blocks nobody for longer than that.
  // - `renewLease` and `releaseLease` act only while `token` still holds the lease (compare and
  //   set / delete in one step), so a holder that lost its lease cannot cut short the next one's.
  // - Every method may reject; the cache bounds each call by `storeTimeout` and treats a failure
  //   as "no coordination" (it fetches), never as a failed request.

  /** Takes the lease of `key` for `lifetimeMs` if nobody holds it; resolves whether it did. */
  acquireLease?(key: string, token: string, lifetimeMs: number): Promise<boolean>;
  /** Extends the lease while `token` holds it; resolves false when it no longer does. */
  renewLease?(key: string, token: string, lifetimeMs: number): Promise<boolean>;
  /**
   * Ends the lease if `token` holds it, and tells the waiters: `stored` says whether an entry was
   * written for them (false: a response that is not stored; they fetch for themselves at once).
   */
  releaseLease?(key: string, token: string, stored: boolean): Promise<void>;
  /** Whether anybody holds the lease of `key` (waiters poll this when notifications are missed). */
  leaseHeld?(key: string): Promise<boolean>;
  /**
   * Optional push channel: calls `listener` when a lease is released anywhere (in any process).
   * Resolves an unsubscribe function. Without it, waiters poll `leaseHeld`.
   */
  onLeaseReleased?(listener: (key: string, stored: boolean) => void): Promise<() => void>;
  /**
   * How long a process waits for another's lease before fetching itself (ms). Default: the
   * request's own `timeout`, capped at 5 s.
   */
  readonly coordinateTimeout?: number;

  // --- optional: inspection at scale (api.cache.entries/delete); without them the manager reads keys() and get() ---

  /**
   * Every stored, unexpired, readable entry with its metadata (no body needed), streamed: memory
   * stays bounded whatever the store's size, and deleting the entries listed so far while
   * iterating must neither skip nor repeat the others.
   */
  list?(): AsyncIterable<ListedEntry>;
  /**
   * The stored, unexpired entries whose `tags` include `tag`, like list() (streamed, safe to delete
   * while iterating), found from an index kept beside the entries so that deleting by tag needs no
   * full scan. Only entries that carry the tag now: an index may keep stale keys, but this checks.
   */
  listTagged?(tag: string): AsyncIterable<ListedEntry>;
  /**
   * Subscribes to entries the store drops by itself to stay within a size limit (not to expiry or
   * deletes); resolves a function that unsubscribes. Used to publish `evict` events.
   */
  watchEvictions?(listener: (eviction: Eviction) => void): () => void;
}

/** One entry as `list()` yields it: its key and everything but the body, whose size is `bytes`. */
export interface ListedEntry {
  key: string;
  entry: Omit<CacheEntry, 'body'>;
  /** Body bytes. */
  bytes: number;
}

/** An entry a store dropped to stay within its size limit. */
export interface Eviction {
  key: string;
  /** Stored bytes the eviction freed, when the store knows. */
  bytes?: number | undefined;
}
