import type { CacheEntry } from './entry.js';
import type { GuardedStore } from './storage/guarded-store.js';
import { type CacheRequest, variantKey } from './request.js';
import { varyValues } from './policy/index.js';

/** Aliases that point at a Vary index rather than at a redirect target start with this. */
export const VARY_ALIAS_PREFIX = 'vary:';

/**
 * A Vary alias, `vary:<names>;<generation>;<until>`: the request headers the URL's response varies
 * on, the generation its variants are keyed under, and until when (ms since epoch) the longest-lived
 * variant may be used. Invalidating the URL (RFC 9111 §4.4) deletes the alias; the next variant
 * stored starts a new generation, so no variant stored before the invalidation is ever found again,
 * even though the alias itself comes back. `until` lets each new variant extend the alias's store
 * lifetime without cutting it short for variants that live longer.
 */
export interface VaryAlias {
  names: string[];
  generation: string;
  /** ms since epoch; Infinity for no end. */
  until: number;
}

export function parseVaryAlias(alias: string): VaryAlias | undefined {
  if (!alias.startsWith(VARY_ALIAS_PREFIX)) return undefined;
  const [list = '', generation = '', until = ''] = alias.slice(VARY_ALIAS_PREFIX.length).split(';');
  const time = Number(until);
  return { names: list.split(',').filter(Boolean), generation, until: until !== '' && !Number.isNaN(time) ? time : 0 };
}

export function formatVaryAlias({ names, generation, until }: VaryAlias): string {
  return `${VARY_ALIAS_PREFIX}${names.join(',')};${generation};${until}`;
}

export interface Found {
  entry: CacheEntry;
  /** The store key the entry was read from (the base key, a Vary variant or a redirect target). */
  key: string;
}

/**
 * Step 4: finds the entry that answers this request. One store read for a plain hit; on a miss
 * the alias collection is consulted: a redirect alias points at the final URL's key (followed
 * once), a Vary alias names the varying headers, from which the variant's key is derived.
 */
export async function lookup(store: GuardedStore, request: CacheRequest): Promise<Found | undefined> {
  return find(store, request, request.key, false);
}

async function find(store: GuardedStore, request: CacheRequest, key: string, redirected: boolean): Promise<Found | undefined> {
  const direct = await store.get(key);
  if (direct !== undefined) return answers(direct, request, redirected) ? { entry: direct, key } : undefined;

  const alias = await store.getAlias(key);
  if (alias === undefined) return undefined;
  const vary = parseVaryAlias(alias);
  if (vary !== undefined) {
    const variant = await variantKey(key, varyValues(vary.names, request.policy.headers), vary.generation);
    const entry = await store.get(variant);
    return entry !== undefined && answers(entry, request, redirected) ? { entry, key: variant } : undefined;
  }
  return redirected ? undefined : find(store, request, alias, true);
}

/**
 * A hit must answer this very request: a colliding custom key or a foreign value is a miss.
 * Behind a redirect alias the entry answers the final URL, so only the method is checked there.
 */
function answers(entry: CacheEntry, request: CacheRequest, redirected: boolean): boolean {
  return entry.method === request.method && (redirected || entry.url === request.url);
}
