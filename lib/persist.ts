import type { AxiosResponse } from 'axios';
import type { CacheContext } from './context.js';
import type { CacheEntry, HeaderMap } from './entry.js';
import { DO_NOT_CACHE } from './options.js';
import { freshness, storable, varyNames, varyValues, type PolicyResponse } from './policy/index.js';
import { type CacheRequest, keyForUrl, variantKey } from './request.js';
import { VARY_ALIAS_PREFIX } from './lookup.js';

/** A response from the network, as raw bytes with its timing (RFC 9111 4.2.3). */
export interface NetworkResponse extends PolicyResponse {
  statusText: string;
  body: Uint8Array;
  /** Normalised final URL when the request was redirected. */
  finalUrl: string | undefined;
}

/**
 * Step 8: stores a network response when the policy, the ttl options and the filter allow it.
 * Resolves the stored entry, or undefined when nothing was (or could be) written.
 */
export async function persist(
  ctx: CacheContext,
  request: CacheRequest,
  response: NetworkResponse,
  now: number,
  userResponse: () => AxiosResponse,
): Promise<CacheEntry | undefined> {
  const { settings } = request;
  if (request.ttl === DO_NOT_CACHE) return skip(ctx, request, 'ttl is DO_NOT_CACHE');
  if (!storable(request.policy, response, settings)) return skip(ctx, request, `response ${response.status} is not storable`);
  if (ctx.options.filter !== undefined && !safeFilter(ctx, request, userResponse)) return skip(ctx, request, 'filter returned false');

  const { expiresAt, deleteAt } = freshness(request.policy, response, settings, now);
  if (!(deleteAt > now)) return skip(ctx, request, 'nothing could use the entry: no freshness, no validator, no stale window');

  const names = varyNames(response.headers);
  const entry: CacheEntry = {
    method: request.method,
    url: response.finalUrl ?? request.url,
    status: response.status,
    statusText: response.statusText,
    headers: storedHeaders(response.headers, settings.shared),
    body: response.body,
    varyHeaders: varyValues(names, request.policy.headers),
    requestTime: response.requestTime,
    responseTime: response.responseTime,
    createdAt: now,
    expiresAt,
    deleteAt,
    ...(settings.ttl === undefined ? {} : { ttl: settings.ttl }),
  };
  const ttl = deleteAt - now;

  // A redirected response is stored under its final URL's key; the original key becomes an alias.
  let baseKey = request.key;
  if (response.finalUrl !== undefined && response.finalUrl !== request.url) {
    const finalKey = await keyForUrl(request, request.method, response.finalUrl);
    if (finalKey !== undefined) {
      baseKey = finalKey;
      await ctx.store.setAlias(request.key, finalKey, ttl);
    }
  }
  let key = baseKey;
  if (names.length > 0) {
    // Several variants of one URL coexist: each under its own key, found through a Vary alias.
    key = await variantKey(baseKey, entry.varyHeaders);
    await ctx.store.setAlias(baseKey, VARY_ALIAS_PREFIX + names.join(','), ttl);
    await ctx.store.delete(baseKey);
  }
  return (await write(ctx, key, entry, now)) ? entry : undefined;
}

/** Writes an entry with its store lifetime; counts it only when the store confirmed it. */
export async function write(ctx: CacheContext, key: string, entry: CacheEntry, now: number): Promise<boolean> {
  const ok = await ctx.store.set(key, entry, entry.deleteAt - now);
  if (ok) {
    ctx.reporter.stats.stored++;
    if (ctx.reporter.listening) ctx.reporter.event({ type: 'store', key, url: entry.url, message: `stored ${entry.method} ${entry.url} as ${key}` });
  }
  return ok;
}

/** Headers that never enter a stored entry. */
function storedHeaders(headers: HeaderMap, shared: boolean): HeaderMap {
  // RFC 9111 §3.1 and §7.3: a shared cache must not hand one user's Set-Cookie to another.
  if (!shared || headers['set-cookie'] === undefined) return headers;
  const { ['set-cookie']: _dropped, ...rest } = headers;
  return rest;
}

function safeFilter(ctx: CacheContext, request: CacheRequest, userResponse: () => AxiosResponse): boolean {
  try {
    return ctx.options.filter!(userResponse()) !== false;
  } catch (error) {
    ctx.reporter.event({ type: 'error', operation: 'filter', key: request.key, error, message: `filter threw; not storing: ${String(error)}` });
    return false;
  }
}

function skip(ctx: CacheContext, request: CacheRequest, reason: string): undefined {
  if (ctx.reporter.listening) ctx.reporter.event({ type: 'skip', key: request.key, url: request.url, message: `not storing ${request.method} ${request.url}: ${reason}` });
  return undefined;
}
