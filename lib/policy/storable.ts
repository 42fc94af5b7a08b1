/**
 * May a response be stored at all (RFC 9111 §3)? Freshness and reuse are decided elsewhere.
 */
import { requestDirectives, responseDirectives } from './cache-control.js';
import { HEURISTICALLY_CACHEABLE, durationMs, ttlCovers } from './freshness.js';
import { HOP_BY_HOP_FIELDS, hasField, headerList, singletonField } from './headers.js';
import { formatHttpDate } from './http-date.js';
import type { HeaderMap, PolicyRequest, PolicyResponse, PolicySettings } from './types.js';
import { hasValidator, lastModifiedOf } from './validators.js';
import { varyNames } from './vary.js';

/**
 * Final statuses whose caching semantics this cache implements (RFC 9111 §3 "understood"):
 * the RFC 9110 §15 registry plus 429 and 451. 206 is left out because this cache does not
 * combine or serve partial content (§3.3, §3.4); 304 only ever freshens a stored response (§4.3.4).
 */
export const UNDERSTOOD_STATUSES: ReadonlySet<number> = new Set([
  200, 201, 202, 203, 204, 205,
  300, 301, 302, 303, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417,
  421, 422, 426, 429, 451,
  500, 501, 502, 503, 504, 505,
]);

/**
 * RFC 9111 §3: whether this response may be stored.
 *
 * With cacheControl off, only the configured ttl and settings.statuses decide (plus the method,
 * a final status other than 206/304, and Vary: *, which no request could ever match).
 * Otherwise the response must be storable by §3 and worth storing: explicit freshness (max-age,
 * s-maxage when shared, Expires) or public / private-in-a-private-cache for an understood status;
 * a configured ttl for settings.statuses; heuristic freshness (Last-Modified) for a heuristically
 * cacheable status; or — with none of these — a heuristically cacheable status that carries a
 * validator, stored stale so that the next request revalidates it instead of downloading it again.
 * A response with neither freshness nor validator is not stored: it could never be reused.
 */
export function storable(req: PolicyRequest, res: PolicyResponse, settings: PolicySettings): boolean {
  // §3 "the request method is understood by the cache" — here: the configured methods.
  const method = String(req.method).toUpperCase();
  const methods = Array.isArray(settings.methods) ? settings.methods : [];
  if (!methods.some((m) => String(m).toUpperCase() === method)) return false;

  // §3 "the response status code is final"; RFC 9110 §15: codes outside 100..599 are invalid.
  const status = res.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) return false;
  if (status === 206 || status === 304) return false;

  // §4.1 "A stored response with a Vary header field value containing a member '*' always fails to match".
  if (varyNames(res.headers).includes('*')) return false;

  if (settings.cacheControl === false) return ttlCovers(settings, status);

  const request = requestDirectives(req.headers);
  const response = responseDirectives(res.headers);
  const understood = UNDERSTOOD_STATUSES.has(status);
  const shared = settings.shared === true;

  // §5.2.1.5: request no-store — "MUST NOT store any part of either this request or any response to it".
  if (request.has('no-store')) return false;
  if (response.has('must-understand')) {
    // §5.2.2.3: only a cache that understands the status may store; it then ignores no-store.
    if (!understood) return false;
  } else if (response.has('no-store')) {
    return false; // §5.2.2.5
  }

  if (shared) {
    // §5.2.2.7: a shared cache MUST NOT store a private response. The qualified form is treated as
    // unqualified, as §5.2.2.7's note says most caches do (conservative: nothing per-user leaks).
    if (response.has('private')) return false;
    // §3.5: Authorization only with a directive that allows shared storage.
    if (
      hasField(req.headers, 'authorization') &&
      !(response.has('public') || response.has('must-revalidate') || response.has('s-maxage'))
    ) {
      return false;
    }
    // §7.3 notes Set-Cookie does not inhibit caching; a shared cache replaying one user's cookie to
    // another is a session leak, so (like nginx and Varnish by default) it is not stored.
    if (hasField(res.headers, 'set-cookie')) return false;
  }

  const explicit =
    response.has('max-age') ||
    (shared && response.has('s-maxage')) ||
    singletonField(res.headers, 'expires').present ||
    response.has('public') ||
    (!shared && response.has('private'));
  if (explicit && understood) return true;

  if (ttlCovers(settings, status)) return true;

  // §3 "a status code that is defined as heuristically cacheable" — the only way in without explicit freshness.
  if (!HEURISTICALLY_CACHEABLE.has(status)) return false;
  if (durationMs(settings.heuristic) > 0 && lastModifiedOf(res.headers) !== undefined) return true;
  // §3 note: responses with "neither a cache validator nor an explicit expiration time" are not useful to store.
  return hasValidator(res.headers);
}

/**
 * Whether stored responses keep Set-Cookie. Never in a shared cache (§7.3: one user's cookie must
 * not reach another); in a private cache only when asked: a server that calls an API for many users
 * is a private cache to axios, yet replaying one user's session cookie to every later caller is the
 * same leak. Chromium's HTTP cache persists responses without it for that reason.
 */
export function keepsSetCookie(settings: Pick<PolicySettings, 'shared' | 'storeSetCookie'>): boolean {
  return settings.shared !== true && settings.storeSetCookie === true;
}

/**
 * RFC 9111 §3.1: the header fields a stored response keeps. Hop-by-hop fields (RFC 9110 §7.6.1)
 * and the fields the Connection field names are not stored; Set-Cookie only as keepsSetCookie
 * says; a response without Date gets its receipt time (RFC 9110 §6.6.1: "the recipient MUST add a
 * Date").
 */
export function storedHeaders(headers: HeaderMap, settings: Pick<PolicySettings, 'shared' | 'storeSetCookie'>, responseTime: number): HeaderMap {
  const drop = new Set(HOP_BY_HOP_FIELDS);
  for (const token of headerList(headers, 'connection')) drop.add(token.toLowerCase());
  if (!keepsSetCookie(settings)) drop.add('set-cookie');
  const kept: HeaderMap = {};
  for (const name in headers) if (!drop.has(name)) kept[name] = headers[name]!;
  if (kept['date'] === undefined) kept['date'] = formatHttpDate(responseTime);
  return kept;
}
