/**
 * Freshness lifetime, age and expiry (RFC 9111 §4.2, RFC 5861). All times are ms since epoch and
 * are given, never read from a clock. Every result is a number (never NaN) for any input.
 */
import { MAX_DELTA_SECONDS, directiveMs, responseDirectives } from './cache-control.js';
import { headerList, singletonField } from './headers.js';
import { parseHttpDate } from './http-date.js';
import type { CacheEntry, Directives, Freshness, PolicyRequest, PolicyResponse, PolicySettings } from './types.js';
import { hasValidator, lastModifiedOf } from './validators.js';
import { memoByObject } from './memo.js';

/** RFC 9110 §15.1: statuses a cache may reuse with heuristic freshness. */
export const HEURISTICALLY_CACHEABLE: ReadonlySet<number> = new Set([
  200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501,
]);

const NO_DIRECTIVES: Directives = new Map();

function finiteOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** A configured duration in ms: NaN or negative read as 0, Infinity kept. */
export function durationMs(value: unknown): number {
  return typeof value === 'number' && value > 0 ? value : 0;
}

/** The configured ttl: undefined when none (or not a number), negative read as 0. */
export function configuredTtl(settings: Pick<PolicySettings, 'ttl'>): number | undefined {
  const { ttl } = settings;
  if (typeof ttl !== 'number' || Number.isNaN(ttl)) return undefined;
  return ttl > 0 ? ttl : 0;
}

/** Whether a configured ttl may give this status a lifetime (settings.statuses). */
export function ttlCovers(settings: Pick<PolicySettings, 'ttl' | 'statuses'>, status: number): boolean {
  return configuredTtl(settings) !== undefined && Array.isArray(settings.statuses) && settings.statuses.includes(status);
}

/** RFC 9110 §6.6.1: without a (valid) Date, the time the response was received stands in. */
function dateValue(headers: unknown, responseTime: number, now: number): number {
  return parseHttpDate(singletonField(headers, 'date').value, now) ?? responseTime;
}

/**
 * RFC 9111 §4.2.3 age_value in seconds: "the value of the Age header field ... or 0, if not
 * available". Members that are not delta-seconds are unavailable; of repeated valid values the
 * largest (oldest, most conservative) is used; huge values cap at 2^31 (§1.2.2).
 */
export function ageValue(headers: unknown): number {
  let age = 0;
  for (const member of headerList(headers, 'age')) {
    if (!/^\d+$/.test(member)) continue;
    const seconds = member.replace(/^0+(?=\d)/, '').length > 10 ? MAX_DELTA_SECONDS : Number(member);
    age = Math.max(age, Math.min(seconds, MAX_DELTA_SECONDS));
  }
  return age;
}

/** RFC 9111 §4.2.3 corrected_initial_age in ms (the conservative max of both estimates). */
export function correctedInitialAge(headers: unknown, requestTime: number, responseTime: number, now: number): number {
  const apparentAge = Math.max(0, responseTime - dateValue(headers, responseTime, now));
  const responseDelay = Math.max(0, responseTime - requestTime);
  const correctedAgeValue = ageValue(headers) * 1000 + responseDelay;
  return Math.max(apparentAge, correctedAgeValue);
}

/**
 * Whether a stale response may never be served without validation: RFC 9111 §4.2.4 (no-cache,
 * must-revalidate) and, for shared caches, proxy-revalidate (§5.2.2.8) and s-maxage (§5.2.2.10).
 */
export function staleServingForbidden(directives: Directives, shared: boolean): boolean {
  return (
    directives.has('no-cache') ||
    directives.has('must-revalidate') ||
    (shared && (directives.has('proxy-revalidate') || directives.has('s-maxage')))
  );
}

/** RFC 9111 §4.2.1: the explicit lifetime in ms, or undefined when the response gives none. */
function explicitLifetime(directives: Directives, headers: unknown, shared: boolean, responseTime: number, now: number): number | undefined {
  if (shared && directives.has('s-maxage')) return directiveMs(directives, 's-maxage');
  if (directives.has('max-age')) return directiveMs(directives, 'max-age');
  const expires = singletonField(headers, 'expires');
  if (!expires.present) return undefined;
  // §5.3: "MUST interpret invalid date formats, especially the value "0", as ... already expired".
  const expiresAt = parseHttpDate(expires.value, now);
  if (expiresAt === undefined) return 0;
  return Math.max(0, expiresAt - dateValue(headers, responseTime, now));
}

/**
 * RFC 9111 §4.2.2: fraction × (Date − Last-Modified), only for heuristically cacheable statuses or
 * responses marked explicitly cacheable (public; private in a private cache, §5.2.2.7).
 */
function heuristicLifetime(res: PolicyResponse, directives: Directives, settings: PolicySettings, responseTime: number, now: number): number {
  const fraction = durationMs(settings.heuristic);
  if (fraction === 0) return 0;
  const eligible =
    HEURISTICALLY_CACHEABLE.has(res.status) || directives.has('public') || (!settings.shared && directives.has('private'));
  if (!eligible) return 0;
  const lastModified = lastModifiedOf(res.headers, now);
  if (lastModified === undefined) return 0;
  const lifetime = (dateValue(res.headers, responseTime, now) - lastModified.time) * fraction;
  // A far-future Date with an old Last-Modified would give centuries; browsers cap it (Chromium
  // and Firefox at a week), and so does settings.heuristicLimit.
  const limit = settings.heuristicLimit ?? Infinity;
  return lifetime > 0 ? Math.min(lifetime, limit) : 0;
}

/**
 * Expiry and deletion times for a response about to be stored.
 *
 * Lifetime: the response's explicit freshness (s-maxage when shared > max-age > Expires − Date),
 * else the configured ttl (for settings.statuses), else heuristic freshness, else 0; with
 * cacheControl off only the ttl counts. expiresAt = response_time + lifetime −
 * corrected_initial_age (§4.2.3) for explicit and heuristic lifetimes. A configured ttl is the
 * client's own lifetime, not the origin's: it runs from response_time, unaged (Date's one-second
 * resolution alone would otherwise shave up to a second off every ttl).
 * deleteAt adds the widest stale window that may still serve the entry and, when it can be
 * revalidated (validator, or ttl 0), keepStale.
 */
export function freshness(_req: PolicyRequest, res: PolicyResponse, settings: PolicySettings, now: number): Freshness {
  const responseTime = finiteOr(res.responseTime, finiteOr(now, 0));
  const clock = finiteOr(now, responseTime);
  const requestTime = Math.min(finiteOr(res.requestTime, responseTime), responseTime);
  const useCacheControl = settings.cacheControl !== false;
  const shared = settings.shared === true;
  const directives = useCacheControl ? responseDirectives(res.headers) : NO_DIRECTIVES;
  const ttl = configuredTtl(settings);

  const explicit = useCacheControl ? explicitLifetime(directives, res.headers, shared, responseTime, clock) : undefined;
  const ttlLifetime = explicit === undefined && ttlCovers(settings, res.status) ? ttl : undefined;
  const fromTtl = ttlLifetime !== undefined;
  let lifetime =
    explicit ?? ttlLifetime ?? (useCacheControl ? heuristicLifetime(res, directives, settings, responseTime, clock) : 0);
  // §5.2.2.4: no-cache "MUST NOT be used ... without forwarding it for validation".
  if (directives.has('no-cache')) lifetime = 0;

  // §4.2.3 ages what the origin's clock measured; a ttl is the client's own lifetime and runs from response_time.
  const age = useCacheControl && !fromTtl ? correctedInitialAge(res.headers, requestTime, responseTime, clock) : 0;
  let expiresAt = lifetime === Infinity ? Infinity : responseTime + lifetime - age;
  // A zero lifetime is stale at once, even if the caller's clock readings disagree.
  if (lifetime <= 0) expiresAt = Math.min(expiresAt, clock);

  const staleWindow =
    useCacheControl && staleServingForbidden(directives, shared)
      ? 0
      : Math.max(
          durationMs(settings.staleWhileRevalidate),
          durationMs(settings.staleIfError),
          directiveMs(directives, 'stale-while-revalidate') ?? 0, // RFC 5861 §3
          directiveMs(directives, 'stale-if-error') ?? 0, // RFC 5861 §4
        );
  const keep = hasValidator(res.headers) || ttl === 0 ? durationMs(settings.keepStale) : 0;
  return { expiresAt, deleteAt: expiresAt + staleWindow + keep };
}

/** RFC 9111 §4.2.3 current_age of a stored entry, in ms. */
export function currentAgeMs(entry: CacheEntry, now: number): number {
  const clock = finiteOr(now, 0);
  const responseTime = finiteOr(entry.responseTime, clock);
  return initialAgeOf(entry) + Math.max(0, clock - responseTime);
}

/** corrected_initial_age of a stored entry: fixed by its headers and times, so computed once. */
const initialAgeOf = memoByObject((entry: CacheEntry): number => {
  const responseTime = finiteOr(entry.responseTime, 0);
  const requestTime = Math.min(finiteOr(entry.requestTime, responseTime), responseTime);
  return correctedInitialAge(entry.headers, requestTime, responseTime, responseTime);
});

/** The Age header value for a response served from the cache (RFC 9111 §5.1: whole seconds). */
export function ageSeconds(entry: CacheEntry, now: number): number {
  return Math.min(MAX_DELTA_SECONDS, Math.floor(currentAgeMs(entry, now) / 1000));
}

/** RFC 9111 §4.2: fresh while now is before expiresAt (a missing or NaN expiry is stale). */
export function isFresh(entry: CacheEntry, now: number): boolean {
  return typeof entry.expiresAt === 'number' && now < entry.expiresAt;
}

/** How long the entry has been stale, in ms (0 when fresh, Infinity when its expiry is unknown). */
export function stalenessMs(entry: CacheEntry, now: number): number {
  if (isFresh(entry, now)) return 0;
  const expiresAt = typeof entry.expiresAt === 'number' && !Number.isNaN(entry.expiresAt) ? entry.expiresAt : -Infinity;
  const staleness = finiteOr(now, 0) - expiresAt;
  return Number.isNaN(staleness) ? Infinity : Math.max(0, staleness);
}
