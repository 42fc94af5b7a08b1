/**
 * CliCache over `api.cache` (CacheManager): each method is one manager call, so the CLI removes
 * and lists exactly what the library's own API would (aliases, Vary variants, the tag index).
 */
import type { CacheEntryFilter, CacheManager } from '../manager.js';
import { tagsOf, type CliCache, type EntrySelection, type FoundEntry } from './cache-api.js';

/** Store keys are SHA-256 hex; anything else handed to find() is a URL. */
const KEY = /^[0-9a-f]{64}$/;

export function cacheFromManager(manager: CacheManager): CliCache {
  return {
    entries: (selection) => manager.entries(toFilter(selection)),
    async find(urlOrKey, method): Promise<FoundEntry | undefined> {
      // A URL is looked up as the library would for a request of `method` without credentials;
      // the response carries the key of the entry that answered (a Vary variant's, a redirect's target).
      const key = KEY.test(urlOrKey) ? urlOrKey : (await manager.get(urlOrKey, { method }))?.cache?.key;
      if (key === undefined) return undefined;
      const entry = await manager.getEntry(key);
      return entry && { key, entry, tags: tagsOf(entry) };
    },
    deleteKeys: (keys) => manager.delete(keys),
    deleteUrl: (url) => manager.delete(url),
    deleteMatching: (selection) => manager.delete(toFilter(selection) ?? {}),
    prune: () => manager.prune(),
    clear: async () => {
      await manager.clear();
    },
    close: () => manager.close(),
  };
}

function toFilter(selection: EntrySelection | undefined): CacheEntryFilter | undefined {
  if (selection === undefined) return undefined;
  const filter: CacheEntryFilter = {};
  if (selection.pattern !== undefined) filter.pattern = selection.pattern;
  if (selection.tag !== undefined) filter.tag = selection.tag;
  if (selection.status !== undefined) filter.status = selection.status;
  if (selection.olderThan !== undefined) filter.olderThan = selection.olderThan;
  if (selection.expired === true) filter.expired = true;
  if (selection.method !== undefined) filter.method = selection.method;
  return filter;
}
