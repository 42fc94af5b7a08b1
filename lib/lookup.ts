import type { CacheEntry } from './entry.js';
import type { GuardedStore } from './storage/guarded-store.js';
import { type CacheRequest, variantKey } from './request.js';
import { varyValues } from './policy/index.js';

/** Aliases that point at a Vary index rather than at a redirect target start with this. */
export const VARY_ALIAS_PREFIX = 'vary:';

/**
 * A Vary alias, `vary:<names>;<generation>`: the request headers the URL's response varies on, and
 * the generation its variants are keyed under. Invalidating the URL (RFC 9111 §4.4) deletes the
 * alias; the next variant stored starts a new generation, so no variant stored before the
 * invalidation is ever found again, even though the alias itself comes back. An alias without a
 * generation (written before generations existed) has generation ''.
 */
export interface VaryAlias {
  names: string[];
  generation: string;
}

export function parseVaryAlias(alias: string): VaryAlias | undefined {
  if (!alias.startsWith(VARY_ALIAS_PREFIX)) return undefined;
  const [list = '', generation = ''] = alias.slice(VARY_ALIAS_PREFIX.length).split(';');
  return { names: list.split(',').filter(Boolean), generation };
}

export function formatVaryAlias({ names, generation }: VaryAlias): string {
  return `${VARY_ALIAS_PREFIX}${names.join(',')}${generation === '' ? '' : `;${generation}`}`;
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
