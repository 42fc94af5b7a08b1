/**
 * Validators (RFC 9110 §8.8): reading ETag / Last-Modified from stored headers, comparing entity
 * tags, and evaluating a client's own conditional request against a stored response (§13.1.2,
 * §13.1.3, RFC 9111 §4.3.2).
 */
import { headerList, singletonField } from './headers.js';
import { parseHttpDate } from './http-date.js';
import type { CacheEntry } from './types.js';

export interface EntityTag {
  weak: boolean;
  /** The opaque-tag including its quotes (or the raw value when the sender forgot them). */
  opaque: string;
}

/** Parses `"xyz"` or `W/"xyz"` (RFC 9110 §8.8.3); an unquoted tag is kept as a strong opaque value. */
export function parseEntityTag(value: string): EntityTag | undefined {
  const tag = value.trim();
  if (tag === '') return undefined;
  const weak = /^w\//i.test(tag);
  const opaque = weak ? tag.slice(2).trim() : tag;
  return opaque === '' ? undefined : { weak, opaque };
}

/** RFC 9110 §8.8.3.2 weak comparison: opaque-tags match, either or both may be weak. */
export function weakMatch(a: string, b: string): boolean {
  const x = parseEntityTag(a);
  const y = parseEntityTag(b);
  return x !== undefined && y !== undefined && x.opaque === y.opaque;
}

/** RFC 9110 §8.8.3.2 strong comparison: both strong and opaque-tags identical. */
export function strongMatch(a: string, b: string): boolean {
  const x = parseEntityTag(a);
  const y = parseEntityTag(b);
  return x !== undefined && y !== undefined && !x.weak && !y.weak && x.opaque === y.opaque;
}

/** The stored ETag, or undefined when absent, empty or given twice with different values. */
export function entityTagOf(headers: unknown): string | undefined {
  const { value } = singletonField(headers, 'etag');
  return value !== undefined && parseEntityTag(value) !== undefined ? value : undefined;
}

/** The stored Last-Modified when it is a valid HTTP-date (raw text kept for If-Modified-Since). */
export function lastModifiedOf(headers: unknown, now?: number): { raw: string; time: number } | undefined {
  const { value } = singletonField(headers, 'last-modified');
  if (value === undefined) return undefined;
  const time = parseHttpDate(value, now);
  return time === undefined ? undefined : { raw: value, time };
}

/** Whether the response can be validated with a conditional request (RFC 9111 §4.3.1). */
export function hasValidator(headers: unknown): boolean {
  return entityTagOf(headers) !== undefined || lastModifiedOf(headers) !== undefined;
}

/**
 * Whether the client's own conditional GET/HEAD is satisfied by a stored response it would
 * otherwise receive in full, so the cache answers 304 (RFC 9111 §4.3.2).
 */
export function clientConditionSatisfied(entry: CacheEntry, req: { method: string; headers: unknown }, now: number): boolean {
  const method = String(req.method).toUpperCase();
  // RFC 9110 §13.1.3: If-Modified-Since only applies to GET/HEAD; a 304 only replaces those.
  if (method !== 'GET' && method !== 'HEAD') return false;
  // RFC 9110 §13.2.1: preconditions are ignored when the response would not be 2xx.
  if (!(entry.status >= 200 && entry.status < 300)) return false;
  const ifNoneMatch = headerList(req.headers, 'if-none-match');
  if (ifNoneMatch.length > 0) {
    // §13.1.2: "*" is false when a current representation exists (the stored one); otherwise weak comparison.
    if (ifNoneMatch.includes('*')) return true;
    const etag = entityTagOf(entry.headers);
    return etag !== undefined && ifNoneMatch.some((tag) => weakMatch(tag, etag));
  }
  // §13.2.2: If-None-Match takes precedence; If-Modified-Since is only read when it is absent.
  const { value: imsRaw } = singletonField(req.headers, 'if-modified-since');
  if (imsRaw === undefined) return false;
  const since = parseHttpDate(imsRaw, now);
  if (since === undefined) return false; // §13.1.3: an invalid date is ignored
  // RFC 9111 §4.3.2: without Last-Modified use the stored Date, else the time it was received.
  const modified =
    lastModifiedOf(entry.headers, now)?.time ??
    parseHttpDate(singletonField(entry.headers, 'date').value, now) ??
    entry.responseTime;
  return Number.isFinite(modified) && modified <= since;
}

/** Request fields that make a request the client's own conditional or range request (RFC 9110 §13.1). */
const CLIENT_CONDITIONAL_FIELDS = ['if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since', 'if-range'];

/**
 * Whether the request carries a precondition of the client's own. Its answer (often a 304) is for
 * that client alone: the cache neither shares nor stores it (RFC 9111 §4.3.2 lets a cache answer
 * it from a fresh entry, which `evaluate` does).
 */
export function isClientConditional(headers: Readonly<Record<string, string | undefined>>): boolean {
  return CLIENT_CONDITIONAL_FIELDS.some((name) => headers[name] !== undefined);
}
