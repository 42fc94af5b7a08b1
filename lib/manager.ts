import { AxiosHeaders, type AxiosResponse, type AxiosResponseHeaders, type InternalAxiosRequestConfig } from 'axios';
import type { CacheContext } from './context.js';
import type { CacheEntry } from './entry.js';
import { CacheOptionsError } from './errors.js';
import type { CacheEventListener } from './report.js';
import { CACHE_EVENT_NAMES, type CacheEventName } from './events.js';
import { hashKey, normaliseUrl } from './key.js';
import { lookup } from './lookup.js';
import { type CacheDeleteTarget, type CacheEntryFilter, type CacheEntryInfo, compileFilter, type CompiledFilter, entryInfo } from './manager-filter.js';
import { ageSeconds } from './policy/index.js';
import { toCacheRequest } from './request.js';
import { buildResponse, cachedRequest } from './response.js';
import type { StoreHealth } from './storage/circuit-breaker.js';
import type { CacheStats } from './stats.js';

export type { CacheDeleteTarget, CacheEntryFilter, CacheEntryInfo } from './manager-filter.js';

/** Options of `api.cache.get()` and `api.cache.has()`. */
export interface CacheLookupOptions {
  /** The request method whose entry is wanted. @default 'GET' */
  method?: string;
}

/**
 * `api.cache`: inspection and management of one instance's cache. Every store call goes through
 * the guarded store (time-out, catch, report), so a broken store makes these report and come back
 * empty-handed, never throw (bad arguments throw CacheOptionsError).
 *
 * A string argument is a URL when it contains `://` or starts with `/` (resolved against the
 * instance's `baseURL`), and a store key otherwise.
 */
export interface CacheManager {
  /**
   * The stored response for a URL or key as an axios response (`cached: true`, `cache.state`
   * `hit` or `stale`, body parsed by the instance's transformResponse), or undefined. Never touches
   * the network. A URL is looked up as a request without credentials or extra headers would be.
   */
  get(urlOrKey: string, options?: CacheLookupOptions): Promise<AxiosResponse | undefined>;
  /** Whether `get()` would answer (a stored entry, fresh or stale). */
  has(urlOrKey: string, options?: CacheLookupOptions): Promise<boolean>;
  /** The raw stored entry under `key`, or undefined. Entries are read-only: never mutate one. */
  getEntry(key: string): Promise<CacheEntry | undefined>;
  /**
   * Metadata of the stored entries (no bodies), streamed from the store: memory stays bounded on a
   * million entries. With a filter, only the entries it selects.
   */
  entries(filter?: CacheEntryFilter): AsyncIterableIterator<CacheEntryInfo>;
  /**
   * Removes entries and resolves how many went (0 when nothing matched):
   * - a key;
   * - a URL: every entry stored for it that the cache can find (any method, Vary variants, other
   *   callers' entries by their stored URL) and its redirect/Vary aliases;
   * - an array of keys and URLs;
   * - a filter: `{ pattern: 'api.example.com/users/*' }`, `{ tag: 'users' }` (from the store's tag
   *   index where it has one), `{ expired: true, olderThan: '7d', status: [404], predicate }`.
   */
  delete(target: CacheDeleteTarget): Promise<number>;
  /** Removes every entry and alias of this cache. Resolves false when the store failed. */
  clear(): Promise<boolean>;
  /** Keys of the stored entries. A store that fails mid-way ends the iteration (and is reported). */
  keys(): AsyncIterableIterator<string>;
  /** Removes expired and unreadable entries from stores that keep them until read (SQLite, files, SQL Keyv stores). Resolves how many went. */
  prune(): Promise<number>;
  /** A snapshot of this instance's counters. */
  stats(): CacheStats;
  /** Sets every counter back to 0. */
  resetStats(): void;
  /** Calls `listener` for every `event` of this instance (hit, miss, stale, revalidated, store, evict, invalidate, error). */
  on(event: CacheEventName, listener: CacheEventListener): this;
  /** Removes a listener added by `on()`. */
  off(event: CacheEventName, listener: CacheEventListener): this;
  /**
   * Whether the store answers: `ok`, the breaker `state` (`up`, `down`: requests skip the store for
   * a back-off window, `probing`), the last store error and when it happened, and how many store
   * time-outs requests have waited.
   */
  health(): StoreHealth;
  /**
   * Resolves once every store write (they run after the response is returned) and every background
   * refresh (stale-while-revalidate) under way has settled: await it before a test's next step
   * that reads the store from elsewhere, or before shutting down.
   */
  idle(): Promise<void>;
  /** Releases the store's connections and file handles. */
  close(): Promise<void>;
}

/** Request defaults of the instance the manager belongs to (baseURL, transformResponse, ...). */
export type ManagerDefaults = Partial<Pick<InternalAxiosRequestConfig, 'baseURL' | 'transformResponse' | 'responseType' | 'responseEncoding'>>;

export function createCacheManager(ctx: CacheContext, defaults: ManagerDefaults = {}): CacheManager {
  return new Manager(ctx, defaults);
}

/** Keys deleted per batch while a listing runs (bounds memory; see deleteListed). */
const DELETE_BATCH = 256;

class Manager implements CacheManager {
  constructor(
    private readonly ctx: CacheContext,
    private readonly defaults: ManagerDefaults,
  ) {}

  // The manager's calls first wait for this instance's writes under way (they run after the
  // response): what a response said was stored is there to be read, deleted or cleared.

  async get(urlOrKey: string, options?: CacheLookupOptions): Promise<AxiosResponse | undefined> {
    const found = await this.find(urlOrKey, options);
    if (found === undefined) return undefined;
    const { entry, key, config } = found;
    const now = this.ctx.now();
    const age = ageSeconds(entry, now);
    const state = entry.expiresAt > now ? ('hit' as const) : ('stale' as const);
    const source = entry.method === 'HEAD' ? { ...entry, body: new Uint8Array(0) } : entry;
    const response = buildResponse(source, config, { key, state, createdAt: entry.createdAt, expiresAt: entry.expiresAt, age }, cachedRequest(entry), { age: String(age) });
    // As axios' dispatchRequest would after the adapter: the instance's transformResponse.
    const transforms = config.transformResponse === undefined ? [] : [config.transformResponse].flat();
    for (const transform of transforms) {
      response.data = transform.call(config, response.data, response.headers as AxiosResponseHeaders, response.status);
    }
    return response;
  }

  async has(urlOrKey: string, options?: CacheLookupOptions): Promise<boolean> {
    return (await this.find(urlOrKey, options)) !== undefined;
  }

  async getEntry(key: string): Promise<CacheEntry | undefined> {
    await this.writesDone();
    return this.ctx.store.get(key);
  }

  async *entries(filter?: CacheEntryFilter): AsyncIterableIterator<CacheEntryInfo> {
    const now = this.ctx.now();
    const compiled = compileFilter('entries', filter, now);
    await this.writesDone();
    for await (const info of this.listing(compiled, now)) {
      if (compiled.matches(info)) yield info;
    }
  }

  async delete(target: CacheDeleteTarget): Promise<number> {
    const removed = this.deleteTarget(target);
    return removed;
  }

  private async deleteTarget(target: CacheDeleteTarget): Promise<number> {
    if (typeof target === 'string') return this.deleteStrings([target]);
    if (Array.isArray(target)) {
      if (target.some((t) => typeof t !== 'string' || t === '')) {
        throw new CacheOptionsError('delete', 'a key, a URL, an array of keys and URLs, or a filter object', target);
      }
      return this.deleteStrings(target as string[]);
    }
    if (target === null || typeof target !== 'object') {
      throw new CacheOptionsError('delete', 'a key, a URL, an array of keys and URLs, or a filter object', target);
    }
    const now = this.ctx.now();
    const compiled = compileFilter('delete', target as CacheEntryFilter, now);
    await this.writesDone();
    return this.deleteListed(this.listing(compiled, now), compiled.matches);
  }

  async clear(): Promise<boolean> {
    await this.writesDone();
    return this.ctx.store.clear();
  }

  async *keys(): AsyncIterableIterator<string> {
    await this.writesDone();
    yield* this.ctx.store.keys();
  }

  async prune(): Promise<number> {
    await this.writesDone();
    return this.ctx.store.prune();
  }

  stats(): CacheStats {
    return this.ctx.reporter.counter.snapshot();
  }

  resetStats(): void {
    this.ctx.reporter.counter.reset();
  }

  on(event: CacheEventName, listener: CacheEventListener): this {
    this.ctx.reporter.on(checkEventName('on', event), checkListener('on', listener));
    return this;
  }

  off(event: CacheEventName, listener: CacheEventListener): this {
    this.ctx.reporter.off(checkEventName('off', event), listener);
    return this;
  }

  health(): StoreHealth {
    return this.ctx.breaker.health();
  }

  async idle(): Promise<void> {
    while (this.ctx.background.size > 0 || this.ctx.writes.size > 0) await Promise.allSettled([...this.ctx.background, ...this.ctx.writes]);
  }

  async close(): Promise<void> {
    await this.writesDone();
    await this.ctx.store.close();
  }

  private async writesDone(): Promise<void> {
    while (this.ctx.writes.size > 0) await Promise.allSettled([...this.ctx.writes]);
  }

  // --- internals ------------------------------------------------------------------------------

  /** The entry `get(urlOrKey)` answers with, its key, and the request config it answers. */
  private async find(urlOrKey: string, options: CacheLookupOptions | undefined): Promise<{ entry: CacheEntry; key: string; config: InternalAxiosRequestConfig } | undefined> {
    if (typeof urlOrKey !== 'string' || urlOrKey === '') throw new CacheOptionsError('get', 'a URL or a store key', urlOrKey);
    const method = (options?.method ?? 'GET').toUpperCase();
    await this.writesDone();
    if (!isUrl(urlOrKey)) {
      const entry = await this.ctx.store.get(urlOrKey);
      if (entry === undefined) return undefined;
      return { entry, key: urlOrKey, config: this.configFor(entry.url, entry.method) };
    }
    const config = this.configFor(urlOrKey, method);
    const request = await toCacheRequest(config, method, undefined, this.ctx.options);
    if (request === undefined) return undefined;
    const found = await lookup(this.ctx.store, request, this.ctx.options.credentialSalt);
    return found && { ...found, config };
  }

  private configFor(url: string, method: string): InternalAxiosRequestConfig {
    return { ...this.defaults, url, method: method.toLowerCase(), headers: new AxiosHeaders() } as InternalAxiosRequestConfig;
  }

  /**
   * Entries for a filter: from the store's tag index when the filter names a tag and the store
   * keeps one, else the store's listing (or keys() and get() for stores without one).
   */
  private async *listing(filter: CompiledFilter, now: number): AsyncGenerator<CacheEntryInfo> {
    const store = this.ctx.store;
    if (filter.tag !== undefined && store.hasTagIndex) {
      for await (const { key, entry, bytes } of store.listTagged(filter.tag)) yield entryInfo(key, entry, bytes, now);
      return;
    }
    if (store.canList) {
      for await (const { key, entry, bytes } of store.list()) yield entryInfo(key, entry, bytes, now);
      return;
    }
    for await (const key of store.keys()) {
      const entry = await store.get(key);
      if (entry !== undefined) yield entryInfo(key, entry, entry.body.byteLength, now);
    }
  }

  /** Deletes the listed entries that match, in batches (stores list safely while deleting, see CacheStore.list). */
  private async deleteListed(listing: AsyncIterable<CacheEntryInfo>, matches: (info: CacheEntryInfo) => boolean): Promise<number> {
    let removed = 0;
    let batch: CacheEntryInfo[] = [];
    for await (const info of listing) {
      if (!matches(info)) continue;
      batch.push(info);
      if (batch.length >= DELETE_BATCH) {
        removed += await this.removeAll(batch, 'deleted by api.cache.delete()');
        batch = [];
      }
    }
    removed += await this.removeAll(batch, 'deleted by api.cache.delete()');
    return removed;
  }

  /** Keys and URLs: keys directly; URLs by their anonymous keys, aliases, then one listing for their other variants. */
  private async deleteStrings(targets: readonly string[]): Promise<number> {
    await this.writesDone();
    const store = this.ctx.store;
    let removed = 0;
    const urls = new Set<string>();
    for (const target of targets) {
      if (!isUrl(target)) {
        const entry = await store.get(target);
        await store.deleteAlias(target, 'manager');
        if (entry !== undefined) removed += await this.removeAll([entryInfo(target, entry, entry.body.byteLength, this.ctx.now())], 'deleted by api.cache.delete()');
        continue;
      }
      const url = this.normalise(target);
      if (url === undefined) continue;
      urls.add(url);
      // The URL's anonymous keys may hold a redirect or Vary alias rather than an entry.
      for (const method of ['GET', 'HEAD']) {
        const key = await hashKey({ method, url, body: null, headers: [], credentials: null });
        await store.deleteAlias(key, 'manager');
      }
    }
    if (urls.size > 0) {
      removed += await this.deleteListed(this.listing(compileFilter('delete', undefined, 0), this.ctx.now()), (info) => urls.has(info.url));
    }
    return removed;
  }

  /** Deletes entries (and the alias a URL's base key may hold) and reports each as `invalidate`. */
  private async removeAll(infos: readonly CacheEntryInfo[], reason: string): Promise<number> {
    let removed = 0;
    for (const info of infos) {
      const ok = await this.ctx.store.delete(info.key, 'manager');
      await this.ctx.store.deleteAlias(info.key, 'manager');
      if (!ok) continue;
      removed++;
      this.ctx.reporter.emit({ type: 'invalidate', key: info.key, url: info.url, method: info.method, status: info.status, bytes: info.bytes, reason });
    }
    return removed;
  }

  private normalise(url: string): string | undefined {
    if (url.includes('://')) return normaliseUrl(url, this.ctx.options.ignoredParams);
    const base = this.defaults.baseURL;
    if (base === undefined) return undefined;
    return normaliseUrl(base.replace(/\/+$/, '') + url, this.ctx.options.ignoredParams);
  }
}

function isUrl(value: string): boolean {
  return value.includes('://') || value.startsWith('/');
}

function checkEventName(method: string, event: unknown): CacheEventName {
  if (typeof event === 'string' && (CACHE_EVENT_NAMES as readonly string[]).includes(event)) return event as CacheEventName;
  throw new CacheOptionsError(`${method}(event)`, `one of ${CACHE_EVENT_NAMES.join(', ')}`, event);
}

function checkListener(method: string, listener: unknown): CacheEventListener {
  if (typeof listener === 'function') return listener as CacheEventListener;
  throw new CacheOptionsError(`${method}(event, listener)`, 'a function receiving the event', listener);
}
