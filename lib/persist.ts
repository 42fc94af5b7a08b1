import type { AxiosResponse } from 'axios';
import type { CacheContext } from './context.js';
import type { CacheEntry, HeaderMap } from './entry.js';
import { DO_NOT_CACHE } from './options.js';
import { formatHttpDate, freshness, storable, varyNames, varyValues, type PolicyResponse } from './policy/index.js';
import { type CacheRequest, keyForUrl, variantKey } from './request.js';
import { type Found, formatVaryAlias, parseVaryAlias } from './lookup.js';

/** A response from the network, as raw bytes with its timing (RFC 9111 4.2.3). */
export interface NetworkResponse extends PolicyResponse {
  statusText: string;
  body: Uint8Array;
  /** Normalised final URL when the request was redirected. */
  finalUrl: string | undefined;
}

/**
 * Step 8: stores a network response when the policy, the ttl options and the filter allow it.
 * Resolves the stored entry and its key, or undefined when nothing was (or could be) written.
 */
export async function persist(
  ctx: CacheContext,
  request: CacheRequest,
  response: NetworkResponse,
  now: number,
  userResponse: () => AxiosResponse,
): Promise<Found | undefined> {
  const { settings } = request;
  if (request.ttl === DO_NOT_CACHE) return skip(ctx, request, 'ttl is DO_NOT_CACHE');
  if (!storable(request.policy, response, settings)) return skip(ctx, request, `response ${response.status} is not storable`);
  if (ctx.options.filter !== undefined && !safeFilter(ctx, request, userResponse)) return skip(ctx, request, 'filter returned false');
  response = { ...response, headers: storedHeaders(response.headers, settings.shared, response.responseTime) };

  const { expiresAt, deleteAt } = freshness(request.policy, response, settings, now);
  if (!(deleteAt > now)) return skip(ctx, request, 'nothing could use the entry: no freshness, no validator, no stale window');

  const names = varyNames(response.headers);
  const entry: CacheEntry = {
    method: request.method,
    url: response.finalUrl ?? request.url,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
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
    // Several variants of one URL coexist: each under its own key, found through a Vary alias
    // whose generation they share (lib/lookup.ts): a new one when the URL has no alias (yet, or
    // any more since an invalidation) or varies on other headers now.
    const current = parseVaryAlias((await ctx.store.getAlias(baseKey)) ?? '');
    const same = current !== undefined && current.names.join(',') === names.join(',');
    const generation = same ? current.generation : newGeneration();
    // The alias must outlive every variant it leads to, not just the one stored last.
    const until = Math.max(same ? current.until : 0, deleteAt);
    key = await variantKey(baseKey, entry.varyHeaders, generation);
    await ctx.store.setAlias(baseKey, formatVaryAlias({ names, generation, until }), until - now);
    await ctx.store.delete(baseKey);
  }
  return (await write(ctx, key, entry, now)) ? { entry, key } : undefined;
}

/** A Vary alias generation: unique enough that two generations of one URL never share keys. */
function newGeneration(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
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

/** Hop-by-hop fields (RFC 9110 §7.6.1): RFC 9111 §3.1 keeps them out of a stored response. */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/**
 * The headers an entry keeps: without hop-by-hop fields and those the Connection field names
 * (§3.1), without Set-Cookie in a shared cache (§7.3: one user's cookie must not reach another),
 * and with a Date when the origin sent none (RFC 9110 §6.6.1: the recipient adds its receipt time).
 */
function storedHeaders(headers: HeaderMap, shared: boolean, responseTime: number): HeaderMap {
  const drop = new Set(HOP_BY_HOP);
  const connection = headers['connection'];
  for (const token of (Array.isArray(connection) ? connection.join(',') : (connection ?? '')).split(',')) drop.add(token.trim().toLowerCase());
  if (shared) drop.add('set-cookie');
  const kept: HeaderMap = {};
  for (const name in headers) if (!drop.has(name)) kept[name] = headers[name]!;
  if (kept['date'] === undefined) kept['date'] = formatHttpDate(responseTime);
  return kept;
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
