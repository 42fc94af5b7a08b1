import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import type { CacheContext } from './context.js';
import { normaliseUrl } from './key.js';
import { mergeNotModified, notModifiedApplies, staleIfErrorAllowed } from './policy/index.js';
import type { Found } from './lookup.js';
import { type NetworkResponse, persist, write } from './persist.js';
import { type CacheRequest, keyForUrl } from './request.js';
import { buildResponse, plainHeaders, toBytes } from './response.js';

/** What one trip to the origin produced, shared by every caller of the flight. */
export type NetworkResult =
  | { kind: 'network'; response: NetworkResponse; request: unknown; stored: Found | undefined }
  | { kind: 'revalidated'; stored: Found }
  | { kind: 'stale-if-error'; stored: Found };

/** Statuses that count as an error for stale-if-error (RFC 5861 §4). */
const ERROR_STATUSES = new Set([500, 502, 503, 504]);

/**
 * Step 7: one request to the origin through the wrapped adapter (http, fetch or xhr), run once
 * per key by the single-flight. It always asks for raw bytes and accepts every status, so that
 * the bytes can be stored and each caller gets its own response, settled by its own
 * validateStatus. With a stored entry it revalidates: a 304 freshens the entry (RFC 9111 4.3.4),
 * and an error may be answered by the stale entry (stale-if-error).
 */
export async function fetchFromNetwork(
  ctx: CacheContext,
  request: CacheRequest,
  cancel: Pick<InternalAxiosRequestConfig, 'signal' | 'cancelToken'>,
  stored: Found | undefined,
  conditional: Record<string, string> | undefined,
  store: boolean,
): Promise<NetworkResult> {
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
  const requestTime = Date.now();
  let raw;
  try {
    raw = await ctx.inner(config);
  } catch (error) {
    if (stored && !signal?.aborted && staleIfErrorAllowed(stored.entry, request.policy, request.settings, Date.now())) {
      return { kind: 'stale-if-error', stored };
    }
    throw error;
  }
  const responseTime = Date.now();
  const response: NetworkResponse = {
    status: raw.status,
    statusText: raw.statusText ?? '',
    headers: plainHeaders(raw.headers),
    body: toBytes(raw.data) ?? new Uint8Array(0),
    requestTime,
    responseTime,
    finalUrl: finalUrl(raw.request, request, ctx.options.ignoredParams),
  };

  if (stored && response.status === 304 && conditionalSent) {
    // RFC 9111 §4.3.4: a 304 whose validators do not identify the stored entry must not update
    // it; the request is repeated without conditions.
    if (!notModifiedApplies(stored.entry, response)) return fetchFromNetwork(ctx, request, cancel, undefined, undefined, store);
    const entry = mergeNotModified(stored.entry, response, request.policy, request.settings, responseTime);
    if (store) await write(ctx, stored.key, entry, responseTime);
    return { kind: 'revalidated', stored: { entry, key: stored.key } };
  }
  if (stored && ERROR_STATUSES.has(response.status) && staleIfErrorAllowed(stored.entry, request.policy, request.settings, responseTime)) {
    return { kind: 'stale-if-error', stored };
  }
  if (store && request.method === 'HEAD' && response.status >= 200 && response.status < 300) {
    await freshenStoredGet(ctx, request, response);
  }
  const persisted = store
    ? await persist(ctx, request, response, responseTime, () =>
        buildResponse(response, request.config, { key: request.key, state: 'miss', createdAt: undefined, expiresAt: undefined, age: 0 }, raw.request),
      )
    : undefined;
  return { kind: 'network', response, request: raw.request, stored: persisted };
}

/**
 * RFC 9111 §4.3.5: a HEAD response may freshen the stored GET response of the same URL when its
 * validators (and Content-Length) identify it; when they do not, the stored GET is stale now.
 */
async function freshenStoredGet(ctx: CacheContext, request: CacheRequest, head: NetworkResponse): Promise<void> {
  const getKey = await keyForUrl(request, 'GET', request.url);
  if (getKey === undefined) return;
  const entry = await ctx.store.get(getKey);
  if (entry === undefined || entry.method !== 'GET' || entry.url !== request.url) return;
  const length = head.headers['content-length'];
  const sameLength = length === undefined || entry.headers['content-length'] === undefined || String(length) === String(entry.headers['content-length']);
  const now = head.responseTime;
  const getRequest = { ...request.policy, method: 'GET' };
  const updated =
    sameLength && notModifiedApplies(entry, head)
      ? mergeNotModified(entry, head, getRequest, request.settings, now)
      : { ...entry, expiresAt: Math.min(entry.expiresAt, now) };
  await write(ctx, getKey, updated, now);
}

/** The final URL after redirects, as the http adapter (follow-redirects) or fetch/xhr report it. */
function finalUrl(rawRequest: unknown, request: CacheRequest, ignoredParams: ReadonlySet<string>): string | undefined {
  const r = rawRequest as { res?: { responseUrl?: unknown }; responseURL?: unknown } | undefined;
  const url = r?.res?.responseUrl ?? r?.responseURL;
  if (typeof url !== 'string' || url.length === 0) return undefined;
  const normalised = normaliseUrl(url, ignoredParams);
  return normalised === request.url ? undefined : normalised;
}
