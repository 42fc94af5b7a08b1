/**
 * Cache-Control parsing (RFC 9111 §5.2) and the request's Pragma fallback (§5.4).
 * Never throws: malformed members are skipped, malformed arguments take the conservative reading.
 */
import type { Directives } from './types.js';
import { hasField, headerLines, headerList, splitOutsideQuotes, trimOWS } from './headers.js';
import { memoByObject } from './memo.js';

/** RFC 9111 §1.2.2: a delta-seconds too large to represent is read as 2^31. */
export const MAX_DELTA_SECONDS = 2147483648;

/** Directives whose argument is delta-seconds (RFC 9111 §5.2.1, §5.2.2; RFC 5861 §3, §4). */
const DELTA_DIRECTIVES = new Set([
  'max-age',
  's-maxage',
  'max-stale',
  'min-fresh',
  'stale-while-revalidate',
  'stale-if-error',
]);

/** RFC 9111 §4.2.1: conflicting lifetimes → the most restrictive (smallest) one is honoured. */
const SMALLEST_WINS = new Set(['max-age', 's-maxage']);

/** RFC 9110 §5.6.2 tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;

/** Removes the quotes and backslash escapes of a quoted-string (RFC 9110 §5.6.4). */
function unquote(value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) {
    return value.slice(1, -1).replace(/\\(.)/g, '$1');
  }
  return value;
}

/**
 * Normalises a delta-seconds argument (RFC 9111 §1.2.2: 1*DIGIT). Invalid arguments (missing,
 * negative, fractional, non-numeric) read as 0, so a bad max-age makes the response stale
 * (§4.2.1 "encouraged to consider responses that have invalid freshness information ... stale").
 */
function deltaSeconds(value: string | true): number {
  if (value === true) return 0;
  const digits = trimOWS(value);
  if (!/^\d+$/.test(digits)) return 0;
  const stripped = digits.replace(/^0+(?=\d)/, '');
  if (stripped.length > 10) return MAX_DELTA_SECONDS;
  return Math.min(Number(stripped), MAX_DELTA_SECONDS);
}

function toLines(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * Parses one or more Cache-Control field lines. Names are case-insensitive (§5.2), arguments may
 * be token or quoted-string (§5.2), the first occurrence of a repeated directive wins (§4.2.1)
 * except max-age/s-maxage, where the smallest value wins. Unknown directives are kept but never
 * consulted (§5.2.3 "A cache MUST ignore unrecognized cache directives").
 */
export function parseCacheControl(value: string | readonly string[] | undefined): Directives {
  const directives = new Map<string, string | true>();
  for (const line of toLines(value)) {
    for (const member of splitOutsideQuotes(line)) {
      const eq = member.indexOf('=');
      const name = trimOWS(eq < 0 ? member : member.slice(0, eq)).toLowerCase();
      if (!TOKEN.test(name)) continue;
      let argument: string | true = eq < 0 ? true : unquote(trimOWS(member.slice(eq + 1)));
      // §5.2.1.2: max-stale alone means "any staleness"; every other delta directive needs a number.
      if (DELTA_DIRECTIVES.has(name) && !(name === 'max-stale' && argument === true)) {
        argument = String(deltaSeconds(argument));
      }
      const previous = directives.get(name);
      if (previous === undefined) {
        directives.set(name, argument);
      } else if (SMALLEST_WINS.has(name) && Number(argument) < Number(previous)) {
        directives.set(name, argument);
      }
    }
  }
  return directives;
}

/** The response's directives (RFC 9111 §5.2.2); response Pragma has no defined meaning (§5.4). */
export const responseDirectives: (headers: unknown) => Directives = memoByObject((headers: unknown) =>
  parseCacheControl(headerLines(headers, 'cache-control')),
);

/**
 * The request's directives (§5.2.1). `Pragma: no-cache` counts as `no-cache` only when the request
 * has no Cache-Control (§5.4: Pragma is the deprecated HTTP/1.0 form; Cache-Control supersedes it).
 */
export function requestDirectives(headers: unknown): Directives {
  const lines = headerLines(headers, 'cache-control');
  if (hasField(headers, 'cache-control')) return parseCacheControl(lines);
  const pragmaNoCache = headerList(headers, 'pragma').some(
    (member) => trimOWS(member.split('=')[0]!).toLowerCase() === 'no-cache',
  );
  return pragmaNoCache ? new Map([['no-cache', true]]) : new Map();
}

/**
 * A delta-seconds directive in ms: undefined when absent, Infinity for a valueless max-stale
 * (§5.2.1.2 "a stale response of any age").
 */
export function directiveMs(directives: Directives, name: string): number | undefined {
  const value = directives.get(name);
  if (value === undefined) return undefined;
  if (value === true) return name === 'max-stale' ? Infinity : 0;
  const seconds = Number(value);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 0;
}
