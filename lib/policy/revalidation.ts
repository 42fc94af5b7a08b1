/**
 * Validation (RFC 9111 §4.3): the conditional headers a cache sends, whether a 304 applies to a
 * stored entry, and freshening the entry with it.
 */
import { HOP_BY_HOP_FIELDS, headerList } from './headers.js';
import { formatHttpDate } from './http-date.js';
import { freshness } from './freshness.js';
import type { CacheEntry, HeaderMap, PolicyRequest, PolicyResponse, PolicySettings } from './types.js';
import { entityTagOf, lastModifiedOf, parseEntityTag, strongMatch, weakMatch } from './validators.js';
import { keepsSetCookie } from './storable.js';
import { varyNames, varyValues } from './vary.js';

/**
 * RFC 9111 §4.3.1: If-None-Match from the stored ETag ("MUST send the relevant entity tags") and
 * If-Modified-Since from the stored Last-Modified, verbatim ("SHOULD send the Last-Modified value");
 * never a date the origin did not give. Empty when the entry has no validator.
 */
export function revalidationHeaders(entry: CacheEntry): Record<string, string> {
  const headers: Record<string, string> = {};
  const etag = entityTagOf(entry.headers);
  if (etag !== undefined) headers['if-none-match'] = etag;
  const lastModified = lastModifiedOf(entry.headers);
  if (lastModified !== undefined) headers['if-modified-since'] = lastModified.raw;
  return headers;
}

/**
 * RFC 9111 §4.3.4: whether a 304 identifies this stored entry for update. A strong ETag must
 * strongly match, a weak one weakly; failing that, a Last-Modified must equal the stored one.
 * A 304 with no validator at all is accepted: it answers the conditional request that was built
 * from this very entry (the adapter sends one per key), which is the case §4.3.4's last rule has
 * in mind. When this is false the 304 MUST NOT update the entry: repeat the request unconditionally.
 */
export function notModifiedApplies(entry: CacheEntry, res304: Pick<PolicyResponse, 'headers'>): boolean {
  const stored = entityTagOf(entry.headers);
  const received = entityTagOf(res304.headers);
  if (received !== undefined) {
    if (stored === undefined) return false;
    return parseEntityTag(received)?.weak ? weakMatch(received, stored) : strongMatch(received, stored);
  }
  const receivedModified = lastModifiedOf(res304.headers);
  if (receivedModified !== undefined) {
    return lastModifiedOf(entry.headers)?.time === receivedModified.time;
  }
  return true;
}

/**
 * Fields a 304 never overwrites (RFC 9111 §3.2): Content-Length; fields excepted from storage by
 * §3.1 (hop-by-hop fields of RFC 9110 §7.6.1, proxy-specific fields); fields the stored body depends
 * on (Content-Encoding: axios stores the decoded body; Content-Range, §3.2's example).
 */
const NOT_UPDATED = new Set([
  'content-length',
  'content-encoding',
  'content-range',
  ...HOP_BY_HOP_FIELDS,
  'proxy-authenticate',
  'proxy-authentication-info',
  'proxy-authorization',
]);

function copyValue(value: string | string[]): string | string[] {
  return Array.isArray(value) ? [...value] : value;
}

/**
 * RFC 9111 §4.3.4 / §3.2: a freshened copy of the entry. Each header of the 304 replaces the
 * stored one except the fields above (and those its Connection names); Set-Cookie only as
 * keepsSetCookie (lib/policy/storable.ts) says. Date and Age are the 304's: a Date it lacks becomes
 * its receipt time (RFC 9110 §6.6.1), an Age it lacks is dropped, so the old response's
 * values never age the new one. Times and expiry are recomputed with `freshness`, using the ttl
 * the entry was stored with when it has one; createdAt, status and body are kept.
 */
export function mergeNotModified(
  entry: CacheEntry,
  res304: PolicyResponse,
  req: PolicyRequest,
  settings: PolicySettings,
  now: number,
): CacheEntry {
  const clock = Number.isFinite(now) ? now : 0;
  const responseTime = Number.isFinite(res304.responseTime) ? res304.responseTime : clock;
  const requestTime = Number.isFinite(res304.requestTime) ? Math.min(res304.requestTime, responseTime) : responseTime;

  const headers: HeaderMap = {};
  for (const [name, value] of Object.entries(entry.headers ?? {})) {
    if (typeof value === 'string' || Array.isArray(value)) headers[name.toLowerCase()] = copyValue(value);
  }
  const skip = new Set(NOT_UPDATED);
  for (const token of headerList(res304.headers, 'connection')) skip.add(token.toLowerCase());
  if (!keepsSetCookie(settings)) skip.add('set-cookie');

  const received = res304.headers !== null && typeof res304.headers === 'object' ? res304.headers : {};
  const updated = new Set<string>();
  for (const [rawName, value] of Object.entries(received)) {
    const name = rawName.toLowerCase();
    if (skip.has(name) || !(typeof value === 'string' || Array.isArray(value))) continue;
    headers[name] = copyValue(value);
    updated.add(name);
  }
  if (!updated.has('date')) headers['date'] = formatHttpDate(responseTime);
  if (!updated.has('age')) delete headers['age'];

  const ttl = entry.assignedLifetime !== undefined ? entry.assignedLifetime : settings.ttl;
  const times = freshness(
    req,
    { status: entry.status, headers, requestTime, responseTime },
    { ...settings, ttl },
    clock,
  );
  // §4.1: the 304 may change Vary; otherwise keep the stored values (req may be a synthesized
  // background request carrying only some headers).
  const names = varyNames(headers);
  const sameVary = names.join(',') === varyNames(entry.headers ?? {}).join(',');
  const merged: CacheEntry = {
    ...entry,
    headers,
    varyHeaders: sameVary && entry.varyHeaders ? { ...entry.varyHeaders } : varyValues(names, req.headers),
    requestTime,
    responseTime,
    expiresAt: times.expiresAt,
    deleteAt: times.deleteAt,
  };
  return merged;
}

/**
 * RFC 9111 §4.3.5: a successful HEAD response may freshen the stored GET response of the same URL
 * when its validators (and Content-Length) identify it; when they do not, the stored response is
 * stale from now on ("the cache MUST NOT use the stored response to satisfy a request without
 * validation"). Returns the updated GET entry.
 */
export function freshenWithHead(
  entry: CacheEntry,
  head: PolicyResponse,
  getRequest: PolicyRequest,
  settings: PolicySettings,
  now: number,
): CacheEntry {
  const length = head.headers['content-length'];
  const storedLength = entry.headers['content-length'];
  const sameLength = length === undefined || storedLength === undefined || String(length) === String(storedLength);
  return sameLength && notModifiedApplies(entry, head)
    ? mergeNotModified(entry, head, getRequest, settings, now)
    : { ...entry, expiresAt: Math.min(entry.expiresAt, now) };
}
