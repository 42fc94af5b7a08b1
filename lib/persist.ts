import type { AxiosResponse, AxiosResponseHeaders } from 'axios';
import type { CacheContext } from './context.js';
import type { CacheEntry } from './entry.js';
import type { StoredEntry } from './lookup.js';
import type { StoreReads } from './storage/guarded-store.js';
import type { NetworkResponse } from './network-response.js';
import { freshFor } from './events.js';
import { DO_NOT_CACHE } from './options.js';
import { freshness, storable, storedHeaders, varyNames } from './policy/index.js';
import { type CacheRequest, keyForUrl, variantKey, varyDigests } from './request.js';

/** An entry on its way to the store: what it is, where it goes, and the write under way. */
export interface Persisting {
  stored: StoredEntry;
  /** Settles when the writes are over (true: the store confirmed the entry); never rejects. */
  written: Promise<boolean>;
}

/**
 * Step 8: stores a network response when the policy, the ttl options and the filter allow it.
 * Resolves the entry and its key at once (its only store read, the URL's Vary alias, uses the
 * request's read budget); the writes run after the response is returned, never delaying it, and
 * are tracked (`api.cache.idle()`). Undefined when nothing is to be stored.
 * `now` is the request's one clock reading, taken when the response arrived.
 */
export async function persist(
  ctx: CacheContext,
  request: CacheRequest,
  response: NetworkResponse,
  now: number,
  callerResponse: () => AxiosResponse,
  reads: StoreReads,
): Promise<Persisting | undefined> {
  const { settings } = request;
  if (request.ttl === DO_NOT_CACHE) return skip(ctx, request, response, 'ttl is DO_NOT_CACHE');
  if (response.body.byteLength > ctx.options.maxBodySize) {
    return skip(ctx, request, response, `body of ${response.body.byteLength} bytes is larger than maxBodySize (${ctx.options.maxBodySize})`);
  }
  if (!storable(request.policy, response, settings)) return skip(ctx, request, response, () => whyNotStorable(request, response));
  if (ctx.options.filter !== undefined && !passesFilter(ctx, request, callerResponse)) return skip(ctx, request, response, 'filter returned false');
  response = { ...response, headers: storedHeaders(response.headers, settings, response.responseTime) };

  const { expiresAt, deleteAt } = freshness(request.policy, response, settings, now);
  if (!(deleteAt > now)) return skip(ctx, request, response, 'nothing could use the entry: no freshness, no validator, no stale window');

  const names = varyNames(response.headers);
  const entry: CacheEntry = {
    method: request.method,
    url: response.finalUrl ?? request.url,
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    body: response.body,
    varyHeaders: await varyDigests(request, names, ctx.options.credentialSalt),
    requestTime: response.requestTime,
    responseTime: response.responseTime,
    createdAt: now,
    expiresAt,
    deleteAt,
    ...(settings.ttl === undefined ? {} : { assignedLifetime: settings.ttl }),
    ...(request.tags === undefined ? {} : { tags: request.tags }),
  };
  const lifetime = deleteAt - now;

  // A redirected response is stored under its final URL's key; the original key becomes an alias.
  let baseKey = request.key;
  let redirectAlias: string | undefined;
  if (response.finalUrl !== undefined && response.finalUrl !== request.url) {
    const finalKey = await keyForUrl(request, request.method, response.finalUrl);
    if (finalKey !== undefined) {
      baseKey = finalKey;
      redirectAlias = request.key;
    }
  }
  let key = baseKey;
  let varyAlias: { names: string[]; generation: string; until: number } | undefined;
  if (names.length > 0) {
    // Several variants of one URL coexist, each under its own key, found through the URL's Vary
    // alias (lib/alias.ts): a new generation when the URL has no alias (yet, or any more since an
    // invalidation) or varies on other headers now.
    const current = await reads.getAlias(baseKey);
    const same = current?.kind === 'vary' && current.names.join(',') === names.join(',') ? current : undefined;
    const generation = same?.generation ?? newGeneration(now);
    // The alias must outlive every variant it leads to, not just the one stored last.
    varyAlias = { names, generation, until: Math.max(same?.until ?? 0, deleteAt) };
    key = await variantKey(baseKey, entry.varyHeaders, generation);
  }
  const written = track(ctx, async () => {
    if (redirectAlias !== undefined) await ctx.store.setAlias(redirectAlias, { kind: 'redirect', target: baseKey }, lifetime);
    if (varyAlias !== undefined) {
      await ctx.store.setAlias(baseKey, { kind: 'vary', ...varyAlias }, varyAlias.until - now);
      await ctx.store.delete(baseKey);
    }
    return write(ctx, key, entry, now);
  });
  return { stored: { entry, key }, written };
}

/**
 * Runs a store write after the response: never rejects, and is tracked until it settles so that
 * `api.cache.idle()` (and the manager's own calls) can wait for it.
 */
export function track(ctx: CacheContext, writes: () => Promise<boolean>): Promise<boolean> {
  const promise = Promise.resolve()
    .then(writes)
    .catch((error: unknown) => {
      ctx.reporter.error('write', error);
      return false;
    });
  ctx.writes.add(promise);
  void promise.finally(() => ctx.writes.delete(promise));
  return promise;
}

/** A Vary alias generation: unique enough that two generations of one URL never share keys. */
function newGeneration(now: number): string {
  return `${now.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
}

/** Writes an entry for the rest of its store lifetime; counts it only when the store confirmed it. */
export async function write(ctx: CacheContext, key: string, entry: CacheEntry, now: number): Promise<boolean> {
  const ok = await ctx.store.set(key, entry, entry.deleteAt - now);
  if (ok) {
    ctx.reporter.emit({
      type: 'store',
      key,
      url: entry.url,
      method: entry.method,
      status: entry.status,
      bytes: entry.body.byteLength,
      reason: () => `${freshFor(entry.expiresAt, now)}; kept until ${entry.deleteAt === Infinity ? 'deleted' : new Date(entry.deleteAt).toISOString()}`,
    });
  }
  return ok;
}

/**
 * Runs the user's filter on the response as this request's caller will see it: `data` parsed by
 * the request's own transformResponse (as axios' dispatchRequest does after the adapter), so a
 * JSON body is an object. A filter (or transform) that throws stores nothing and is reported.
 */
function passesFilter(ctx: CacheContext, request: CacheRequest, callerResponse: () => AxiosResponse): boolean {
  try {
    const response = callerResponse();
    const { config } = response;
    const transforms = config.transformResponse === undefined ? [] : [config.transformResponse].flat();
    let data: unknown = response.data;
    for (const transform of transforms) data = transform.call(config, data, response.headers as AxiosResponseHeaders, response.status);
    return ctx.options.filter!({ ...response, data }) !== false;
  } catch (error) {
    ctx.reporter.emit({ type: 'error', operation: 'filter', key: request.key, url: request.url, method: request.method, error, reason: `filter threw; not stored: ${String(error)}` });
    return false;
  }
}

function skip(ctx: CacheContext, request: CacheRequest, response: NetworkResponse, reason: string | (() => string)): undefined {
  ctx.reporter.emit({
    type: 'skip',
    key: request.key,
    url: request.url,
    method: request.method,
    status: response.status,
    reason: () => `not stored: ${typeof reason === 'function' ? reason() : reason}`,
  });
  return undefined;
}

/** The first rule that keeps a response out of the cache, in words (for the debug log only). */
function whyNotStorable(request: CacheRequest, response: NetworkResponse): string {
  const directives = (value: unknown): string[] =>
    (Array.isArray(value) ? value.join(',') : String(value ?? '')).toLowerCase().split(',').map((d) => d.trim().split('=')[0]!);
  const requestCc = directives(request.policy.headers['cache-control']);
  const responseCc = directives(response.headers['cache-control']);
  if (requestCc.includes('no-store')) return 'no-store (request)';
  if (responseCc.includes('no-store')) return 'no-store';
  if (request.settings.shared && responseCc.includes('private')) return 'private (shared cache)';
  if (varyNames(response.headers).includes('*')) return 'Vary: *';
  if (response.status === 206 || response.status === 304) return `status ${response.status}`;
  return `status ${response.status} has no freshness or validator the cache may use (statuses: ${request.settings.statuses.join(', ')})`;
}
