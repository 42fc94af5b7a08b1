/**
 * Vary (RFC 9110 §12.5.5, RFC 9111 §4.1): which request headers select a stored response, their
 * normalised values, and whether a new request matches them.
 */
import { headerLines, headerList, splitOutsideQuotes, trimOWS } from './headers.js';
import type { CacheEntry, HeaderMap, PolicyRequest } from './types.js';
import { memoByObject } from './memo.js';

/** The request header names the response varies on: lowercase, deduplicated, in order, '*' kept. */
export const varyNames: (headers: HeaderMap) => string[] = memoByObject((headers: HeaderMap) => {
  const names: string[] = [];
  for (const member of headerList(headers, 'vary')) {
    const name = member.toLowerCase();
    if (!names.includes(name)) names.push(name);
  }
  // Frozen: the memoised array is shared by every caller.
  return Object.freeze(names) as string[];
});

/**
 * RFC 9111 §4.1: values match after "adding or removing whitespace" and "combining multiple
 * header field lines": lines are joined with commas and OWS around each comma is removed.
 */
function normalise(lines: readonly string[]): string {
  return splitOutsideQuotes(lines.join(',')).map(trimOWS).join(',');
}

/**
 * The normalised values of the named request headers that the request has; a header it lacks has
 * no member (RFC 9111 §4.1: an absent header matches only an absent one, never an empty one).
 * '*' names no header and is skipped.
 */
export function varyValues(
  names: readonly string[],
  reqHeaders: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of names) {
    const name = String(raw).toLowerCase();
    if (name === '*' || name === '') continue;
    const lines = headerLines(reqHeaders, name);
    if (lines.length === 0) continue;
    // defineProperty: a header literally named "__proto__" must stay a plain own property.
    Object.defineProperty(values, name, {
      value: normalise(lines),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return values;
}

/**
 * RFC 9111 §4.1: whether the request presents the same nominated header values as the stored one.
 * `req.selecting`, when given, holds the request's values in the form the entry stores them (the
 * cache stores digests, never the values); otherwise the request's normalised values are compared.
 * A header present on one side and absent on the other never matches.
 */
export function varyMatches(entry: CacheEntry, req: Pick<PolicyRequest, 'headers' | 'selecting'>): boolean {
  const names = varyNames(entry.headers);
  // "A stored response with a Vary header field value containing a member '*' always fails to match."
  if (names.includes('*')) return false;
  const presented = req.selecting ?? varyValues(names, req.headers);
  const stored: unknown = entry.varyHeaders;
  for (const raw of names) {
    const name = raw.toLowerCase();
    const storedLines = headerLines(stored, name);
    const has = Object.prototype.hasOwnProperty.call(presented, name);
    if (storedLines.length === 0 || !has) {
      if (storedLines.length > 0 || has) return false;
      continue;
    }
    if (normalise(storedLines) !== presented[name]) return false;
  }
  return true;
}
