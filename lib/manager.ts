import type { CacheContext } from './context.js';
import type { CacheEntry } from './entry.js';
import { hashKey, normaliseUrl } from './key.js';
import type { CacheStats } from './report.js';
import type { StoreHealth } from './storage/circuit-breaker.js';

/**
 * `api.cache`: inspection and management of one instance's cache. Every store call goes through
 * the guarded store (time-out, catch, report), so a broken store makes these report and come back
 * empty-handed, never throw.
 */
export interface CacheManager {
  /** The stored entry under `key`, or undefined. Entries are read-only: never mutate one. */
  get(key: string): Promise<CacheEntry | undefined>;
  /**
   * Deletes by key, or by URL (anything with `://`): the GET and HEAD entries of that URL as an
   * anonymous request (no matched headers, no credentials) and their redirect/Vary aliases.
   * Resolves true when every delete was confirmed by the store.
   */
  delete(keyOrUrl: string): Promise<boolean>;
  /** Removes every entry and alias of this cache. Resolves false when the store failed. */
  clear(): Promise<boolean>;
  /** Keys of the stored entries. A store that fails mid-way ends the iteration (and is reported). */
  keys(): AsyncIterableIterator<string>;
  /** Removes expired and unreadable entries from stores that keep them until read (SQLite, files, SQL Keyv stores). Resolves how many went. */
  prune(): Promise<number>;
  /** A snapshot of the counters. */
  stats(): CacheStats;
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

export function createCacheManager(ctx: CacheContext): CacheManager {
  return new Manager(ctx);
}

class Manager implements CacheManager {
  constructor(private readonly ctx: CacheContext) {}

  // The manager's calls first wait for this instance's writes under way (they run after the
  // response): what a response said was stored is there to be read, deleted or cleared.

  async get(key: string): Promise<CacheEntry | undefined> {
    await this.writesDone();
    return this.ctx.store.get(key);
  }

  async delete(keyOrUrl: string): Promise<boolean> {
    await this.writesDone();
    const keys = keyOrUrl.includes('://') ? await this.keysForUrl(keyOrUrl) : [keyOrUrl];
    let ok = true;
    for (const key of keys) {
      ok = (await this.ctx.store.delete(key, 'manager')) && ok;
      ok = (await this.ctx.store.deleteAlias(key, 'manager')) && ok;
    }
    return ok;
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
    return { ...this.ctx.reporter.stats };
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

  private async keysForUrl(url: string): Promise<string[]> {
    const normalised = normaliseUrl(url, this.ctx.options.ignoredParams);
    if (normalised === undefined) return [];
    return Promise.all(['GET', 'HEAD'].map((method) => hashKey({ method, url: normalised, body: null, headers: [], credentials: null })));
  }
}
