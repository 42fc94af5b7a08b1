/**
 * CliCache over `api.cache`.
 *
 * INTERIM: written against today's manager (keys() + get()) until the CacheManager of issue 11
 * (entries(filter), delete(target) → count, getEntry) lands; then each method is one call.
 */
import { parseDuration } from '../duration.js';
import type { CacheManager } from '../manager.js';
import { compileUrlPattern } from '../url-pattern.js';
import { tagsOf, type CliCache, type EntryInfo, type EntrySelection, type FoundEntry } from './cache-api.js';

export function cacheFromManager(manager: CacheManager, now: () => number = Date.now): CliCache {
  return {
    async *entries(selection: EntrySelection = {}): AsyncIterable<EntryInfo> {
      const matches = selects(selection, now());
      for await (const key of manager.keys()) {
        const entry = await manager.get(key);
        if (entry === undefined) continue;
        const info: EntryInfo = {
          key,
          method: entry.method,
          url: entry.url,
          status: entry.status,
          bytes: entry.body.byteLength,
          createdAt: entry.createdAt,
          expiresAt: entry.expiresAt,
          stale: entry.expiresAt <= now(),
          tags: tagsOf(entry),
        };
        if (matches(info)) yield info;
      }
    },
    async find(urlOrKey: string, method: string): Promise<FoundEntry | undefined> {
      if (!urlOrKey.includes('://')) {
        const entry = await manager.get(urlOrKey);
        return entry && { key: urlOrKey, entry, tags: tagsOf(entry) };
      }
      for await (const key of manager.keys()) {
        const entry = await manager.get(key);
        if (entry && entry.method === method && entry.url === urlOrKey) return { key, entry, tags: tagsOf(entry) };
      }
      return undefined;
    },
    async deleteKeys(keys: readonly string[]): Promise<number> {
      let n = 0;
      for (const key of keys) {
        if ((await manager.get(key)) !== undefined && (await manager.delete(key))) n++;
      }
      return n;
    },
    async deleteUrl(url: string): Promise<number> {
      const keys: string[] = [];
      for await (const info of this.entries({})) if (info.url === url) keys.push(info.key);
      return this.deleteKeys(keys);
    },
    prune: () => manager.prune(),
    clear: async () => {
      await manager.clear();
    },
    close: () => manager.close(),
  };
}

function selects(selection: EntrySelection, now: number): (info: EntryInfo) => boolean {
  const pattern = selection.pattern === undefined ? undefined : compileUrlPattern('pattern', selection.pattern);
  const olderThan = selection.olderThan === undefined ? undefined : parseDuration('--older-than', selection.olderThan);
  return (info) =>
    (pattern === undefined || pattern.matches(info.url)) &&
    (selection.tag === undefined || info.tags.includes(selection.tag)) &&
    (selection.status === undefined || selection.status.includes(info.status)) &&
    (olderThan === undefined || info.createdAt <= now - olderThan) &&
    (selection.expired !== true || info.stale);
}
