/**
 * KeyvStorage: the one CacheStore implementation, over any Keyv instance (memory Map, SQLite,
 * filesystem, Redis, Postgres, a user's own adapter). The per-backend files are factories only.
 *
 * Two collections share the Keyv namespace, told apart by a key prefix: entries under `entry:`,
 * redirect aliases under `alias:`. Entries travel in the versioned envelope of lib/serializer.ts.
 *
 * Facts about keyv 5.6 this file depends on (read in node_modules/keyv/dist/index.js):
 * - `set()` swallows a store error and resolves `false` unless `throwOnErrors`; `get()` swallows it
 *   and resolves `undefined` (without even emitting it); `delete()` resolves `false` both for "not
 *   there" and for an error. Store errors that are swallowed are emitted as `'error'` events.
 * - @keyv/redis 5 swallows command errors itself (store-level `throwOnErrors`, default false), so
 *   with the offline queue disabled `set()` resolves `true` without writing. Its `clear()` swallows
 *   every error whatever the options.
 *   => a write counts only if Keyv resolved `true` AND no store error was emitted while it ran AND
 *   the store's client (if it exposes node-redis' `isOpen`/`isReady`) was not known to be offline.
 *   A concurrent failure may make a successful write reject; that is the safe direction.
 * - A ttl of `0` means "no expiry" to Keyv, and `undefined` means "Keyv's default ttl". We pass 0
 *   for Infinity and never pass a non-positive lifetime (that entry is deleted instead).
 * - With the default (JSON) deserializer a garbage string in the store makes `get()` throw a
 *   SyntaxError: that is damaged data, not a store failure, and reads as a miss.
 * - `keyv.iterator` is only wired for a hard-coded list of dialects (sqlite, postgres, mysql, mongo,
 *   redis, valkey, etcd) and throws for the whole iteration on one undecodable value; the SQLite
 *   store pages with LIMIT/OFFSET while Keyv deletes expired rows mid-iteration, which skips rows.
 *   So keys() drives the store's own `iterator()` (what keyv.iterator wraps), tolerates bad values,
 *   deletes nothing and collects the keys before yielding them.
 */
import type { Keyv } from 'keyv';
import type { CacheEntry } from '../entry.js';
import { decodeEntryDetailed, encodeEntry, type DecodeFailureKind } from '../serializer.js';
import type { InvalidValueInfo, CacheStore } from './contract.js';

/** Keyv-level key prefixes of the two collections. */
export const ENTRY_PREFIX = 'entry:';
export const ALIAS_PREFIX = 'alias:';

/** An alias value is a target key behind this line, so a foreign value is never taken for a key. */
const ALIAS_HEADER = 'axios-stash-alias/1\n';

/** Lifetimes beyond ~100 years are "no expiry": Redis refuses PX values whose deadline overflows. */
const MAX_TTL_MS = 100 * 365.25 * 24 * 3600 * 1000;

// --- Keyv-level serialization ---------------------------------------------------------------

/**
 * A Keyv serialize/deserialize pair for string values, used by our own factories.
 *
 * Keyv's default serializer wraps every value as JSON `{"value":…,"expires":…}`. For a 1 MB entry
 * that JSON layer costs more than our whole envelope: V8's JSON.stringify/parse of a 1.4 MB string
 * took ~1.4 ms / ~1.2 ms here (bench/serializer.ts), i.e. a hit paid 1.2 ms of JSON to read
 * 0.2 ms of envelope. This wrapper is a first line with the expiry, then the value verbatim:
 *
 *   axios-stash-kv/1 <expires ms | ->\n<value>
 *
 * Reading it slices the string (no copy). Values written by a Keyv with the default serializer
 * (JSON starting with `{`) are still read, so a store can move between the two; anything else
 * comes back as its own value (never as "absent"), so KeyvStorage reports it as unreadable.
 * Non-string values are refused: KeyvStorage only stores strings.
 */
const KV_MAGIC = 'axios-stash-kv/1 ';

type KeyvData = { value?: unknown; expires?: number | undefined };

function kvSerialize(data: KeyvData): string {
  if (typeof data.value !== 'string') {
    throw new TypeError('axios-stash keyv serializer stores strings only');
  }
  const expires = typeof data.expires === 'number' ? String(data.expires) : '-';
  return `${KV_MAGIC}${expires}\n${data.value}`;
}

/** Parses only the expiry of a raw stored value; `null` for "no expiry", undefined if unreadable. */
function kvExpires(raw: string): number | null | undefined {
  if (!raw.startsWith(KV_MAGIC)) return undefined;
  const nl = raw.indexOf('\n', KV_MAGIC.length);
  if (nl < 0 || nl > KV_MAGIC.length + 24) return undefined;
  const text = raw.slice(KV_MAGIC.length, nl);
  if (text === '-') return null;
  const expires = Number(text);
  return Number.isFinite(expires) ? expires : undefined;
}

function kvDeserialize(raw: string): KeyvData | undefined {
  if (typeof raw !== 'string') return undefined;
  const expires = kvExpires(raw);
  if (expires !== undefined) {
    return { value: raw.slice(raw.indexOf('\n', KV_MAGIC.length) + 1), expires: expires ?? undefined };
  }
  // Not our wrapper (or a damaged one): Keyv's own JSON format, or else the raw text itself as
  // the value, so that KeyvStorage sees it, finds it unreadable and reports it (Keyv would turn
  // an undefined here into a silent miss).
  if (!raw.startsWith(KV_MAGIC)) {
    const json = jsonDeserialize(raw);
    if (json) return json;
  }
  return { value: raw };
}

/**
 * Reads Keyv's default format (JSON with `:base64:` Buffers and `:`-escaped strings, as
 * @keyv/serialize writes it) without depending on @keyv/serialize; undefined if it is not JSON.
 */
function jsonDeserialize(raw: string): KeyvData | undefined {
  try {
    const data: unknown = JSON.parse(raw, (_key, value: unknown) => {
      if (typeof value !== 'string') return value;
      if (value.startsWith(':base64:')) {
        const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
        return B ? B.from(value.slice(8), 'base64') : value;
      }
      return value.startsWith(':') ? value.slice(1) : value;
    });
    if (typeof data !== 'object' || data === null) return undefined;
    const { value, expires } = data as KeyvData;
    return { value, expires: typeof expires === 'number' ? expires : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Pass these to `new Keyv({ store, ...keyvSerialization })` to store entries without Keyv's JSON
 * layer (our factories do). Any Keyv serializer works with KeyvStorage; this one is just faster.
 */
export const keyvSerialization = {
  serialize: kvSerialize as <Value>(data: { value?: Value; expires?: number | undefined }) => string,
  deserialize: kvDeserialize as <Value>(data: string) => { value?: Value; expires?: number | undefined } | undefined,
};

// --- the storage ----------------------------------------------------------------------------

/**
 * The last decoded entry per key, with the raw string it came from: a hit whose stored value did
 * not change since the last read (string equality) reuses the decoded entry instead of parsing
 * metadata and base64 again, and the per-entry memos of the hit path (decoded text, parsed
 * headers, age) apply, as they do for memory storage. Entries are never mutated, so sharing one
 * between hits is safe. Bounded in entries and in raw bytes; a key's cached decode is dropped
 * when its value differs.
 */
class DecodedEntries {
  readonly #map = new Map<string, { raw: string; entry: CacheEntry }>();
  #bytes = 0;

  constructor(
    private readonly maxEntries = 500,
    private readonly maxBytes = 32 * 1024 * 1024,
  ) {}

  get(key: string, raw: unknown): CacheEntry | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined || typeof raw !== 'string') return undefined;
    if (slot.raw !== raw) {
      this.forget(key);
      return undefined;
    }
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.entry;
  }

  set(key: string, raw: unknown, entry: CacheEntry): void {
    if (typeof raw !== 'string' || raw.length > this.maxBytes / 4) return;
    this.forget(key);
    this.#map.set(key, { raw, entry });
    this.#bytes += raw.length;
    while (this.#map.size > this.maxEntries || this.#bytes > this.maxBytes) {
      this.forget(this.#map.keys().next().value as string);
    }
  }

  clear(): void {
    this.#map.clear();
    this.#bytes = 0;
  }

  forget(key: string): void {
    const slot = this.#map.get(key);
    if (slot === undefined) return;
    this.#map.delete(key);
    this.#bytes -= slot.raw.length;
  }
}

export type { InvalidValueInfo } from './contract.js';

export interface KeyvStorageOptions {
  /** Told about every foreign, other-version or damaged value read (each is a miss). */
  onInvalid?: ((info: InvalidValueInfo) => void) | undefined;
  /** How close() releases the Keyv (default: `keyv.disconnect()`). */
  close?: ((keyv: Keyv) => Promise<void>) | undefined;
}

/** The store rejected, or could not confirm, a write. */
export class StoreWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreWriteError';
  }
}

type StoreLike = {
  client?: { isOpen?: unknown; isReady?: unknown };
  iterator?: (namespace?: string) => AsyncIterable<unknown> | Iterable<unknown>;
  prune?: () => Promise<number>;
};

/**
 * Keyv lifetime for a store lifetime in ms: 0 is Keyv's "no expiry"; 'expired' for a lifetime that
 * has already run out; Redis' PX takes integers only, so a fraction is rounded up.
 */
function keyvTtl(ttl: number): number | 'expired' {
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) {
    throw new TypeError(`ttl must be a number of milliseconds or Infinity, got ${String(ttl)}`);
  }
  if (ttl > MAX_TTL_MS) return 0;
  if (ttl <= 0) return 'expired';
  return Math.ceil(ttl);
}

export class KeyvStorage implements CacheStore {
  /** Called for every stored value that did not decode; settable after construction. */
  onInvalid: ((info: InvalidValueInfo) => void) | undefined;

  #keyv: Keyv | undefined;
  readonly #ready: Promise<Keyv>;
  readonly #close: (keyv: Keyv) => Promise<void>;
  #errorSeq = 0;
  #lastError: unknown;
  readonly #decoded = new DecodedEntries();
  readonly #onError = (error: unknown): void => {
    this.#errorSeq++;
    this.#lastError = error;
  };

  /** `keyv` may be a promise (a factory still preparing its store); every call waits for it. */
  constructor(keyv: Keyv | Promise<Keyv>, options: KeyvStorageOptions = {}) {
    this.onInvalid = options.onInvalid;
    this.#close = options.close ?? ((k) => k.disconnect());
    const attach = (k: Keyv): Keyv => {
      this.#keyv = k;
      k.on('error', this.#onError);
      return k;
    };
    if (isPromise(keyv)) {
      this.#ready = keyv.then(attach);
      // A failed init rejects every later call; this only keeps it from being "unhandled" meanwhile.
      this.#ready.catch(() => {});
    } else {
      this.#ready = Promise.resolve(attach(keyv));
    }
  }

  /** The underlying Keyv, once ready. */
  getKeyv(): Promise<Keyv> {
    return this.#ready;
  }

  /** The key this storage uses in its Keyv for `key` in a collection. */
  storeKey(collection: 'entry' | 'alias', key: string): string {
    return (collection === 'entry' ? ENTRY_PREFIX : ALIAS_PREFIX) + key;
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const raw = await this.#read(ENTRY_PREFIX + key);
    if (raw === undefined || raw === null) return undefined;
    // The store is read every time (another process may have replaced the value); only the
    // decoding is skipped when the raw value is the very one decoded last time for this key.
    const known = this.#decoded.get(key, raw);
    if (known !== undefined) return known;
    const result = decodeEntryDetailed(raw);
    if ('entry' in result) {
      this.#decoded.set(key, raw, result.entry);
      return result.entry;
    }
    this.#invalid(key, 'entry', result.kind, result.error);
    return undefined;
  }

  async set(key: string, entry: CacheEntry, ttl: number): Promise<void> {
    const lifetime = keyvTtl(ttl);
    if (lifetime === 'expired') return this.delete(key);
    await this.#write(ENTRY_PREFIX + key, encodeEntry(entry), lifetime);
  }

  async delete(key: string): Promise<void> {
    this.#decoded.forget(key);
    await this.#remove(ENTRY_PREFIX + key);
  }

  async getAlias(key: string): Promise<string | undefined> {
    const raw = await this.#read(ALIAS_PREFIX + key);
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'string' && raw.startsWith(ALIAS_HEADER) && raw.length > ALIAS_HEADER.length) {
      return raw.slice(ALIAS_HEADER.length);
    }
    this.#invalid(key, 'alias', 'foreign', 'not an axios-stash alias');
    return undefined;
  }

  async setAlias(key: string, target: string, ttl: number): Promise<void> {
    if (typeof target !== 'string' || target === '') throw new TypeError('alias target must be a non-empty string');
    const lifetime = keyvTtl(ttl);
    if (lifetime === 'expired') return this.deleteAlias(key);
    await this.#write(ALIAS_PREFIX + key, ALIAS_HEADER + target, lifetime);
  }

  async deleteAlias(key: string): Promise<void> {
    await this.#remove(ALIAS_PREFIX + key);
  }

  /** Clears the Keyv's namespace: every entry and alias, and anything else stored in that namespace. */
  async clear(): Promise<void> {
    this.#decoded.clear();
    const keyv = this.#keyv ?? (await this.#ready);
    this.#assertOnline(keyv);
    const seq = this.#errorSeq;
    await keyv.clear();
    this.#assertNoErrorSince(seq, 'clear');
  }

  /**
   * Keys of stored, unexpired entries (aliases and foreign keys skipped). The whole listing is
   * collected before the first key is yielded, so deleting while iterating is safe on every store.
   */
  async *keys(): AsyncGenerator<string> {
    const keys: string[] = [];
    for await (const [key, raw] of this.#scan()) {
      if (!key.startsWith(ENTRY_PREFIX)) continue;
      const expires = await this.#expiresOf(raw);
      if (expires === undefined || (expires !== null && expires <= Date.now())) continue;
      keys.push(key.slice(ENTRY_PREFIX.length));
    }
    yield* keys;
  }

  /**
   * Removes expired values of this namespace from stores that do not expire by themselves (SQLite,
   * Postgres, files; Redis expires natively). Resolves the number removed. Not in the CacheStore
   * contract (yet): lib/manager.ts may call it when present.
   */
  async prune(): Promise<number> {
    const keyv = this.#keyv ?? (await this.#ready);
    const store = keyv.store as StoreLike;
    if (typeof store.prune === 'function') return store.prune();
    const expired: string[] = [];
    for await (const [key, raw] of this.#scan()) {
      const expires = await this.#expiresOf(raw);
      if (typeof expires === 'number' && expires <= Date.now()) expired.push(key);
    }
    for (const key of expired) await this.#remove(key);
    return expired.length;
  }

  async close(): Promise<void> {
    let keyv: Keyv;
    try {
      keyv = this.#keyv ?? (await this.#ready);
    } catch {
      return; // init failed: nothing was opened (the factory released what it had)
    }
    keyv.off('error', this.#onError);
    await this.#close(keyv);
  }

  // --- internals ------------------------------------------------------------------------------

  async #read(storeKey: string): Promise<unknown> {
    const keyv = this.#keyv ?? (await this.#ready);
    this.#assertOnline(keyv);
    const seq = this.#errorSeq;
    let raw: unknown;
    try {
      raw = await keyv.get(storeKey);
    } catch (error) {
      // keyv's default deserializer throws on a garbage string: damaged data, not a failing store.
      if (error instanceof SyntaxError) {
        const collection = storeKey.startsWith(ENTRY_PREFIX) ? 'entry' : 'alias';
        this.#invalid(storeKey.slice(collection === 'entry' ? ENTRY_PREFIX.length : ALIAS_PREFIX.length),
          collection, 'damaged', `undecodable store value: ${error.message}`);
        return undefined;
      }
      throw error;
    }
    // Keyv resolves undefined when it swallowed a store error: turn that miss into a failure so
    // it is reported. A value that did arrive is used whatever else failed meanwhile.
    if (raw === undefined && this.#errorSeq !== seq) {
      throw new Error(`store read failed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
    }
    return raw;
  }

  async #write(storeKey: string, value: string, ttl: number): Promise<void> {
    const keyv = this.#keyv ?? (await this.#ready);
    this.#assertOnline(keyv);
    const seq = this.#errorSeq;
    const ok = await keyv.set(storeKey, value, ttl);
    if (ok === false) {
      throw new StoreWriteError(`store refused the write${this.#errorSeq !== seq ? `: ${errorMessage(this.#lastError)}` : ''}`,
        { cause: this.#lastError });
    }
    this.#assertNoErrorSince(seq, 'write');
  }

  async #remove(storeKey: string): Promise<void> {
    const keyv = this.#keyv ?? (await this.#ready);
    this.#assertOnline(keyv);
    const seq = this.#errorSeq;
    await keyv.delete(storeKey); // false means "was not there" as often as "failed": errors are checked below
    this.#assertNoErrorSince(seq, 'delete');
  }

  #assertNoErrorSince(seq: number, what: string): void {
    if (this.#errorSeq !== seq) {
      throw new StoreWriteError(`store ${what} not confirmed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
    }
  }

  /**
   * A node-redis client that is open but not ready is reconnecting: with the offline queue on, a
   * command would wait (hang) until the server is back; with it off, @keyv/redis would report a
   * write that never happened. Either way, fail now.
   */
  #assertOnline(keyv: Keyv): void {
    const client = (keyv.store as StoreLike | undefined)?.client;
    if (client && client.isOpen === true && client.isReady === false) {
      throw new StoreWriteError('store is offline (client reconnecting)');
    }
  }

  #invalid(key: string, collection: 'entry' | 'alias', kind: DecodeFailureKind, error: string): void {
    try {
      this.onInvalid?.({ key, collection, kind, error });
    } catch {
      // A reporter's own failure must not turn a miss into an error.
    }
  }

  /**
   * [key within this storage (collection prefix kept), raw value] for every value of this Keyv's
   * namespace, from the store's own iterator (or the Map of a memory Keyv).
   */
  async *#scan(): AsyncGenerator<[string, unknown]> {
    const keyv = this.#keyv ?? (await this.#ready);
    this.#assertOnline(keyv);
    const store = keyv.store as StoreLike | Map<unknown, unknown>;
    const namespace = keyv.namespace;
    let source: AsyncIterable<unknown> | Iterable<unknown>;
    if (store instanceof Map) source = store.entries();
    else if (typeof store.iterator === 'function') source = store.iterator(namespace);
    else throw new Error('this Keyv store cannot list its keys (it has no iterator())');
    // With useKeyPrefix (the default) Keyv stores `namespace:key`; a store that prefixes itself
    // (@keyv/redis behind useKeyPrefix: false) strips its own prefix in iterator().
    const prefix = keyv.useKeyPrefix && namespace ? `${namespace}:` : '';
    const seq = this.#errorSeq;
    for await (const item of source) {
      if (!Array.isArray(item)) continue;
      const [rawKey, raw] = item as [unknown, unknown];
      if (typeof rawKey !== 'string' || !rawKey.startsWith(prefix)) continue;
      yield [rawKey.slice(prefix.length), raw];
    }
    // @keyv/postgres' iterator swallows a failing query and just ends: an incomplete listing.
    if (this.#errorSeq !== seq) {
      throw new Error(`store iteration failed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
    }
  }

  /** Keyv-level expiry of a raw stored value: number, null (none), or undefined (unreadable/absent). */
  async #expiresOf(raw: unknown): Promise<number | null | undefined> {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'string') {
      const fast = kvExpires(raw);
      if (fast !== undefined) return fast;
      try {
        const keyv = this.#keyv ?? (await this.#ready);
        const data = (await keyv.deserialize?.(raw)) as KeyvData | undefined;
        if (!data || typeof data !== 'object') return undefined;
        return typeof data.expires === 'number' ? data.expires : null;
      } catch {
        return undefined;
      }
    }
    // A store handing back already-deserialized data (Keyv passes non-strings through).
    if (typeof raw === 'object') {
      const { expires } = raw as KeyvData;
      return typeof expires === 'number' ? expires : null;
    }
    return undefined;
  }
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A CacheStore over any Keyv instance. Use a Keyv namespace of its own: clear() empties the
 * whole namespace. Pass `throwOnErrors: true` to the Keyv to see read errors with their cause
 * (otherwise Keyv hides them; @keyv/redis hides them unless its own `throwOnErrors` is set too).
 */
export function keyvStorage(keyv: Keyv | Promise<Keyv>, options?: KeyvStorageOptions): KeyvStorage {
  return new KeyvStorage(keyv, options);
}
