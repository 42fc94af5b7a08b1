import { CanceledError, isAxiosError, type AxiosAdapter, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import { backgroundConfig } from './background-agent.js';
import { elapsedClock } from './clock.js';
import type { CacheContext } from './context.js';
import type { CacheEntry } from './entry.js';
import { freshFor } from './events.js';
import { UnreadableValueError } from './errors.js';
import { normaliseUrl } from './key.js';
import { type StoredEntry, lookup } from './lookup.js';
import { coordinatedFetch } from './coordination.js';
import { fetchFromNetwork } from './network.js';
import { ageSeconds, evaluate, invalidationTargets, isClientConditional, isSafeMethod, missDecision, varyNames } from './policy/index.js';
import { type CacheRequest, keyForUrl, selectingFor, toCacheRequest } from './request.js';
import { buildResponse, cachedRequest, headerMapOf, settle } from './response.js';
import { checkRequestOptions } from './settings.js';
import type { CacheState } from './types.js';
import type { CallerCancel } from './single-flight.js';
import type { StoreReads } from './storage/guarded-store.js';

const EMPTY = new Uint8Array(0);

/**
 * The cache adapter: the only orchestrator. Order of operations for one request:
 *
 *  1. settings validate `config.cache` (instance options were resolved once by setupCache);
 *              merged with the instance options and urlTtl rules in step 3 (lib/settings.ts)
 *  2. bypass   `cache: false`, Range requests and methods that are not cacheable go straight to
 *              the network; a successful unsafe request invalidates what it names (RFC 9111 4.4)
 *  3. key      toCacheRequest: normalised URL, key, resolved settings (lib/request.ts)
 *  4. lookup   the stored entry, following redirect and Vary aliases (lib/lookup.ts)
 *  5. decide   policy.evaluate → fresh | stale | not-modified | revalidate | miss | ... (lib/policy/)
 *  6. respond  from the entry, a fresh response object per caller (lib/response.ts)
 *  7. network  through the wrapped adapter, single-flight per key; 304 freshens the entry,
 *              an error may be answered stale (lib/network.ts)
 *  8. store    storable → entry → store.set (lib/persist.ts, inside step 7's flight)
 *
 * axios runs transformResponse, validateStatus-driven errors and interceptors after this, on hits
 * as on misses. A failing store never fails a request: GuardedStore turns it into a miss.
 * The clock is read once per request (`ctx.now()`), and that `now` is what every decision sees.
 */
export function createCacheAdapter(ctx: CacheContext): AxiosAdapter {
  return async function axiosStashAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    // For the events' `duration` only: decisions read ctx.now(), the one (injectable) clock.
    const started = elapsedClock();
    // 1. settings
    const overrides = checkRequestOptions(config.cache);
    const method = (config.method ?? 'get').toUpperCase();

    // 2. bypass
    if (overrides === false || config.headers.has('range')) return passThrough(ctx, config);
    if (!ctx.options.methods.includes(method)) {
      if (isSafeMethod(method)) return passThrough(ctx, config);
      let response: AxiosResponse;
      try {
        response = await passThrough(ctx, config);
      } catch (error) {
        // Success is the origin's status (RFC 9111 §4.4), not the caller's validateStatus: a 2xx
        // the caller chose to reject still changed the resource.
        const answer = isAxiosError(error) ? error.response : undefined;
        if (answer !== undefined) await invalidate(ctx, config, method, answer);
        throw error;
      }
      await invalidate(ctx, config, method, response);
      return response;
    }

    // 3. key
    let request = await toCacheRequest(config, method, overrides, ctx.options, (error) => keyError(ctx, config, error));
    if (request === undefined) return passThrough(ctx, config);
    const mode = request.settings.mode;

    // 4. lookup (the reads of this request share one storeTimeout budget)
    const reads = ctx.store.reads();
    const found = mode === 'reload' || mode === 'no-store' ? undefined : await lookUp(ctx, request, reads);

    // 5. decide and 6. respond
    if (found !== undefined) {
      // Vary (RFC 9111 §4.1) is matched on digests: the entry stores no header value.
      request = await selectingFor(request, varyNames(found.entry.headers), ctx.options.credentialSalt);
      const now = ctx.now();
      const decision = evaluate(found.entry, request.policy, request.settings, now);
      switch (decision.kind) {
        case 'fresh':
          return fromEntry(ctx, request, found, 'hit', now, started);
        case 'stale':
          return fromEntry(ctx, request, found, 'stale', now, started, 'stale, allowed by max-stale or the cache mode');
        case 'not-modified':
          return notModified(ctx, request, found, now, started);
        case 'stale-while-revalidate':
          refreshInBackground(ctx, request, found, decision.headers);
          return fromEntry(ctx, request, found, 'stale', now, started, 'stale, revalidating in the background');
        case 'unsatisfiable':
          return gatewayTimeout(ctx, request, started);
        case 'revalidate':
          return fromNetwork(ctx, request, found, decision.headers, reads, started);
        case 'miss':
          break;
      }
    }
    if (mode === 'only-if-cached' || missDecision(request.policy, request.settings).kind === 'unsatisfiable') {
      return gatewayTimeout(ctx, request, started);
    }

    // 7. network and 8. store
    return fromNetwork(ctx, request, undefined, undefined, reads, started);
  };
}

/**
 * Step 4, closing the single-flight race: a lookup that misses may have read the store just before
 * a flight of this key stored its answer (the write runs after that flight's callers have it).
 * Such a request answers from that flight's entry instead of fetching again.
 */
async function lookUp(ctx: CacheContext, request: CacheRequest, reads: StoreReads): Promise<StoredEntry | undefined> {
  const watch = ctx.flights.watch(request.key);
  try {
    const found = await lookup(reads, request, ctx.options.credentialSalt, (key, entry) => foreignEntry(ctx, request, key, entry));
    if (found !== undefined) return found;
    const landed = watch.landed();
    return landed !== undefined && landed.kind !== 'stale-if-error' ? landed.stored : undefined;
  } finally {
    watch.release();
  }
}

async function fromNetwork(
  ctx: CacheContext,
  request: CacheRequest,
  found: StoredEntry | undefined,
  conditional: Record<string, string> | undefined,
  reads: StoreReads,
  started: number,
): Promise<AxiosResponse> {
  const { config } = request;
  // The client's own conditional request is answered by the origin for this caller only: it
  // neither joins nor feeds a shared flight, and its answer (often a 304) is not stored.
  const store = request.settings.mode !== 'no-store' && !isClientConditional(request.policy.headers);
  // What is not stored is not shared: such a request runs on its own, under its own cancellation.
  const coalesced = store && ctx.flights.has(request.key);
  const result = store
    ? await ctx.flights.run(
        request.key,
        // Across processes too, when the store can hold leases (lib/coordination.ts).
        (signal) => coordinatedFetch(ctx, request, signal, () => fetchFromNetwork(ctx, request, { signal }, found, conditional, true, reads)),
        cancelOf(config),
      )
    : await fetchFromNetwork(ctx, request, config, found, conditional, false, reads);

  switch (result.kind) {
    case 'revalidated':
      // Aged from when the 304 arrived, the entry's new response_time.
      return fromEntry(ctx, request, result.stored, 'revalidated', result.stored.entry.responseTime, started, 'stale, revalidated: the origin answered 304');
    case 'shared':
      return fromEntry(ctx, request, result.stored, 'hit', ctx.now(), started, "stored by another process's request under way (coordinate)");
    case 'stale-if-error':
      return fromEntry(ctx, request, result.stored, 'stale', ctx.now(), started, 'stale, served because the origin failed (stale-if-error)');
    case 'fetched': {
      const response = result.response;
      ctx.reporter.emit({
        type: 'miss',
        key: request.key,
        url: request.url,
        method: request.method,
        status: response.status,
        bytes: response.body.byteLength,
        duration: elapsedClock() - started,
        coalesced,
        reason: coalesced ? 'answered by a request already under way' : found === undefined ? 'not in the cache' : 'stale, revalidated: the origin sent a new response',
      });
      if (!isSafeMethod(request.method)) await invalidateTargets(ctx, request, result.response.status, result.response.headers);
      const stored = result.stored;
      const meta = { key: stored?.key ?? request.key, state: 'miss' as const, createdAt: stored?.entry.createdAt, expiresAt: stored?.entry.expiresAt, age: 0 };
      return settle(buildResponse(result.response, config, meta, result.request));
    }
  }
}

/** A response built from a stored entry, with an up-to-date Age header (RFC 9111 §5.1). */
function fromEntry(
  ctx: CacheContext,
  request: CacheRequest,
  { entry, key }: StoredEntry,
  state: CacheState,
  now: number,
  started: number,
  reason?: string,
): AxiosResponse | Promise<AxiosResponse> {
  const source = request.method === 'HEAD' ? { ...entry, body: EMPTY } : entry;
  ctx.reporter.emit({
    type: state === 'miss' ? 'hit' : state,
    key,
    url: request.url,
    method: request.method,
    status: entry.status,
    bytes: source.body.byteLength,
    duration: elapsedClock() - started,
    reason: reason ?? (() => freshFor(entry.expiresAt, now)),
  });
  const age = ageSeconds(entry, now);
  const meta = { key, state, createdAt: entry.createdAt, expiresAt: entry.expiresAt, age };
  return settle(buildResponse(source, request.config, meta, cachedRequest(entry), { age: String(age) }));
}

/** The client's own conditional request, satisfied by a fresh entry: 304 with the entry's headers. */
function notModified(ctx: CacheContext, request: CacheRequest, { entry, key }: StoredEntry, now: number, started: number): AxiosResponse | Promise<AxiosResponse> {
  ctx.reporter.emit({
    type: 'hit',
    key,
    url: request.url,
    method: request.method,
    status: 304,
    bytes: 0,
    duration: elapsedClock() - started,
    reason: () => `${freshFor(entry.expiresAt, now)}; the client's conditional request answered 304`,
  });
  const age = ageSeconds(entry, now);
  const { ['content-length']: _length, ...headers } = entry.headers;
  const meta = { key, state: 'hit' as const, createdAt: entry.createdAt, expiresAt: entry.expiresAt, age };
  return settle(buildResponse({ status: 304, statusText: 'Not Modified', headers, body: EMPTY }, request.config, meta, cachedRequest(entry), { age: String(age) }));
}

/** only-if-cached with nothing usable: 504, as requests-cache answers; axios rejects it by default. */
function gatewayTimeout(ctx: CacheContext, request: CacheRequest, started: number): AxiosResponse | Promise<AxiosResponse> {
  ctx.reporter.emit({
    type: 'miss',
    key: request.key,
    url: request.url,
    method: request.method,
    status: 504,
    bytes: 0,
    duration: elapsedClock() - started,
    reason: 'nothing usable stored and the network may not be used (only-if-cached): 504',
  });
  const meta = { key: request.key, state: 'miss' as const, createdAt: undefined, expiresAt: undefined, age: 0 };
  return settle(buildResponse({ status: 504, statusText: 'Gateway Timeout', headers: {}, body: EMPTY }, request.config, meta, undefined));
}

/**
 * stale-while-revalidate: the caller already has the stale entry; the refresh runs once per key
 * and its failure is reported, never rejected into the void.
 */
function refreshInBackground(ctx: CacheContext, request: CacheRequest, found: StoredEntry, conditional: Record<string, string>): void {
  if (ctx.flights.has(request.key)) return;
  // Nobody waits for this request: it must not keep the process alive (lib/background-agent.ts).
  const background: CacheRequest = { ...request, config: backgroundConfig(request.config) };
  const refresh = ctx.flights
    // Across processes, only the lease holder refreshes; the others keep serving stale meanwhile.
    .run(request.key, (signal) =>
      coordinatedFetch(ctx, background, signal, () => fetchFromNetwork(ctx, background, { signal }, found, conditional, true, ctx.store.reads())),
    )
    .catch((error: unknown) => {
      ctx.reporter.emit({ type: 'error', operation: 'revalidate', key: request.key, url: request.url, method: request.method, error, reason: `background revalidation failed: ${String(error)}` });
    });
  ctx.background.add(refresh);
  void refresh.finally(() => ctx.background.delete(refresh));
}

async function passThrough(ctx: CacheContext, config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
  const response = await ctx.networkAdapter(config);
  response.cached = false;
  return response;
}

/** RFC 9111 §4.4: a successful unsafe request invalidates the entries of the URLs it names. */
async function invalidate(ctx: CacheContext, config: InternalAxiosRequestConfig, method: string, response: AxiosResponse): Promise<void> {
  const request = await toCacheRequest(config, 'GET', undefined, ctx.options, (error) => keyError(ctx, config, error));
  if (request === undefined) return;
  await invalidateTargets(ctx, { ...request, method, policy: { ...request.policy, method } }, response.status, headerMapOf(response.headers));
}

async function invalidateTargets(ctx: CacheContext, request: CacheRequest, status: number, headers: CacheEntry['headers']): Promise<void> {
  const urls = new Set<string>();
  for (const target of invalidationTargets(request.policy, { status, headers })) {
    // Location / Content-Location as the keys of stored entries have them: params sorted, ignored ones dropped.
    const url = normaliseUrl(target, ctx.options.ignoredParams);
    if (url !== undefined) urls.add(url);
  }
  // The caller's own entries (its credentials and matched headers), and the URL's anonymous ones.
  // Other callers' entries cannot be found without scanning the store; they run out by themselves.
  const anonymous: CacheRequest | undefined =
    request.keyParts === undefined ? undefined : { ...request, keyParts: { ...request.keyParts, headers: [], credentials: null } };
  for (const url of urls) {
    for (const method of ['GET', 'HEAD']) {
      const keys = new Set<string>();
      for (const view of [request, anonymous]) {
        const key = view === undefined ? undefined : await keyForUrl(view, method, url);
        if (key !== undefined) keys.add(key);
      }
      for (const key of keys) {
        await ctx.store.delete(key);
        await ctx.store.deleteAlias(key);
        ctx.reporter.emit({ type: 'invalidate', key, url, method, reason: `after a successful ${request.method}` });
      }
    }
  }
}


/**
 * An entry under this request's key that answers another URL or method (a colliding custom key, a
 * value written by something else): a miss, replaced on the next store, counted and reported as
 * every stored value the cache cannot use is.
 */
function foreignEntry(ctx: CacheContext, request: CacheRequest, key: string, entry: CacheEntry): void {
  const error = new UnreadableValueError({
    key,
    collection: 'entry',
    kind: 'foreign',
    error: `it answers ${entry.method} ${entry.url}, not ${request.method} ${request.url}`,
  });
  ctx.reporter.error('get', error, key);
}

/** The `key` option gave no usable key: the request is not cached (as a throwing `filter` stores nothing), and it is reported. */
function keyError(ctx: CacheContext, config: InternalAxiosRequestConfig, error: Error): void {
  ctx.reporter.event({ type: 'error', operation: 'key', error, url: config.url, message: `key option gave no usable key; not caching ${config.url}: ${error.message}` });
}

/** How one caller cancels: its AbortSignal and/or its (deprecated) CancelToken. */
function cancelOf(config: InternalAxiosRequestConfig): CallerCancel | undefined {
  const token = config.cancelToken;
  if (config.signal === undefined && token === undefined) return undefined;
  return {
    signal: config.signal as CallerCancel['signal'],
    subscribe: token
      ? (listener) => {
          token.subscribe(listener as never);
          return () => token.unsubscribe(listener as never);
        }
      : undefined,
    // As axios' own adapters do: a signal's abort becomes a CanceledError, a token's Cancel is passed on.
    error: (reason) => (reason instanceof CanceledError ? reason : new CanceledError(undefined, undefined, config)),
  };
}
