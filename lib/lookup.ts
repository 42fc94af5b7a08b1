import type { CacheEntry } from './entry.js';
import type { DigestSalt } from './key.js';
import type { StoreReads } from './storage/guarded-store.js';
import { type CacheRequest, variantKey, varyDigests } from './request.js';

/** An entry together with the store key it lives under (the base key, a Vary variant or a redirect target). */
export interface StoredEntry {
  entry: CacheEntry;
  key: string;
}

/**
 * Step 4: finds the entry that answers this request. The reads share the request's one
 * `storeTimeout` budget (GuardedStore.reads). One store read for a plain hit; on a miss
 * the alias collection is consulted (lib/alias.ts): a redirect alias points at the final URL's key
 * (followed once), a Vary alias names the varying headers, from which the variant's key is derived.
 */
export async function lookup(
  store: StoreReads,
  request: CacheRequest,
  salt: DigestSalt,
  /** Told about an entry found under this request's key that answers another URL or method (a miss). */
  onForeign: (key: string, entry: CacheEntry) => void = () => {},
): Promise<StoredEntry | undefined> {
  return find(store, request, request.key, false, salt, onForeign);
}

async function find(
  store: StoreReads,
  request: CacheRequest,
  key: string,
  redirected: boolean,
  salt: DigestSalt,
  onForeign: (key: string, entry: CacheEntry) => void,
): Promise<StoredEntry | undefined> {
  const direct = await store.get(key);
  if (direct !== undefined) return usable(direct, key, request, redirected, onForeign);

  const alias = await store.getAlias(key);
  if (alias === undefined) return undefined;
  if (alias.kind === 'vary') {
    const variant = await variantKey(key, await varyDigests(request, alias.names, salt), alias.generation);
    const entry = await store.get(variant);
    return entry === undefined ? undefined : usable(entry, variant, request, redirected, onForeign);
  }
  return redirected ? undefined : find(store, request, alias.target, true, salt, onForeign);
}

function usable(entry: CacheEntry, key: string, request: CacheRequest, redirected: boolean, onForeign: (key: string, entry: CacheEntry) => void): StoredEntry | undefined {
  if (answers(entry, request, redirected)) return { entry, key };
  onForeign(key, entry);
  return undefined;
}

/**
 * A hit must answer this very request: a colliding custom key or a foreign value is a miss.
 * Behind a redirect alias the entry answers the final URL, so only the method is checked there.
 */
function answers(entry: CacheEntry, request: CacheRequest, redirected: boolean): boolean {
  return entry.method === request.method && (redirected || entry.url === request.url);
}
