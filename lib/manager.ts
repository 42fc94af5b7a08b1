import type { CacheContext } from './context.js';
import type { CacheEntry } from './entry.js';
import { hashKey, normaliseUrl } from './key.js';
import type { CacheStats } from './report.js';

/**
 * `api.cache`: inspection and management of one instance's cache. Every store call goes through
 * the guarded store, so a broken store makes these report and return empty-handed, not throw.
 */
export class CacheManager {
  constructor(private readonly ctx: CacheContext) {}

  /** The stored entry under `key`, or undefined. */
  get(key: string): Promise<CacheEntry | undefined> {
    return this.ctx.store.get(key);
  }

  /**
   * Deletes by key, or by URL (anything with `://`): the GET and HEAD entries of that URL as an
   * anonymous request (no matched headers, no credentials) and their redirect/Vary aliases.
   * Resolves true when every delete was confirmed by the store.
   */
  async delete(keyOrUrl: string): Promise<boolean> {
    const keys = keyOrUrl.includes('://') ? await this.keysForUrl(keyOrUrl) : [keyOrUrl];
    let ok = true;
    for (const key of keys) {
      ok = (await this.ctx.store.delete(key)) && ok;
      ok = (await this.ctx.store.deleteAlias(key)) && ok;
    }
    return ok;
  }

  /** Removes every entry and alias of this cache. */
  clear(): Promise<boolean> {
    return this.ctx.store.clear();
  }

  /** Keys of the stored entries. A store that fails mid-way ends the iteration (and is reported). */
  async *keys(): AsyncIterableIterator<string> {
    try {
      for await (const key of this.ctx.store.store.keys()) yield key;
    } catch (error) {
      this.ctx.reporter.error('keys', error);
    }
  }

  /**
   * Removes expired entries from stores that keep them until read (SQLite, files, SQL Keyv
   * stores; Redis and memory expire on their own). Resolves how many were removed.
   */
  async prune(): Promise<number> {
    try {
      return (await this.ctx.store.store.prune?.()) ?? 0;
    } catch (error) {
      this.ctx.reporter.error('prune', error);
      return 0;
    }
  }

  /** A snapshot of the counters. */
  stats(): CacheStats {
    return { ...this.ctx.reporter.stats };
  }

  /** Resolves once every background refresh (stale-while-revalidate) under way has settled. */
  async idle(): Promise<void> {
    while (this.ctx.background.size > 0) await Promise.allSettled([...this.ctx.background]);
  }

  /** Releases the store's connections and file handles. */
  async close(): Promise<void> {
    await this.ctx.store.store.close?.();
  }

  private async keysForUrl(url: string): Promise<string[]> {
    const normalised = normaliseUrl(url, this.ctx.options.ignoredParams);
    if (normalised === undefined) return [];
    return Promise.all(['GET', 'HEAD'].map((method) => hashKey({ method, url: normalised, body: null, headers: [], credentials: null })));
  }
}
