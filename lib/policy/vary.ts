/**
 * Vary (RFC 9110 §12.5.5, RFC 9111 §4.1): which request headers select a stored response, their
 * normalised values, and whether a new request matches them.
 */
import { headerLines, headerList, splitOutsideQuotes, trimOWS } from './headers.js';
import type { CacheEntry, HeaderMap } from './types.js';
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
 * The normalised values of the named request headers (missing → ''), for cache keys and for
 * entry.varyHeaders. '*' names no header and is skipped.
 */
export function varyValues(
  names: readonly string[],
  reqHeaders: Readonly<Record<string, string | readonly string[] | undefined>>,
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const raw of names) {
    const name = String(raw).toLowerCase();
    if (name === '*' || name === '') continue;
    // defineProperty: a header literally named "__proto__" must stay a plain own property.
    Object.defineProperty(values, name, {
      value: normalise(headerLines(reqHeaders, name)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return values;
}

/** RFC 9111 §4.1: whether the request presents the same nominated header values as the stored one. */
export function varyMatches(entry: CacheEntry, req: { headers: Readonly<Record<string, string | readonly string[] | undefined>> }): boolean {
  const names = varyNames(entry.headers);
  // "A stored response with a Vary header field value containing a member '*' always fails to match."
  if (names.includes('*')) return false;
  const presented = varyValues(names, req.headers);
  const stored: unknown = entry.varyHeaders;
  for (const name of Object.keys(presented)) {
    const storedLines = headerLines(stored, name);
    const storedValue = storedLines.length > 0 ? normalise(storedLines) : '';
    if (storedValue !== presented[name]) return false;
  }
  return true;
}
