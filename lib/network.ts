import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import type { CacheContext } from './context.js';
import type { FetchOutcome } from './fetch-outcome.js';
import { normaliseUrl } from './key.js';
import type { StoredEntry } from './lookup.js';
import type { NetworkResponse } from './network-response.js';
import type { CacheEntry } from './entry.js';
import { freshenWithHead, isStaleIfErrorStatus, mergeNotModified, notModifiedApplies, staleIfErrorAllowed, varyNames } from './policy/index.js';
import { persist, track, write } from './persist.js';
import type { StoreReads } from './storage/guarded-store.js';
import { type CacheRequest, keyForUrl, varyDigests } from './request.js';
import { buildResponse, headerMapOf, toBytes } from './response.js';

/**
 * Step 7: one request to the origin through the wrapped adapter (http, fetch or xhr), run once
 * per key by the single-flight. It always asks for raw bytes and accepts every status, so that
 * the bytes can be stored and each caller gets its own response, settled by its own
 * validateStatus. With a stored entry it revalidates: a 304 freshens the entry (RFC 9111 §4.3.4),
 * and an error may be answered by the stale entry (stale-if-error). The clock is read when the
 * request leaves and when its answer arrives (RFC 9111 §4.2.3 request_time, response_time).
 */
export async function fetchFromNetwork(
  ctx: CacheContext,
  request: CacheRequest,
  cancel: Pick<InternalAxiosRequestConfig, 'signal' | 'cancelToken'>,
  stored: StoredEntry | undefined,
  conditional: Record<string, string> | undefined,
  store: boolean,
  /** The starting request's reads (its read budget): persist's Vary alias read is one of them. */
  reads: StoreReads,
): Promise<FetchOutcome> {
  const conditionalSent = conditional !== undefined && Object.keys(conditional).length > 0;
  let headers = request.config.headers;
  if (conditionalSent) {
    // A copy: AxiosHeaders.from would hand back the caller's own instance, and the conditional
    // headers would leak into its config (and into a repeated or retried request).
    headers = new AxiosHeaders(headers);
    for (const name in conditional) headers.set(name, conditional[name]!);
  }
  const signal = cancel.signal as AbortSignal | undefined;
  const config: InternalAxiosRequestConfig = {
    ...request.config,
    headers,
    responseType: 'arraybuffer',
    validateStatus: null,
    signal,
    cancelToken: cancel.cancelToken,
  };
  const requestTime = ctx.now();
  let raw;
  try {
    raw = await ctx.networkAdapter(config);
  } catch (error) {
    if (stored && !signal?.aborted && staleIfErrorAllowed(stored.entry, request.policy, request.settings, ctx.now())) {
      return { kind: 'stale-if-error', stored };
    }
    throw error;
  }
  const responseTime = ctx.now();
  const response: NetworkResponse = {
    status: raw.status,
    statusText: raw.statusText ?? '',
    headers: headerMapOf(raw.headers),
    body: toBytes(raw.data) ?? new Uint8Array(0),
    requestTime,
    responseTime,
    finalUrl: finalUrl(raw.request, request, ctx.options.ignoredParams),
  };

  if (stored && response.status === 304 && conditionalSent) {
    // RFC 9111 §4.3.4: a 304 whose validators do not identify the stored entry must not update
    // it; the request is repeated without conditions.
    if (!notModifiedApplies(stored.entry, response)) return fetchFromNetwork(ctx, request, cancel, undefined, undefined, store, reads);
    const entry = await withVaryDigests(ctx, request, stored.entry, mergeNotModified(stored.entry, response, request.policy, request.settings, responseTime));
    // Written after the response, as every write (lib/persist.ts).
    const written = store ? track(ctx, () => write(ctx, stored.key, entry, responseTime)) : undefined;
    return { kind: 'revalidated', stored: { entry, key: stored.key }, written };
  }
  if (stored && isStaleIfErrorStatus(response.status) && staleIfErrorAllowed(stored.entry, request.policy, request.settings, responseTime)) {
    return { kind: 'stale-if-error', stored };
  }
  if (store && request.method === 'HEAD' && response.status >= 200 && response.status < 300) {
    // A read and a write after the response: it has a read budget of its own and delays nobody.
    track(ctx, () => freshenStoredGet(ctx, request, response));
  }
  const persisted = store
    ? await persist(
        ctx,
        request,
        response,
        responseTime,
        () => buildResponse(response, request.config, { key: request.key, state: 'miss', createdAt: undefined, expiresAt: undefined, age: 0 }, raw.request),
        reads,
      )
    : undefined;
  return { kind: 'fetched', response, request: raw.request, stored: persisted?.stored, written: persisted?.written };
}

/** A HEAD response freshens (or marks stale) the stored GET response of its URL (policy: freshenWithHead). */
async function freshenStoredGet(ctx: CacheContext, request: CacheRequest, head: NetworkResponse): Promise<boolean> {
  const getKey = await keyForUrl(request, 'GET', request.url);
  if (getKey === undefined) return false;
  const entry = await ctx.store.reads().get(getKey);
  if (entry === undefined || entry.method !== 'GET' || entry.url !== request.url) return false;
  const now = head.responseTime;
  const updated = freshenWithHead(entry, head, { ...request.policy, method: 'GET' }, request.settings, now);
  return write(ctx, getKey, await withVaryDigests(ctx, request, entry, updated), now);
}

/**
 * A 304 may change Vary (RFC 9111 §4.1); the policy then records the request's values for the new
 * names, and the cache stores their digests instead, as it does for every entry.
 */
async function withVaryDigests(ctx: CacheContext, request: CacheRequest, before: CacheEntry, after: CacheEntry): Promise<CacheEntry> {
  const names = varyNames(after.headers);
  if (names.join(',') === varyNames(before.headers).join(',')) return after;
  return { ...after, varyHeaders: await varyDigests(request, names, ctx.options.credentialSalt) };
}

/** The final URL after redirects, as the http adapter (follow-redirects) or fetch/xhr report it. */
function finalUrl(rawRequest: unknown, request: CacheRequest, ignoredParams: ReadonlySet<string>): string | undefined {
  const r = rawRequest as { res?: { responseUrl?: unknown }; responseURL?: unknown } | undefined;
  const url = r?.res?.responseUrl ?? r?.responseURL;
  if (typeof url !== 'string' || url.length === 0) return undefined;
  const normalised = normaliseUrl(url, ignoredParams);
  return normalised === request.url ? undefined : normalised;
}
