/**
 * keyvStorage: the one CacheStore implementation over a Keyv instance (memory Map, SQLite,
 * filesystem, Redis, Postgres, MySQL, a user's own adapter). The per-backend files are factories.
 *
 * Two collections share the Keyv namespace, told apart by a key prefix: entries under `entry:`,
 * aliases under `alias:`. Entries travel in the versioned envelope of lib/serializer.ts, aliases in
 * the wire format of lib/alias.ts; with our factories both sit inside the Keyv layout of
 * kv-wire-format.ts.
 *
 * Facts about keyv 5.6 this file depends on (node_modules/keyv/dist/index.js):
 * - `set()` swallows a store error and resolves `false` unless `throwOnErrors`; `get()` swallows it
 *   and resolves `undefined`; `delete()` resolves `false` both for "not there" and for an error.
 *   Swallowed store errors are emitted as `'error'` events.
 * - @keyv/redis 5 swallows command errors itself (its own `throwOnErrors`, default false), so with
 *   the offline queue disabled `set()` resolves `true` without writing, and its `clear()` swallows
 *   every error whatever the options.
 *   => A write counts only if Keyv resolved `true` AND no store error was emitted while it ran AND
 *   the store's client (if it exposes node-redis' `isOpen`/`isReady`) was not known to be offline.
 *   A concurrent failure may make a successful write reject; that is the safe direction.
 * - A ttl of `0` means "no expiry" to Keyv and `undefined` means "Keyv's default ttl": we pass 0
 *   for Infinity and never pass a non-positive lifetime (that value is deleted instead).
 * - A value that deserializes to `null`/`undefined` is a silent miss inside Keyv; with the default
 *   (JSON) deserializer a garbage string makes `get()` throw a SyntaxError: that is a damaged value
 *   (UnreadableValueError), not a failing store.
 * - `keyv.iterator` is wired only for a hard-coded list of dialects and throws for the whole
 *   iteration on one undecodable value, and the SQLite store pages with LIMIT/OFFSET while Keyv
 *   deletes expired rows mid-iteration, which skips rows. So keys() drives the store's own
 *   `iterator()`, tolerates bad values, deletes nothing, and collects the keys before yielding.
 */
import type { Keyv } from 'keyv';
import { decodeAlias, encodeAlias, isAliasRecord, type AliasRecord } from '../alias.js';
import { systemClock } from '../clock.js';
import type { CacheEntry } from '../entry.js';
import { AxiosStashError, CacheOptionsError, StoreWriteError, UnreadableValueError } from '../errors.js';
import { isEnvelopeOfAnyVersion, decodeEntryDetailed, decodeEntryHead, encodeEntry, encodeEntryBytes, ENVELOPE_HEADER } from '../serializer.js';
import type { CacheStore, Eviction, InvalidValueInfo, ListedEntry } from './contract.js';
import { DecodedEntries } from './decoded-entries.js';
import { checkOptions, optionalFunction } from './factory-options.js';
import { parseKvExpiry, type KeyvData } from './kv-wire-format.js';

export type { InvalidValueInfo } from './contract.js';

/**
 * What keyvStorage and the persistent factories (sqliteStorage, fileStorage, redisStorage) return:
 * a CacheStore whose `prune()` and `close()` always exist.
 */
export interface KeyvStorage extends CacheStore {
  /**
   * Removes the expired entries and aliases of this namespace, and those it cannot read (another
   * format, foreign text); resolves how many went. Stores that expire by themselves (Redis) have
   * nothing expired to remove.
   */
  prune(): Promise<number>;
  /** Releases the Keyv (by default `keyv.disconnect()`, or the `close` option). Idempotent. */
  close(): Promise<void>;
  list(): AsyncIterable<ListedEntry>;
  listTagged(tag: string): AsyncIterable<ListedEntry>;
  watchEvictions(listener: (eviction: Eviction) => void): () => void;
}

/**
 * What a backend factory adds beside the Keyv (internal): a listing that streams safely while
 * entries are deleted, a native tag index, size limits. Without one, KeyvStorage lists by
 * collecting the entry keys first and finds tags by reading every entry's metadata.
 * Keys given to and yielded by these methods are keys within this storage, collection prefix
 * included (`entry:<key>`).
 */
export interface StoreExtension {
  /** [key, raw value] of every value whose key starts with `prefix`, paged so that deleting what was yielded skips nothing. */
  scan?(prefix: string): AsyncIterable<[string, unknown]>;
  /** Keys (with the entry prefix) of entries indexed under `tag`; may include stale ones. */
  keysWithTag?(tag: string): AsyncIterable<string>;
  /** Runs before an entry is written: indexes its tags (a superset is harmless: readers check). */
  beforeSet?(storeKey: string, entry: CacheEntry, lifetime: number): Promise<void>;
  /** Runs after an entry was written: enforces size limits; resolves what it evicted. */
  afterSet?(storeKey: string): Promise<Eviction[]>;
  /** Runs after an entry or alias was deleted (`entry:<key>`, `alias:<key>`). */
  afterDelete?(storeKey: string): Promise<void>;
  /** Runs after clear(): removes what the extension keeps beside the entries. */
  afterClear?(): Promise<void>;
  /** The Keyv store's own iterator pages safely while entries are deleted (Redis SCAN): list() streams through it. */
  safeIteration?: boolean;
}

export interface KeyvStorageOptions {
  /**
   * Also told about every foreign, other-version or damaged value read. Such a read rejects with
   * UnreadableValueError whatever this does (the cache that read it reports it); a callback that
   * throws is ignored.
   */
  onInvalid?: ((info: InvalidValueInfo) => void) | undefined;
  /** How close() releases the Keyv (default: `keyv.disconnect()`). */
  close?: ((keyv: Keyv) => Promise<void>) | undefined;
}

/** Keyv-level key prefixes of the two collections. */
const ENTRY_PREFIX = 'entry:';
const ALIAS_PREFIX = 'alias:';
type Collection = 'entry' | 'alias';

/** Lifetimes beyond ~100 years are "no expiry": Redis refuses PX values whose deadline overflows. */
const MAX_LIFETIME_MS = 100 * 365.25 * 24 * 3600 * 1000;

type StoreLike = {
  client?: { isOpen?: unknown; isReady?: unknown };
  iterator?: (namespace?: string) => AsyncIterable<unknown> | Iterable<unknown>;
  prune?: () => Promise<number>;
};

/**
 * Keyv's lifetime for a store lifetime in ms: 0 is Keyv's "no expiry"; 'expired' for a lifetime that
 * has already run out; Redis' PX takes integers only, so a fraction is rounded up.
 */
function keyvLifetime(lifetimeMs: number): number | 'expired' {
  if (typeof lifetimeMs !== 'number' || Number.isNaN(lifetimeMs)) {
    throw new TypeError(`lifetimeMs must be a number of milliseconds or Infinity, got ${String(lifetimeMs)}`);
  }
  if (lifetimeMs > MAX_LIFETIME_MS) return 0;
  if (lifetimeMs <= 0) return 'expired';
  return Math.ceil(lifetimeMs);
}

const readyOf = new WeakMap<CacheStore, Promise<Keyv>>();

/** What our own factories may ask for beyond the public options (not exported from the package). */
export interface KeyvBackendTraits {
  /** Entries are written in the envelope's byte variant (the Keyv store keeps bytes, e.g. a BLOB). */
  bytes?: boolean;
  /** The store answers within the call (a synchronous driver): see CacheStore.inProcess. */
  inProcess?: boolean;
  /** A native listing, tag index and size limits (lib/storage/sql-index.ts, redis-tags.ts). */
  extension?: StoreExtension;
}

class KeyvBackedStore implements KeyvStorage {
  readonly inProcess: boolean | undefined;
  readonly #encode: (entry: CacheEntry) => string | Uint8Array;
  #keyv: Keyv | undefined;
  readonly #ready: Promise<Keyv>;
  readonly #closeKeyv: (keyv: Keyv) => Promise<void>;
  readonly #onInvalid: ((info: InvalidValueInfo) => void) | undefined;
  #closing: Promise<void> | undefined;
  #errorSeq = 0;
  #lastError: unknown;
  readonly #decoded = new DecodedEntries();
  readonly #onError = (error: unknown): void => {
    this.#errorSeq++;
    this.#lastError = error;
  };

  readonly #extension: StoreExtension;
  readonly #evictionListeners = new Set<(eviction: Eviction) => void>();

  constructor(keyv: Keyv | Promise<Keyv>, options: KeyvStorageOptions, traits: KeyvBackendTraits = {}) {
    this.inProcess = traits.inProcess;
    this.#encode = traits.bytes === true ? encodeEntryBytes : encodeEntry;
    this.#extension = traits.extension ?? {};
    this.#onInvalid = options.onInvalid;
    this.#closeKeyv = options.close ?? ((k) => k.disconnect());
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
    readyOf.set(this, this.#ready);
  }

  async get(key: string): Promise<CacheEntry | undefined> {
    const raw = await this.#read('entry', key);
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
    throw this.#unreadable({ key, collection: 'entry', kind: result.kind, error: result.error });
  }

  async set(key: string, entry: CacheEntry, lifetimeMs: number): Promise<void> {
    const lifetime = keyvLifetime(lifetimeMs);
    if (lifetime === 'expired') return this.delete(key);
    const encoded = this.#encode(entry);
    const { beforeSet, afterSet } = this.#extension;
    if (beforeSet !== undefined && entry.tags !== undefined && entry.tags.length > 0) await beforeSet(ENTRY_PREFIX + key, entry, lifetime);
    await this.#write(ENTRY_PREFIX + key, encoded, lifetime);
    if (afterSet !== undefined) {
      for (const eviction of await afterSet(ENTRY_PREFIX + key)) {
        const evicted = eviction.key.startsWith(ENTRY_PREFIX) ? eviction.key.slice(ENTRY_PREFIX.length) : eviction.key;
        this.#decoded.forget(evicted);
        for (const listener of this.#evictionListeners) listener({ ...eviction, key: evicted });
      }
    }
  }

  async delete(key: string): Promise<void> {
    this.#decoded.forget(key);
    await this.#remove(ENTRY_PREFIX + key);
    await this.#extension.afterDelete?.(ENTRY_PREFIX + key);
  }

  async getAlias(key: string): Promise<AliasRecord | undefined> {
    const raw = await this.#read('alias', key);
    if (raw === undefined || raw === null) return undefined;
    const alias = decodeAlias(raw);
    if (alias !== undefined) return alias;
    throw this.#unreadable({ key, collection: 'alias', kind: 'foreign', error: 'not an axios-stash alias' });
  }

  async setAlias(key: string, alias: AliasRecord, lifetimeMs: number): Promise<void> {
    if (!isAliasRecord(alias)) throw new TypeError('setAlias: alias must be an AliasRecord (lib/alias.ts)');
    const lifetime = keyvLifetime(lifetimeMs);
    if (lifetime === 'expired') return this.deleteAlias(key);
    await this.#write(ALIAS_PREFIX + key, encodeAlias(alias), lifetime);
  }

  async deleteAlias(key: string): Promise<void> {
    await this.#remove(ALIAS_PREFIX + key);
  }

  /** Clears the Keyv's namespace: every entry and alias, and anything else stored in that namespace. */
  async clear(): Promise<void> {
    this.#decoded.clear();
    const keyv = await this.#online();
    const seq = this.#errorSeq;
    await keyv.clear();
    this.#assertNoErrorSince(seq, 'clear');
    await this.#extension.afterClear?.();
  }

  /**
   * Keys of stored, unexpired entries (aliases, foreign keys and unreadable values skipped). The
   * whole listing is collected before the first key is yielded, so deleting while iterating is
   * safe on every store.
   */
  async *keys(): AsyncGenerator<string> {
    const keys: string[] = [];
    for await (const [key, raw] of this.#scan()) {
      if (!key.startsWith(ENTRY_PREFIX)) continue;
      const data = await this.#unwrap(raw);
      if (data === undefined || isExpired(data, systemClock())) continue;
      keys.push(key.slice(ENTRY_PREFIX.length));
    }
    yield* keys;
  }

  /**
   * Every unexpired, readable entry's metadata (bodies are not decoded). With a backend's own
   * scan (SQLite, Redis) the listing streams; otherwise the keys are collected first (so deleting
   * while listing is safe on every store) and each entry is read on its own.
   */
  async *list(): AsyncGenerator<ListedEntry> {
    const now = systemClock();
    if (this.#extension.scan !== undefined) {
      const keyv = await this.#online();
      const prefix = keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:` : '';
      for await (const [key, raw] of this.#extension.scan(prefix + ENTRY_PREFIX)) {
        const listed = await this.#listed(key.slice(prefix.length + ENTRY_PREFIX.length), raw, now);
        if (listed !== undefined) yield listed;
      }
      return;
    }
    if (this.#extension.safeIteration === true) {
      for await (const [key, raw] of this.#scan()) {
        if (!key.startsWith(ENTRY_PREFIX)) continue;
        const listed = await this.#listed(key.slice(ENTRY_PREFIX.length), raw, now);
        if (listed !== undefined) yield listed;
      }
      return;
    }
    for await (const key of this.keys()) {
      const listed = await this.#head(key);
      if (listed !== undefined) yield listed;
    }
  }

  /** An entry's metadata without its body; undefined when it is gone or unreadable (prune removes those). */
  async #head(key: string): Promise<ListedEntry | undefined> {
    let raw: unknown;
    try {
      raw = await this.#read('entry', key);
    } catch (error) {
      if (error instanceof UnreadableValueError) return undefined;
      throw error;
    }
    const head = raw === undefined ? undefined : decodeEntryHead(raw);
    return head === undefined ? undefined : { key, entry: head.entry, bytes: head.bytes };
  }

  /**
   * Entries stored with `tag`: from the backend's index (each indexed key is read and checked:
   * an index may hold keys stored again without the tag), else by reading every entry's metadata.
   * Only metadata is decoded, and the hit path's memo of decoded entries is left alone.
   */
  async *listTagged(tag: string): AsyncGenerator<ListedEntry> {
    if (this.#extension.keysWithTag === undefined) {
      for await (const listed of this.list()) if (listed.entry.tags?.includes(tag)) yield listed;
      return;
    }
    // (Keyv's get answers nothing for an expired value.)
    for await (const storeKey of this.#extension.keysWithTag(tag)) {
      if (!storeKey.startsWith(ENTRY_PREFIX)) continue;
      const listed = await this.#head(storeKey.slice(ENTRY_PREFIX.length));
      if (listed?.entry.tags?.includes(tag)) yield listed;
    }
  }

  watchEvictions(listener: (eviction: Eviction) => void): () => void {
    this.#evictionListeners.add(listener);
    return () => this.#evictionListeners.delete(listener);
  }

  /**
   * Removes this namespace's expired entries and aliases, and those it cannot read: a value whose
   * Keyv layout is unreadable, an entry not in any version's envelope (checked by its header line
   * only: a value damaged further in is found, reported and replaced when it is read), an alias that
   * does not decode. A live entry of another format major is kept: services still running that
   * major read it (keys carry the major, so it never stands in the way of this one's). Values under keys of neither collection are left alone. Resolves the number
   * removed, including what the Keyv store's own `prune()` (KeyvFile) removed.
   */
  async prune(): Promise<number> {
    const keyv = await this.#online();
    const store = keyv.store as StoreLike;
    let removed = typeof store.prune === 'function' ? await store.prune() : 0;
    const doomed: string[] = [];
    const now = systemClock();
    for await (const [key, raw] of this.#scan()) {
      const collection = key.startsWith(ENTRY_PREFIX) ? 'entry' : key.startsWith(ALIAS_PREFIX) ? 'alias' : undefined;
      if (collection === undefined) continue;
      const data = await this.#unwrap(raw);
      if (data === undefined || isExpired(data, now) || !readable(collection, data.value)) doomed.push(key);
    }
    for (const key of doomed) {
      if (key.startsWith(ENTRY_PREFIX)) this.#decoded.forget(key.slice(ENTRY_PREFIX.length));
      await this.#remove(key);
    }
    removed += doomed.length;
    return removed;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      let keyv: Keyv;
      try {
        keyv = this.#keyv ?? (await this.#ready);
      } catch {
        return; // init failed: nothing was opened (the factory released what it had)
      }
      keyv.off('error', this.#onError);
      await this.#closeKeyv(keyv);
    })();
    return this.#closing;
  }

  // --- internals ------------------------------------------------------------------------------

  async #online(): Promise<Keyv> {
    const keyv = this.#keyv ?? (await this.#ready);
    // A node-redis client that is open but not ready is reconnecting: with the offline queue on, a
    // command would wait (hang) until the server is back; with it off, @keyv/redis would report a
    // write that never happened. Either way, fail now.
    const client = (keyv.store as StoreLike | undefined)?.client;
    if (client && client.isOpen === true && client.isReady === false) {
      throw new AxiosStashError('store is offline (client reconnecting)');
    }
    return keyv;
  }

  async #read(collection: Collection, key: string): Promise<unknown> {
    const keyv = await this.#online();
    const seq = this.#errorSeq;
    let data: unknown;
    try {
      // raw: the whole Keyv-level record, so that a stored JSON object, number or array without a
      // `value` is seen as foreign instead of reading as an absent value.
      data = await keyv.get((collection === 'entry' ? ENTRY_PREFIX : ALIAS_PREFIX) + key, { raw: true });
    } catch (error) {
      // keyv's default deserializer throws on a garbage string: damaged data, not a failing store.
      if (error instanceof SyntaxError) {
        throw this.#unreadable({ key, collection, kind: 'damaged', error: `undecodable store value: ${error.message}` });
      }
      throw error;
    }
    // Keyv resolves undefined when it swallowed a store error: turn that miss into a failure so
    // it is reported. A value that did arrive is used whatever else failed meanwhile.
    if (data === undefined || data === null) {
      if (this.#errorSeq !== seq) {
        throw new AxiosStashError(`store read failed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
      }
      return undefined;
    }
    if (typeof data !== 'object' || !('value' in data)) {
      throw this.#unreadable({ key, collection, kind: 'foreign', error: 'not a Keyv value ({ value, expires })' });
    }
    return (data as KeyvData).value;
  }

  async #write(storeKey: string, value: string | Uint8Array, lifetime: number): Promise<void> {
    const keyv = await this.#online();
    const seq = this.#errorSeq;
    const ok = await keyv.set(storeKey, value, lifetime);
    if (ok === false) {
      throw new StoreWriteError(`store refused the write${this.#errorSeq !== seq ? `: ${errorMessage(this.#lastError)}` : ''}`,
        { cause: this.#lastError });
    }
    this.#assertNoErrorSince(seq, 'write');
  }

  async #remove(storeKey: string): Promise<void> {
    const keyv = await this.#online();
    const seq = this.#errorSeq;
    await keyv.delete(storeKey); // false means "was not there" as often as "failed": errors are checked below
    this.#assertNoErrorSince(seq, 'delete');
  }

  #assertNoErrorSince(seq: number, what: string): void {
    if (this.#errorSeq !== seq) {
      throw new StoreWriteError(`store ${what} not confirmed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
    }
  }

  #unreadable(info: InvalidValueInfo): UnreadableValueError {
    try {
      this.#onInvalid?.(info);
    } catch {
      // A user callback's own failure changes nothing: the read rejects with the value's error.
    }
    return new UnreadableValueError(info);
  }

  /**
   * [key within this storage (collection prefix kept), raw value] for every value of this Keyv's
   * namespace, from the store's own iterator (or the Map of a memory Keyv).
   */
  async *#scan(): AsyncGenerator<[string, unknown]> {
    const keyv = await this.#online();
    const store = keyv.store as StoreLike | Map<unknown, unknown>;
    const namespace = keyv.namespace;
    let source: AsyncIterable<unknown> | Iterable<unknown>;
    if (store instanceof Map) source = store.entries();
    else if (typeof store.iterator === 'function') source = store.iterator(namespace);
    else throw new AxiosStashError('this Keyv store cannot list its keys (it has no iterator())');
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
      throw new AxiosStashError(`store iteration failed: ${errorMessage(this.#lastError)}`, { cause: this.#lastError });
    }
  }

  /** A scanned raw value as a listing: undefined when expired or unreadable. */
  async #listed(key: string, raw: unknown, now: number): Promise<ListedEntry | undefined> {
    const data = await this.#unwrap(raw);
    if (data === undefined || isExpired(data, now)) return undefined;
    const head = decodeEntryHead(data.value);
    return head && { key, entry: head.entry, bytes: head.bytes };
  }

  /** The Keyv-level data of a raw stored value; undefined when absent or unreadable. */
  async #unwrap(raw: unknown): Promise<KeyvData | undefined> {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === 'string') {
      // Our own layout: only the first line is parsed (values may be megabytes).
      const expires = parseKvExpiry(raw);
      if (expires !== undefined) return { value: raw.slice(raw.indexOf('\n') + 1), expires: expires ?? undefined };
      try {
        const keyv = this.#keyv ?? (await this.#ready);
        const data = (await keyv.deserialize?.(raw)) as KeyvData | undefined;
        return data && typeof data === 'object' ? data : undefined;
      } catch {
        return undefined;
      }
    }
    // A store handing back already-deserialized data (Keyv passes non-strings through).
    return typeof raw === 'object' ? (raw as KeyvData) : undefined;
  }
}

function isExpired(data: KeyvData, now: number): boolean {
  return typeof data.expires === 'number' && data.expires <= now;
}

const ENVELOPE_LINE = `${ENVELOPE_HEADER}\n`;

function readable(collection: Collection, value: unknown): boolean {
  if (collection === 'alias') return decodeAlias(value) !== undefined;
  if (typeof value === 'string') return value.startsWith(ENVELOPE_LINE) || isEnvelopeOfAnyVersion(value);
  if (isEnvelopeOfAnyVersion(value)) return true;
  // The envelope's byte variant: the same version line, as bytes.
  if (!(value instanceof Uint8Array) || value.byteLength < ENVELOPE_LINE.length) return false;
  for (let i = 0; i < ENVELOPE_LINE.length; i++) if (value[i] !== ENVELOPE_LINE.charCodeAt(i)) return false;
  return true;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown })?.then === 'function';
}

function isKeyvLike(value: unknown): boolean {
  const k = value as Record<string, unknown> | null;
  return typeof k === 'object' && k !== null && ['get', 'set', 'delete', 'clear', 'on'].every((m) => typeof k[m] === 'function');
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A CacheStore over any Keyv instance (or a promise of one: every call waits for it). Give it a
 * Keyv namespace of its own: clear() empties the whole namespace. Pass `throwOnErrors: true` to the
 * Keyv to see read errors with their cause (otherwise Keyv hides them; @keyv/redis hides them
 * unless its own `throwOnErrors` is set too). `keyvSerialization` makes entries cheaper to read.
 *
 * @throws CacheOptionsError for something that is not a Keyv, or a bad or unknown option.
 */
export function keyvStorage(keyv: Keyv | Promise<Keyv>, options?: KeyvStorageOptions): KeyvStorage {
  if (!isPromise(keyv) && !isKeyvLike(keyv)) {
    throw new CacheOptionsError('keyvStorage.keyv', 'a Keyv instance (new Keyv(...)) or a promise of one', keyv);
  }
  const checked = checkOptions('keyvStorage', options, ['onInvalid', 'close']);
  return new KeyvBackedStore(
    keyv,
    {
      onInvalid: optionalFunction('keyvStorage.onInvalid', checked.onInvalid),
      close: optionalFunction('keyvStorage.close', checked.close),
    },
  );
}

/** keyvStorage for our own factories, with traits of the backend that users cannot set. */
export function keyvBackedStorage(keyv: Keyv | Promise<Keyv>, options: KeyvStorageOptions, traits: KeyvBackendTraits): KeyvStorage {
  return new KeyvBackedStore(keyv, options, traits);
}

// --- for specs and benchmarks (not exported from the package) ----------------------------------

/** The Keyv behind a store made by keyvStorage or a persistent factory, once it is ready. */
export function keyvOf(store: CacheStore): Promise<Keyv> {
  const ready = readyOf.get(store);
  if (ready === undefined) throw new TypeError('keyvOf: not a store made by keyvStorage() or a persistent factory');
  return ready;
}

/** The key under which such a store keeps `key` of a collection inside its Keyv. */
export function storeKeyOf(collection: Collection, key: string): string {
  return (collection === 'entry' ? ENTRY_PREFIX : ALIAS_PREFIX) + key;
}

