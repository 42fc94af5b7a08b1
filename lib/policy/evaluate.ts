/**
 * Reusing a stored response (RFC 9111 §4, RFC 5861): what the adapter does with an entry it found
 * for a request. The caller has already checked that the entry answers this method and URL.
 */
import { directiveMs, requestDirectives, responseDirectives } from './cache-control.js';
import { currentAgeMs, durationMs, isFresh, staleServingForbidden, stalenessMs } from './freshness.js';
import { revalidationHeaders } from './revalidation.js';
import { UNDERSTOOD_STATUSES } from './storable.js';
import type { CacheEntry, Decision, Directives, PolicyRequest, PolicySettings } from './types.js';
import { clientConditionSatisfied } from './validators.js';
import { varyMatches } from './vary.js';

const NO_DIRECTIVES: Directives = new Map();

function onlyIfCached(settings: PolicySettings, request: Directives): boolean {
  // §5.2.1.7 only-if-cached, or the Fetch mode of the same name.
  return settings.mode === 'only-if-cached' || request.has('only-if-cached');
}

/**
 * The decision when no usable entry exists: 'unsatisfiable' under only-if-cached (the caller
 * answers 504, RFC 9111 §5.2.1.7), else 'miss'. The adapter calls this when the store has nothing.
 */
export function missDecision(req: PolicyRequest, settings: PolicySettings): Decision {
  const request = settings.cacheControl === false ? NO_DIRECTIVES : requestDirectives(req.headers);
  return onlyIfCached(settings, request) ? { kind: 'unsatisfiable' } : { kind: 'miss' };
}

/** Whether the entry may be used at all for this request, regardless of its freshness. */
function usable(entry: CacheEntry, req: PolicyRequest, settings: PolicySettings, request: Directives): boolean {
  // §4.1: the nominated request headers must match.
  if (!varyMatches(entry, req)) return false;
  if (settings.cacheControl === false) return true;
  // §5.2.1.5 allows answering a no-store request from the cache; like Fetch's "no-store" mode and
  // requests-cache, a client that asks for no-store gets the network (decision, documented).
  if (request.has('no-store')) return false;
  // §3, §5.2.2.5, §5.2.2.7: an entry that could not have been stored under these rules is not reused.
  // §5.2.2.3: must-understand with an understood status overrides no-store (as in storable).
  const response = responseDirectives(entry.headers);
  const noStore = response.has('no-store') && !(response.has('must-understand') && UNDERSTOOD_STATUSES.has(entry.status));
  return !(noStore || (settings.shared === true && response.has('private')));
}

/** A fresh entry answers in full, or with 304 when the client's own condition holds (§4.3.2). */
function serveFresh(entry: CacheEntry, req: PolicyRequest, now: number): Decision {
  return clientConditionSatisfied(entry, req, now) ? { kind: 'not-modified' } : { kind: 'fresh' };
}

/**
 * RFC 9111 §4: may this stored entry answer the request, and how?
 *
 * Modes: 'no-store' and 'reload' never read the cache (miss); 'force-cache' and 'only-if-cached'
 * serve any entry whose Vary matches, fresh or stale; 'no-cache' always validates; 'default'
 * follows the RFC. With cacheControl off, request and response directives are ignored: the entry
 * is fresh until expiresAt, then served stale-while-revalidate within settings.staleWhileRevalidate,
 * else revalidated.
 */
export function evaluate(entry: CacheEntry, req: PolicyRequest, settings: PolicySettings, now: number): Decision {
  const { mode } = settings;
  if (mode === 'no-store' || mode === 'reload') return { kind: 'miss' };

  const useCacheControl = settings.cacheControl !== false;
  const request = useCacheControl ? requestDirectives(req.headers) : NO_DIRECTIVES;
  const offline = onlyIfCached(settings, request);
  if (!usable(entry, req, settings, request)) return offline ? { kind: 'unsatisfiable' } : { kind: 'miss' };

  const fresh = isFresh(entry, now);
  if (mode === 'force-cache' || mode === 'only-if-cached') {
    return fresh ? serveFresh(entry, req, now) : { kind: 'stale' };
  }

  // Validation would need the network: under only-if-cached that is a 504 instead (§5.2.1.7).
  // Built only when chosen: a fresh hit needs no conditional headers.
  const revalidate = (): Decision => (offline ? { kind: 'unsatisfiable' } : { kind: 'revalidate', headers: revalidationHeaders(entry) });
  if (mode === 'no-cache') return revalidate();

  const staleness = stalenessMs(entry, now);
  if (!useCacheControl) {
    if (fresh) return serveFresh(entry, req, now);
    const window = durationMs(settings.staleWhileRevalidate);
    if (window > 0 && staleness <= window) {
      return { kind: 'stale-while-revalidate', headers: revalidationHeaders(entry) };
    }
    return revalidate();
  }

  const response = responseDirectives(entry.headers);
  // §5.2.1.4 (request) and §5.2.2.4 (response) no-cache: validate before any reuse.
  if (request.has('no-cache') || response.has('no-cache')) return revalidate();

  // §5.2.1.1: request max-age limits the age of what the client accepts, fresh or stale.
  const maxAge = directiveMs(request, 'max-age');
  const tooOld = maxAge !== undefined && currentAgeMs(entry, now) > maxAge;
  if (tooOld) return revalidate();

  if (fresh) {
    // §5.2.1.3 min-fresh: "still be fresh for at least the specified number of seconds".
    const minFresh = directiveMs(request, 'min-fresh') ?? 0;
    return entry.expiresAt - now >= minFresh ? serveFresh(entry, req, now) : revalidate();
  }

  // §4.2.4: no stale response when must-revalidate, no-cache, or (shared) proxy-revalidate / s-maxage forbid it.
  if (staleServingForbidden(response, settings.shared === true)) return revalidate();

  // RFC 5861 §3 stale-while-revalidate, from the response or configured (an out-of-band contract,
  // §4.2.4). Not when the client asked for a fresh response (max-age without max-stale, min-fresh).
  const clientWantsFresh = (request.has('max-age') && !request.has('max-stale')) || request.has('min-fresh');
  const swr = Math.max(directiveMs(response, 'stale-while-revalidate') ?? 0, durationMs(settings.staleWhileRevalidate));
  if (!clientWantsFresh && swr > 0 && staleness <= swr) {
    // only-if-cached: serve it but do not touch the network, even in the background.
    return offline ? { kind: 'stale' } : { kind: 'stale-while-revalidate', headers: revalidationHeaders(entry) };
  }

  // §5.2.1.2 max-stale: the client accepts this much staleness (no value: any).
  const maxStale = directiveMs(request, 'max-stale');
  if (maxStale !== undefined && staleness <= maxStale) return { kind: 'stale' };

  return revalidate();
}

/**
 * RFC 5861 §4 stale-if-error: may the entry answer when the network failed (error or 5xx)?
 * The window past expiry is the widest of the response's directive, the request's directive and
 * settings.staleIfError (each is a permission). Never when the stale entry is forbidden by
 * must-revalidate / no-cache / (shared) proxy-revalidate or s-maxage (RFC 9111 §4.2.4, §5.2.2.2
 * "MUST generate an error response rather than reuse the stale response"), when the entry does not
 * match the request, or in modes that do not read the cache.
 */
export function staleIfErrorAllowed(entry: CacheEntry, req: PolicyRequest, settings: PolicySettings, now: number): boolean {
  if (settings.mode === 'no-store' || settings.mode === 'reload') return false;
  const useCacheControl = settings.cacheControl !== false;
  const request = useCacheControl ? requestDirectives(req.headers) : NO_DIRECTIVES;
  if (!usable(entry, req, settings, request)) return false;
  const staleness = stalenessMs(entry, now);
  if (!useCacheControl) {
    const window = durationMs(settings.staleIfError);
    return window > 0 && staleness <= window;
  }
  const response = responseDirectives(entry.headers);
  if (staleServingForbidden(response, settings.shared === true)) return false;
  const window = Math.max(
    durationMs(settings.staleIfError),
    directiveMs(response, 'stale-if-error') ?? 0,
    directiveMs(request, 'stale-if-error') ?? 0,
  );
  return window > 0 && staleness <= window;
}

/** RFC 5861 §4: the statuses that count as an error for stale-if-error (besides a network failure). */
const STALE_IF_ERROR_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);

/** Whether an origin answer with this status may be replaced by the stale entry (RFC 5861 §4). */
export function isStaleIfErrorStatus(status: number): boolean {
  return STALE_IF_ERROR_STATUSES.has(status);
}
