import { expect } from 'chai';
import type { CacheEntry, HeaderMap } from '../../lib/entry.js';
import { evaluate, missDecision, staleIfErrorAllowed } from '../../lib/policy/index.js';
import type { Decision, PolicySettings } from '../../lib/policy/index.js';
import { DAY, HOUR, MIN, SEC, T0, entry, httpDate, request, settings, type EntryOptions } from './fixtures.js';

const ETAG = '"v1"';
const LM = httpDate(T0 - 10 * DAY);
const MA60 = { 'cache-control': 'max-age=60' };
const MA60_ETAG = { 'cache-control': 'max-age=60', etag: ETAG };
const INM = { 'if-none-match': ETAG };

interface Case {
  name: string;
  stored: HeaderMap;
  storedOptions?: EntryOptions;
  /** Replace fields of the stored entry (for entries another configuration stored). */
  override?: Partial<CacheEntry>;
  req?: Record<string, string | undefined>;
  method?: string;
  settings?: Partial<PolicySettings>;
  now: number;
  expected: Decision;
}

const fresh: Decision = { kind: 'fresh' };
const stale: Decision = { kind: 'stale' };
const miss: Decision = { kind: 'miss' };
const unsatisfiable: Decision = { kind: 'unsatisfiable' };
const notModified: Decision = { kind: 'not-modified' };
const revalidate = (headers: Record<string, string> = {}): Decision => ({ kind: 'revalidate', headers });
const swr = (headers: Record<string, string> = {}): Decision => ({ kind: 'stale-while-revalidate', headers });
const withEtag = { 'if-none-match': ETAG };

const cases: Case[] = [
  // §4.2 freshness
  { name: '§4.2 a fresh entry is served', stored: MA60, now: T0 + 30 * SEC, expected: fresh },
  { name: '§4.2 a stale entry with an ETag is revalidated with If-None-Match', stored: MA60_ETAG, now: T0 + 61 * SEC, expected: revalidate(withEtag) },
  { name: '§4.2 at exactly the expiry the entry is stale', stored: MA60_ETAG, now: T0 + 60 * SEC, expected: revalidate(withEtag) },
  { name: '§4.3.1 a stale entry with Last-Modified is revalidated with If-Modified-Since', stored: { ...MA60, 'last-modified': LM }, now: T0 + 61 * SEC, expected: revalidate({ 'if-modified-since': LM }) },
  { name: '§4.3.1 a stale entry without validator gets a plain request', stored: MA60, now: T0 + 61 * SEC, expected: revalidate() },
  { name: '§4.2.2 heuristic freshness serves the entry', stored: { 'last-modified': LM }, now: T0 + HOUR, expected: fresh },
  { name: '§4.2.2 after the heuristic lifetime the entry revalidates', stored: { 'last-modified': LM }, now: T0 + DAY, expected: revalidate({ 'if-modified-since': LM }) },
  { name: 'a configured ttl serves the entry while fresh', stored: {}, storedOptions: { settings: { ttl: MIN } }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§4.2.1 an Expires in the past revalidates at once', stored: { expires: httpDate(T0 - MIN), etag: ETAG }, now: T0, expected: revalidate(withEtag) },

  // §4.1 Vary
  { name: '§4.1 matching Vary values serve the entry', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'text/html' } }, req: { accept: 'text/html' }, now: T0 + SEC, expected: fresh },
  { name: '§4.1 Vary values equal up to whitespace serve the entry', stored: { ...MA60, vary: 'Accept-Encoding' }, storedOptions: { reqHeaders: { 'accept-encoding': 'gzip, br' } }, req: { 'accept-encoding': 'gzip,br' }, now: T0 + SEC, expected: fresh },
  { name: '§4.1 a Vary mismatch is a miss', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'text/html' } }, req: { accept: 'application/json' }, now: T0 + SEC, expected: miss },
  { name: '§4.1 Vary: * always fails to match', stored: { ...MA60, vary: '*' }, now: T0 + SEC, expected: miss },
  { name: '§5.2.1.7 only-if-cached with a Vary mismatch is unsatisfiable', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'a' } }, req: { accept: 'b', 'cache-control': 'only-if-cached' }, now: T0 + SEC, expected: unsatisfiable },
  { name: 'mode only-if-cached with a Vary mismatch is unsatisfiable', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'a' } }, req: { accept: 'b' }, settings: { mode: 'only-if-cached' }, now: T0 + SEC, expected: unsatisfiable },
  { name: 'mode force-cache with a Vary mismatch is a miss', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'a' } }, req: { accept: 'b' }, settings: { mode: 'force-cache' }, now: T0 + SEC, expected: miss },

  // §5.2.1 request directives
  { name: '§5.2.1.4 request no-cache revalidates a fresh entry', stored: MA60_ETAG, req: { 'cache-control': 'no-cache' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.4 Pragma: no-cache without Cache-Control revalidates', stored: MA60_ETAG, req: { pragma: 'no-cache' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.4 Pragma: no-cache is ignored when Cache-Control is present', stored: MA60_ETAG, req: { pragma: 'no-cache', 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: fresh },
  { name: '§5.2.1.5 request no-store does not read the cache', stored: MA60, req: { 'cache-control': 'no-store' }, now: T0 + SEC, expected: miss },
  { name: '§5.2.1.1 request max-age=0 revalidates', stored: MA60_ETAG, req: { 'cache-control': 'max-age=0' }, now: T0 + 30 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.1 request max-age above the current age serves', stored: MA60_ETAG, req: { 'cache-control': 'max-age=100' }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§5.2.1.1 request max-age equal to the current age serves', stored: MA60_ETAG, req: { 'cache-control': 'max-age=30' }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§5.2.1.1 request max-age below the current age revalidates a fresh entry', stored: MA60_ETAG, req: { 'cache-control': 'max-age=10' }, now: T0 + 30 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.1 request max-age counts the Age header', stored: { ...MA60_ETAG, 'cache-control': 'max-age=600', age: '100' }, req: { 'cache-control': 'max-age=60' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.3 min-fresh beyond the remaining freshness revalidates', stored: MA60_ETAG, req: { 'cache-control': 'min-fresh=40' }, now: T0 + 30 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.3 min-fresh within the remaining freshness serves', stored: MA60_ETAG, req: { 'cache-control': 'min-fresh=20' }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§5.2.1.2 max-stale without a value serves any stale entry', stored: MA60_ETAG, req: { 'cache-control': 'max-stale' }, now: T0 + DAY, expected: stale },
  { name: '§5.2.1.2 max-stale=60 serves an entry 30 s stale', stored: MA60_ETAG, req: { 'cache-control': 'max-stale=60' }, now: T0 + 90 * SEC, expected: stale },
  { name: '§5.2.1.2 max-stale=60 serves an entry exactly 60 s stale', stored: MA60_ETAG, req: { 'cache-control': 'max-stale=60' }, now: T0 + 120 * SEC, expected: stale },
  { name: '§5.2.1.2 max-stale=60 does not serve an entry 90 s stale', stored: MA60_ETAG, req: { 'cache-control': 'max-stale=60' }, now: T0 + 150 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.2 max-stale does not lift a request max-age', stored: MA60_ETAG, req: { 'cache-control': 'max-stale, max-age=60' }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.1.2 max-stale on a fresh entry serves it fresh', stored: MA60_ETAG, req: { 'cache-control': 'max-stale' }, now: T0 + SEC, expected: fresh },

  // §5.2.2 response directives
  { name: '§5.2.2.4 response no-cache revalidates', stored: { 'cache-control': 'no-cache', etag: ETAG }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.4 response no-cache revalidates even an entry marked fresh', stored: { 'cache-control': 'no-cache', etag: ETAG }, override: { expiresAt: T0 + HOUR }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.4 response no-cache is not served stale under max-stale', stored: { 'cache-control': 'no-cache', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.2 must-revalidate is not served stale under max-stale', stored: { 'cache-control': 'max-age=60, must-revalidate', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.2 must-revalidate serves while fresh', stored: { 'cache-control': 'max-age=60, must-revalidate' }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§5.2.2.8 proxy-revalidate forbids stale in a shared cache', stored: { 'cache-control': 'max-age=60, proxy-revalidate', etag: ETAG }, storedOptions: { settings: { shared: true } }, req: { 'cache-control': 'max-stale' }, settings: { shared: true }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.8 proxy-revalidate does not bind a private cache', stored: { 'cache-control': 'max-age=60, proxy-revalidate', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + 90 * SEC, expected: stale },
  { name: '§5.2.2.10 s-maxage forbids stale in a shared cache', stored: { 'cache-control': 's-maxage=60', etag: ETAG }, storedOptions: { settings: { shared: true } }, req: { 'cache-control': 'max-stale' }, settings: { shared: true }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: '§5.2.2.10 s-maxage does not bind a private cache', stored: { 'cache-control': 'max-age=60, s-maxage=60', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + 90 * SEC, expected: stale },
  { name: '§5.2.2.10 s-maxage serves a shared cache while fresh', stored: { 'cache-control': 'max-age=1, s-maxage=60' }, storedOptions: { settings: { shared: true } }, settings: { shared: true }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§5.2.2.7 a private entry is never reused by a shared cache', stored: { 'cache-control': 'private, max-age=60' }, settings: { shared: true }, now: T0 + SEC, expected: miss },
  { name: '§5.2.2.5 an entry with no-store is never reused', stored: { 'cache-control': 'no-store' }, override: { expiresAt: T0 + HOUR }, now: T0 + SEC, expected: miss },
  { name: '§5.2.2.3 must-understand with an understood status overrides no-store: the entry is reused', stored: { 'cache-control': 'must-understand, no-store, max-age=60' }, override: { expiresAt: T0 + MIN }, now: T0 + SEC, expected: fresh },
  { name: '§5.2.2.3 must-understand does not save a no-store entry of a status it does not understand', stored: { 'cache-control': 'must-understand, no-store, max-age=60' }, override: { status: 299, expiresAt: T0 + MIN }, now: T0 + SEC, expected: miss },

  // §5.2.1.7 only-if-cached
  { name: '§5.2.1.7 only-if-cached serves a fresh entry', stored: MA60, req: { 'cache-control': 'only-if-cached' }, now: T0 + SEC, expected: fresh },
  { name: '§5.2.1.7 only-if-cached with a stale entry is unsatisfiable', stored: MA60_ETAG, req: { 'cache-control': 'only-if-cached' }, now: T0 + 90 * SEC, expected: unsatisfiable },
  { name: '§5.2.1.7 only-if-cached with max-stale serves the stale entry', stored: MA60_ETAG, req: { 'cache-control': 'only-if-cached, max-stale' }, now: T0 + 90 * SEC, expected: stale },
  { name: '§5.2.1.7 only-if-cached with no-cache is unsatisfiable', stored: MA60_ETAG, req: { 'cache-control': 'only-if-cached, no-cache' }, now: T0 + SEC, expected: unsatisfiable },
  { name: '§5.2.1.7 only-if-cached inside a stale-while-revalidate window serves stale without the network', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60' }, req: { 'cache-control': 'only-if-cached' }, now: T0 + 90 * SEC, expected: stale },

  // RFC 5861 §3 stale-while-revalidate
  { name: 'RFC 5861 §3 inside the response window: serve stale and revalidate in the background', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, now: T0 + 90 * SEC, expected: swr(withEtag) },
  { name: 'RFC 5861 §3 at the end of the window still serves stale', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, now: T0 + 120 * SEC, expected: swr(withEtag) },
  { name: 'RFC 5861 §3 past the window: revalidate', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, now: T0 + 150 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 the configured window applies too', stored: MA60_ETAG, settings: { staleWhileRevalidate: MIN }, now: T0 + 90 * SEC, expected: swr(withEtag) },
  { name: 'RFC 5861 §3 without validator the background request is plain', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60' }, now: T0 + 90 * SEC, expected: swr() },
  { name: 'RFC 5861 §3 / §4.2.4 must-revalidate forbids stale-while-revalidate', stored: { 'cache-control': 'max-age=60, must-revalidate, stale-while-revalidate=60', etag: ETAG }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 / §4.2.4 must-revalidate forbids the configured window', stored: { 'cache-control': 'max-age=60, must-revalidate', etag: ETAG }, settings: { staleWhileRevalidate: MIN }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 / §4.2.4 s-maxage forbids it in a shared cache', stored: { 'cache-control': 's-maxage=60, stale-while-revalidate=60', etag: ETAG }, storedOptions: { settings: { shared: true } }, settings: { shared: true }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 a request max-age (client wants fresh) forbids it', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, req: { 'cache-control': 'max-age=600' }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 a request min-fresh forbids it', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, req: { 'cache-control': 'min-fresh=1' }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'RFC 5861 §3 with max-stale the background refresh still happens', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + 90 * SEC, expected: swr(withEtag) },
  { name: 'RFC 5861 §3 past the window max-stale still serves stale', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60', etag: ETAG }, req: { 'cache-control': 'max-stale' }, now: T0 + 300 * SEC, expected: stale },
  { name: 'RFC 5861 §3 a fresh entry is just fresh', stored: { 'cache-control': 'max-age=60, stale-while-revalidate=60' }, now: T0 + 30 * SEC, expected: fresh },

  // modes
  { name: 'mode no-cache revalidates a fresh entry', stored: MA60_ETAG, settings: { mode: 'no-cache' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: 'mode no-cache with only-if-cached is unsatisfiable', stored: MA60_ETAG, req: { 'cache-control': 'only-if-cached' }, settings: { mode: 'no-cache' }, now: T0 + SEC, expected: unsatisfiable },
  { name: 'mode force-cache serves a fresh entry', stored: MA60, settings: { mode: 'force-cache' }, now: T0 + SEC, expected: fresh },
  { name: 'mode force-cache serves a stale entry', stored: MA60_ETAG, settings: { mode: 'force-cache' }, now: T0 + DAY, expected: stale },
  { name: 'mode force-cache serves a stale must-revalidate entry', stored: { 'cache-control': 'max-age=60, must-revalidate, no-cache' }, settings: { mode: 'force-cache' }, now: T0 + DAY, expected: stale },
  { name: 'mode only-if-cached serves a stale entry', stored: MA60_ETAG, settings: { mode: 'only-if-cached' }, now: T0 + DAY, expected: stale },
  { name: 'mode reload never reads the cache', stored: MA60, settings: { mode: 'reload' }, now: T0 + SEC, expected: miss },
  { name: 'mode no-store never reads the cache', stored: MA60, settings: { mode: 'no-store' }, now: T0 + SEC, expected: miss },
  { name: 'mode force-cache answers a satisfied conditional with 304', stored: MA60_ETAG, req: INM, settings: { mode: 'force-cache' }, now: T0 + SEC, expected: notModified },

  // §4.3.2 the client's own conditional request
  { name: '§4.3.2 If-None-Match matching a fresh entry answers 304', stored: MA60_ETAG, req: INM, now: T0 + SEC, expected: notModified },
  { name: '§4.3.2 If-None-Match weakly matching a fresh entry answers 304', stored: { ...MA60, etag: 'W/"v1"' }, req: INM, now: T0 + SEC, expected: notModified },
  { name: '§4.3.2 If-None-Match not matching serves the full entry', stored: MA60_ETAG, req: { 'if-none-match': '"v0"' }, now: T0 + SEC, expected: fresh },
  { name: '§4.3.2 If-Modified-Since not before Last-Modified answers 304', stored: { ...MA60, 'last-modified': LM }, req: { 'if-modified-since': LM }, now: T0 + SEC, expected: notModified },
  { name: '§4.3.2 If-Modified-Since before Last-Modified serves the full entry', stored: { ...MA60, 'last-modified': LM }, req: { 'if-modified-since': httpDate(T0 - 20 * DAY) }, now: T0 + SEC, expected: fresh },
  { name: '§4.3.2 a conditional on a stale entry revalidates with the cache\'s validators', stored: MA60_ETAG, req: { 'if-none-match': '"v0"' }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: '§4.3.2 a HEAD conditional answers 304', stored: MA60_ETAG, req: INM, method: 'HEAD', now: T0 + SEC, expected: notModified },
  { name: '§4.3.2 request no-cache goes before the conditional', stored: MA60_ETAG, req: { ...INM, 'cache-control': 'no-cache' }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§4.3.5 a HEAD request is answered by the stored GET', stored: MA60, method: 'HEAD', now: T0 + SEC, expected: fresh },

  // cacheControl: false
  { name: 'cacheControl off: the ttl makes an entry fresh despite no-cache', stored: { 'cache-control': 'no-cache' }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false }, now: T0 + 30 * SEC, expected: fresh },
  { name: 'cacheControl off: request no-cache is ignored', stored: MA60, req: { 'cache-control': 'no-cache' }, settings: { cacheControl: false }, now: T0 + 30 * SEC, expected: fresh },
  { name: 'cacheControl off: request no-store is ignored', stored: MA60, req: { 'cache-control': 'no-store' }, settings: { cacheControl: false }, now: T0 + 30 * SEC, expected: fresh },
  { name: 'cacheControl off: request max-stale is ignored', stored: MA60_ETAG, req: { 'cache-control': 'max-stale' }, settings: { cacheControl: false }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'cacheControl off: request only-if-cached is ignored', stored: MA60_ETAG, req: { 'cache-control': 'only-if-cached' }, settings: { cacheControl: false }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'cacheControl off: the configured stale-while-revalidate applies', stored: { 'cache-control': 'must-revalidate', etag: ETAG }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false, staleWhileRevalidate: MIN }, now: T0 + 90 * SEC, expected: swr(withEtag) },
  { name: 'cacheControl off: the response stale-while-revalidate is ignored', stored: { 'cache-control': 'stale-while-revalidate=600', etag: ETAG }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false }, now: T0 + 90 * SEC, expected: revalidate(withEtag) },
  { name: 'cacheControl off: Vary is still honoured', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'a' } }, req: { accept: 'b' }, settings: { cacheControl: false }, now: T0 + SEC, expected: miss },
  { name: 'cacheControl off: a private entry is reused by a shared cache', stored: { 'cache-control': 'private' }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false, shared: true }, now: T0 + SEC, expected: fresh },

  // clock skew
  { name: '§4.2.3 clock skew: a Date far ahead still serves max-age', stored: { date: httpDate(T0 + DAY), 'cache-control': 'max-age=60' }, now: T0 + 30 * SEC, expected: fresh },
  { name: '§4.2.3 clock skew: a Date far behind makes max-age stale at once', stored: { date: httpDate(T0 - DAY), 'cache-control': 'max-age=3600', etag: ETAG }, now: T0 + SEC, expected: revalidate(withEtag) },
  { name: '§4.2.1 clock skew: Expires is read relative to the skewed Date', stored: { date: httpDate(T0 + DAY), expires: httpDate(T0 + DAY + HOUR) }, now: T0 + 30 * MIN, expected: fresh },
  { name: '§4.2.1 clock skew: Expires relative to a skewed Date ends on time', stored: { date: httpDate(T0 + DAY), expires: httpDate(T0 + DAY + HOUR), etag: ETAG }, now: T0 + HOUR, expected: revalidate(withEtag) },
];

describe('policy/evaluate', () => {
  for (const c of cases) {
    it(c.name, () => {
      const stored = { ...entry(c.stored, c.storedOptions), ...(c.override ?? {}) };
      expect(evaluate(stored, request(c.req ?? {}, c.method ?? 'GET'), settings(c.settings), c.now)).to.deep.equal(c.expected);
    });
  }
});

// Malformed and conflicting headers: each takes the conservative reading and nothing throws.
const malformed: Array<{ name: string; stored: Record<string, unknown>; req?: Record<string, unknown>; now: number; expected: Decision['kind'] }> = [
  { name: '§4.2.1 two max-age: the smaller one decides', stored: { 'cache-control': 'max-age=600, max-age=1' }, now: T0 + 10 * SEC, expected: 'revalidate' },
  { name: '§4.2.1 two max-age on separate lines: the smaller one decides', stored: { 'cache-control': ['max-age=1', 'max-age=600'] }, now: T0 + 10 * SEC, expected: 'revalidate' },
  { name: '§4.2.1 negative max-age is stale', stored: { 'cache-control': 'max-age=-1' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§4.2.1 non-numeric max-age is stale', stored: { 'cache-control': 'max-age=forever' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§1.2.2 huge max-age is capped, still fresh', stored: { 'cache-control': 'max-age=99999999999999999999999' }, now: T0 + 365 * DAY, expected: 'fresh' },
  { name: '§5.2 quoted max-age is accepted', stored: { 'cache-control': 'max-age="600"' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§5.2 upper-case MAX-AGE is accepted', stored: { 'cache-control': 'MAX-AGE=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§5.2.3 an unknown directive is ignored', stored: { 'cache-control': 'x-unknown="a,b", max-age=600, foo' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§5.2 No-CaChE in any case revalidates', stored: { 'cache-control': 'No-CaChE, max-age=600' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.2 stray commas are ignored', stored: { 'cache-control': ',,max-age=600,,' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§5.2 an unterminated quote hides what follows: no lifetime', stored: { 'cache-control': 'private="foo, max-age=600' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.3 an invalid Expires is already expired', stored: { expires: 'tomorrow' }, now: T0, expected: 'revalidate' },
  { name: '§5.3 Expires: 0 is already expired', stored: { expires: '0' }, now: T0, expected: 'revalidate' },
  { name: '§4.2.1 two different Expires are stale', stored: { expires: [httpDate(T0 + HOUR), httpDate(T0 + DAY)] }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.3 max-age overrides an invalid Expires', stored: { expires: 'garbage', 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§6.6.1 an invalid Date is replaced by the receipt time', stored: { date: 'not a date', 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§4.2.3 an invalid Age counts as 0', stored: { age: 'abc', 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§4.2.3 a negative Age counts as 0', stored: { age: '-100', 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§4.2.3 repeated Age: the largest counts', stored: { age: ['1', '700'], 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§4.2.2 an invalid Last-Modified gives no heuristic', stored: { 'last-modified': 'long ago' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.2 an empty Cache-Control gives no lifetime', stored: { 'cache-control': '' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.2 a Cache-Control of the wrong type is ignored', stored: { 'cache-control': 42 }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.2.1.2 request max-stale=abc allows no staleness', stored: { 'cache-control': 'max-age=60' }, req: { 'cache-control': 'max-stale=abc' }, now: T0 + 90 * SEC, expected: 'revalidate' },
  { name: '§5.2.1.1 request max-age=abc reads 0', stored: { 'cache-control': 'max-age=600' }, req: { 'cache-control': 'max-age=abc' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§5.2.1.3 request min-fresh=-5 reads 0', stored: { 'cache-control': 'max-age=600' }, req: { 'cache-control': 'min-fresh=-5' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§5.2.1 request No-Cache in any case revalidates', stored: { 'cache-control': 'max-age=600' }, req: { 'cache-control': 'No-Cache' }, now: T0 + SEC, expected: 'revalidate' },
  { name: '§4.1 a Vary of the wrong type is read as text (a header both requests lack)', stored: { vary: 7, 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§4.1 a Vary of an unusable type is ignored', stored: { vary: { a: 1 }, 'cache-control': 'max-age=600' }, now: T0 + SEC, expected: 'fresh' },
  { name: '§13.1.2 a malformed If-None-Match never matches', stored: { etag: '"a"', 'cache-control': 'max-age=600' }, req: { 'if-none-match': 'W/' }, now: T0 + SEC, expected: 'fresh' },
];

describe('policy/evaluate: malformed headers', () => {
  for (const c of malformed) {
    it(c.name, () => {
      const run = () => {
        const stored = entry(c.stored as HeaderMap);
        return evaluate(stored, request(c.req as Record<string, string>), settings(), c.now);
      };
      expect(run).not.to.throw();
      expect(run().kind).to.equal(c.expected);
    });
  }

  it('§4 never throws on an entry from another version (missing fields)', () => {
    const foreign = { method: 'GET', url: 'x' } as unknown as CacheEntry;
    for (const mode of ['default', 'force-cache', 'no-cache', 'only-if-cached'] as const) {
      expect(() => evaluate(foreign, request(), settings({ mode }), T0)).not.to.throw();
      expect(() => staleIfErrorAllowed(foreign, request(), settings({ mode }), T0)).not.to.throw();
    }
    expect(evaluate(foreign, request(), settings(), T0).kind).to.equal('revalidate');
  });
});

const sieCases: Array<{ name: string; stored: HeaderMap; storedOptions?: EntryOptions; req?: Record<string, string>; settings?: Partial<PolicySettings>; now: number; expected: boolean }> = [
  { name: 'RFC 5861 §4 the configured window allows a stale entry', stored: MA60, settings: { staleIfError: 10 * MIN }, now: T0 + MIN + 5 * MIN, expected: true },
  { name: 'RFC 5861 §4 past the configured window it does not', stored: MA60, settings: { staleIfError: 10 * MIN }, now: T0 + MIN + 15 * MIN, expected: false },
  { name: 'RFC 5861 §4 the response directive allows it', stored: { 'cache-control': 'max-age=60, stale-if-error=600' }, now: T0 + 6 * MIN, expected: true },
  { name: 'RFC 5861 §4 past the response window it does not', stored: { 'cache-control': 'max-age=60, stale-if-error=600' }, now: T0 + 16 * MIN, expected: false },
  { name: 'RFC 5861 §4 the request directive allows it', stored: MA60, req: { 'cache-control': 'stale-if-error=600' }, now: T0 + 6 * MIN, expected: true },
  { name: 'RFC 5861 §4 the widest permission wins', stored: { 'cache-control': 'max-age=60, stale-if-error=60' }, req: { 'cache-control': 'stale-if-error=600' }, now: T0 + 6 * MIN, expected: true },
  { name: 'RFC 5861 §4 an unlimited configured window allows any age', stored: MA60, settings: { staleIfError: Infinity }, now: T0 + 365 * DAY, expected: true },
  { name: 'RFC 5861 §4 no window, no stale entry', stored: MA60, now: T0 + 2 * MIN, expected: false },
  { name: 'RFC 5861 §4 a fresh entry is allowed within a window', stored: MA60, settings: { staleIfError: MIN }, now: T0 + SEC, expected: true },
  { name: '§5.2.2.2 must-revalidate forbids it', stored: { 'cache-control': 'max-age=60, must-revalidate, stale-if-error=600' }, settings: { staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: '§5.2.2.4 response no-cache forbids it', stored: { 'cache-control': 'no-cache', etag: ETAG }, settings: { staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: '§5.2.2.8 proxy-revalidate forbids it in a shared cache', stored: { 'cache-control': 'max-age=60, proxy-revalidate' }, storedOptions: { settings: { shared: true } }, settings: { shared: true, staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: '§5.2.2.8 proxy-revalidate does not bind a private cache', stored: { 'cache-control': 'max-age=60, proxy-revalidate' }, settings: { staleIfError: HOUR }, now: T0 + 2 * MIN, expected: true },
  { name: '§5.2.2.10 s-maxage forbids it in a shared cache', stored: { 'cache-control': 's-maxage=60' }, storedOptions: { settings: { shared: true } }, settings: { shared: true, staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: '§4.1 a Vary mismatch forbids it', stored: { ...MA60, vary: 'Accept' }, storedOptions: { reqHeaders: { accept: 'a' } }, req: { accept: 'b' }, settings: { staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: '§5.2.1.5 request no-store forbids it', stored: MA60, req: { 'cache-control': 'no-store' }, settings: { staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: 'mode reload forbids it', stored: MA60, settings: { mode: 'reload', staleIfError: HOUR }, now: T0 + 2 * MIN, expected: false },
  { name: 'cacheControl off: only the configured window counts', stored: { 'cache-control': 'max-age=60, stale-if-error=600' }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false }, now: T0 + 2 * MIN, expected: false },
  { name: 'cacheControl off: must-revalidate is ignored', stored: { 'cache-control': 'must-revalidate' }, storedOptions: { settings: { cacheControl: false, ttl: MIN } }, settings: { cacheControl: false, staleIfError: HOUR }, now: T0 + 2 * MIN, expected: true },
];

describe('policy/evaluate: staleIfErrorAllowed', () => {
  for (const c of sieCases) {
    it(c.name, () => {
      const stored = entry(c.stored, c.storedOptions);
      expect(staleIfErrorAllowed(stored, request(c.req ?? {}), settings(c.settings), c.now)).to.equal(c.expected);
    });
  }
});

describe('policy/evaluate: missDecision', () => {
  const missCases: Array<{ name: string; req?: Record<string, string>; settings?: Partial<PolicySettings>; expected: Decision }> = [
    { name: '§4 nothing stored: go to the network', expected: miss },
    { name: '§5.2.1.7 nothing stored under only-if-cached: 504', req: { 'cache-control': 'only-if-cached' }, expected: unsatisfiable },
    { name: 'mode only-if-cached with nothing stored: 504', settings: { mode: 'only-if-cached' }, expected: unsatisfiable },
    { name: 'cacheControl off: the only-if-cached directive is ignored', req: { 'cache-control': 'only-if-cached' }, settings: { cacheControl: false }, expected: miss },
  ];
  for (const c of missCases) {
    it(c.name, () => expect(missDecision(request(c.req ?? {}), settings(c.settings))).to.deep.equal(c.expected));
  }
});
