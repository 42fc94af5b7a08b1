import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import { ageSeconds, currentAgeMs, freshness, isFresh } from '../../lib/policy/index.js';
import type { PolicySettings } from '../../lib/policy/index.js';
import { DAY, HOUR, MIN, SEC, T0, entry, httpDate, request, response, settings, type ResponseOptions } from './fixtures.js';

interface Case {
  name: string;
  headers: HeaderMap;
  res?: ResponseOptions;
  settings?: Partial<PolicySettings>;
  now?: number;
  expiresAt: number;
  deleteAt?: number;
}

const lifetimeCases: Case[] = [
  // §4.2.1 which lifetime applies
  { name: '§4.2.1 max-age gives the lifetime', headers: { 'cache-control': 'max-age=60' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.1 s-maxage overrides max-age in a shared cache', headers: { 'cache-control': 'max-age=60, s-maxage=120' }, settings: { shared: true }, expiresAt: T0 + 120 * SEC },
  { name: '§4.2.1 s-maxage is ignored by a private cache', headers: { 'cache-control': 'max-age=60, s-maxage=120' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.1 s-maxage alone in a private cache gives no explicit lifetime', headers: { 'cache-control': 's-maxage=120' }, settings: { heuristic: 0 }, expiresAt: T0 },
  { name: '§5.3 max-age overrides Expires', headers: { 'cache-control': 'max-age=60', expires: httpDate(T0 + HOUR) }, expiresAt: T0 + 60 * SEC },
  { name: '§5.3 s-maxage overrides Expires in a shared cache', headers: { 'cache-control': 's-maxage=30', expires: httpDate(T0 + HOUR) }, settings: { shared: true }, expiresAt: T0 + 30 * SEC },
  { name: '§4.2.1 Expires minus Date', headers: { expires: httpDate(T0 + HOUR) }, expiresAt: T0 + HOUR },
  { name: '§4.2.1 Expires minus the receipt time when Date is absent', headers: { expires: httpDate(T0 + HOUR) }, res: { date: false }, expiresAt: T0 + HOUR },
  { name: '§4.2.1 Expires minus the receipt time when Date is invalid', headers: { expires: httpDate(T0 + HOUR), date: 'yesterday' }, expiresAt: T0 + HOUR },
  { name: '§5.3 Expires in the past is stale', headers: { expires: httpDate(T0 - HOUR) }, expiresAt: T0 },
  { name: '§5.3 Expires: 0 means already expired', headers: { expires: '0' }, expiresAt: T0 },
  { name: '§5.3 an invalid Expires means already expired', headers: { expires: 'next tuesday' }, expiresAt: T0 },
  { name: '§5.3 Expires in another zone is invalid, so expired', headers: { expires: 'Mon, 15 Jan 2024 13:00:00 PST' }, expiresAt: T0 },
  { name: '§4.2.1 two different Expires lines: stale', headers: { expires: [httpDate(T0 + HOUR), httpDate(T0 + 2 * HOUR)] }, expiresAt: T0 },
  { name: '§4.2.1 two identical Expires lines count once', headers: { expires: [httpDate(T0 + HOUR), httpDate(T0 + HOUR)] }, expiresAt: T0 + HOUR },
  { name: '§4.2.1 two max-age: the smallest is used', headers: { 'cache-control': 'max-age=600, max-age=60' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.1 invalid max-age is stale', headers: { 'cache-control': 'max-age=ten' }, expiresAt: T0 },
  { name: '§4.2.1 negative max-age is stale', headers: { 'cache-control': 'max-age=-60' }, expiresAt: T0 },
  { name: '§1.2.2 huge max-age caps at 2^31 seconds', headers: { 'cache-control': 'max-age=9999999999999' }, expiresAt: T0 + 2147483648 * SEC },
  { name: '§5.2 quoted max-age is accepted', headers: { 'cache-control': 'max-age="60"' }, expiresAt: T0 + 60 * SEC },
  { name: '§5.2.2.4 no-cache makes the response stale at once', headers: { 'cache-control': 'max-age=3600, no-cache' }, expiresAt: T0 },
  { name: '§5.2.2.4 qualified no-cache is treated as unqualified', headers: { 'cache-control': 'no-cache="set-cookie", max-age=3600' }, expiresAt: T0 },
  { name: '§5.2.2.4 no-cache wins over a configured ttl', headers: { 'cache-control': 'no-cache' }, settings: { ttl: HOUR }, expiresAt: T0 },
  { name: '§5.2.2.2 must-revalidate with max-age=0 is stale at once', headers: { 'cache-control': 'max-age=0, must-revalidate' }, expiresAt: T0 },
  { name: '§4.2 a zero lifetime is stale even when the response time is after now', headers: { 'cache-control': 'max-age=0' }, res: { responseTime: T0 + 5 * SEC }, now: T0, expiresAt: T0 },

  // §4.2.3 age
  { name: '§4.2.3 Age is subtracted from the lifetime', headers: { 'cache-control': 'max-age=600', age: '100' }, expiresAt: T0 + 500 * SEC },
  { name: '§4.2.3 Age header larger than apparent age wins', headers: { 'cache-control': 'max-age=600', age: '100', date: httpDate(T0 - 10 * SEC) }, expiresAt: T0 + 500 * SEC },
  { name: '§4.2.3 apparent age larger than Age wins', headers: { 'cache-control': 'max-age=600', age: '100', date: httpDate(T0 - 200 * SEC) }, expiresAt: T0 + 400 * SEC },
  { name: '§4.2.3 response_delay is added to Age', headers: { 'cache-control': 'max-age=60', age: '10' }, res: { requestTime: T0 - 5 * SEC }, expiresAt: T0 + 45 * SEC },
  { name: '§4.2.3 response_delay counts even without Age', headers: { 'cache-control': 'max-age=60' }, res: { requestTime: T0 - 5 * SEC }, expiresAt: T0 + 55 * SEC },
  { name: '§4.2.3 a request time after the response time adds no delay', headers: { 'cache-control': 'max-age=60' }, res: { requestTime: T0 + 5 * SEC }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.3 an invalid Age is not available (0)', headers: { 'cache-control': 'max-age=60', age: 'old' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.3 a negative Age is not available (0)', headers: { 'cache-control': 'max-age=60', age: '-30' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.3 a fractional Age is not available (0)', headers: { 'cache-control': 'max-age=60', age: '1.5' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.3 repeated Age lines: the largest (oldest) is used', headers: { 'cache-control': 'max-age=60', age: ['10', '20'] }, expiresAt: T0 + 40 * SEC },
  { name: '§4.2.3 a comma-joined Age: the largest valid member is used', headers: { 'cache-control': 'max-age=60', age: '10, x, 20' }, expiresAt: T0 + 40 * SEC },
  { name: '§1.2.2 a huge Age caps at 2^31 and makes the response stale', headers: { 'cache-control': 'max-age=60', age: '99999999999999' }, expiresAt: T0 + 60 * SEC - 2147483648 * SEC },

  // clock skew
  { name: '§4.2.1 clock skew: Date far ahead, Expires − Date still gives the intended lifetime', headers: { date: httpDate(T0 + DAY), expires: httpDate(T0 + DAY + HOUR) }, expiresAt: T0 + HOUR },
  { name: '§4.2.3 clock skew: Date far ahead gives no negative age', headers: { date: httpDate(T0 + DAY), 'cache-control': 'max-age=60' }, expiresAt: T0 + 60 * SEC },
  { name: '§4.2.3 clock skew: Date far behind makes a max-age response stale (apparent age)', headers: { date: httpDate(T0 - DAY), 'cache-control': 'max-age=3600' }, expiresAt: T0 + HOUR - DAY },
  { name: '§4.2.3 clock skew: Date far behind ages an Expires response too', headers: { date: httpDate(T0 - DAY), expires: httpDate(T0 - DAY + 2 * HOUR) }, expiresAt: T0 + 2 * HOUR - DAY },

  // §4.2.2 heuristic freshness
  { name: '§4.2.2 heuristic: 10% of Date − Last-Modified', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, expiresAt: T0 + DAY },
  { name: '§4.2.2 heuristic fraction is configurable', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, settings: { heuristic: 0.5 }, expiresAt: T0 + 5 * DAY },
  { name: '§4.2.2 heuristic freshness is capped by heuristicLimit', headers: { 'last-modified': httpDate(T0 - 1000 * DAY) }, settings: { heuristicLimit: 7 * DAY }, expiresAt: T0 + 7 * DAY },
  { name: '§4.2.2 a far-future Date with an old Last-Modified is capped too', headers: { date: httpDate(T0 + 300 * 365 * DAY), 'last-modified': httpDate(T0 - 10 * 365 * DAY) }, settings: { heuristicLimit: 7 * DAY }, expiresAt: T0 + 7 * DAY },
  { name: '§4.2.2 heuristic 0 disables heuristic freshness', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, settings: { heuristic: 0 }, expiresAt: T0 },
  { name: '§4.2.2 heuristic applies to a heuristically cacheable 404', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 404 }, expiresAt: T0 + DAY },
  { name: '§4.2.2 heuristic applies to a 301', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 301 }, expiresAt: T0 + DAY },
  { name: '§4.2.2 no heuristic for a 500', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 500 }, expiresAt: T0 },
  { name: '§4.2.2 no heuristic for a 302', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 302 }, expiresAt: T0 },
  { name: '§5.2.2.9 public makes any status heuristically cacheable', headers: { 'cache-control': 'public', 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 500 }, expiresAt: T0 + DAY },
  { name: '§4.2.2 no heuristic when an explicit lifetime is present', headers: { 'cache-control': 'max-age=0', 'last-modified': httpDate(T0 - 10 * DAY) }, expiresAt: T0 },
  { name: '§4.2.2 no heuristic without Last-Modified', headers: { etag: '"a"' }, expiresAt: T0 },
  { name: '§4.2.2 an invalid Last-Modified gives no heuristic', headers: { 'last-modified': 'long ago' }, expiresAt: T0 },
  { name: '§4.2.2 Last-Modified after Date gives no heuristic', headers: { 'last-modified': httpDate(T0 + DAY) }, expiresAt: T0 },
  { name: '§4.2.2 heuristic is measured from Date, and aged', headers: { date: httpDate(T0 - HOUR), 'last-modified': httpDate(T0 - HOUR - 10 * DAY) }, expiresAt: T0 + DAY - HOUR },

  // configured ttl
  { name: 'ttl gives a lifetime when the response has none', headers: {}, settings: { ttl: MIN }, expiresAt: T0 + MIN },
  { name: '§4.2.1 explicit freshness wins over the ttl', headers: { 'cache-control': 'max-age=10' }, settings: { ttl: HOUR }, expiresAt: T0 + 10 * SEC },
  { name: '§5.3 an Expires in the past wins over the ttl', headers: { expires: '0' }, settings: { ttl: HOUR }, expiresAt: T0 },
  { name: 'ttl wins over heuristic freshness', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, settings: { ttl: MIN }, expiresAt: T0 + MIN },
  { name: 'ttl only covers settings.statuses (404 falls back to heuristic)', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, res: { status: 404 }, settings: { ttl: MIN }, expiresAt: T0 + DAY },
  { name: 'ttl covers a status listed in settings.statuses', headers: {}, res: { status: 404 }, settings: { ttl: MIN, statuses: [200, 404] }, expiresAt: T0 + MIN },
  { name: 'a ttl runs from the response time: Age does not shorten it', headers: { age: '10' }, settings: { ttl: MIN }, expiresAt: T0 + MIN },
  { name: 'a ttl runs from the response time: a Date behind the clock does not shorten it', headers: { date: httpDate(T0 - 900) }, res: { requestTime: T0 - 200 }, settings: { ttl: MIN }, expiresAt: T0 + MIN },
  { name: '§4.2.3 heuristic freshness is aged (unlike a ttl)', headers: { age: '10', 'last-modified': httpDate(T0 - 10 * DAY) }, expiresAt: T0 + DAY - 10 * SEC },
  { name: 'ttl Infinity never expires', headers: { age: '10' }, settings: { ttl: Infinity }, expiresAt: Infinity, deleteAt: Infinity },
  { name: 'ttl 0 is stale at once and kept for keepStale', headers: {}, settings: { ttl: 0 }, expiresAt: T0, deleteAt: T0 + HOUR },
  { name: 'a negative ttl reads as 0', headers: {}, settings: { ttl: -5 }, expiresAt: T0, deleteAt: T0 + HOUR },

  // cacheControl: false
  { name: 'cacheControl off: max-age is ignored, the ttl decides', headers: { 'cache-control': 'max-age=3600' }, settings: { cacheControl: false, ttl: MIN }, expiresAt: T0 + MIN },
  { name: 'cacheControl off: no ttl means stale at once', headers: { 'cache-control': 'max-age=3600' }, settings: { cacheControl: false }, expiresAt: T0 },
  { name: 'cacheControl off: no-cache is ignored', headers: { 'cache-control': 'no-cache' }, settings: { cacheControl: false, ttl: MIN }, expiresAt: T0 + MIN },
  { name: 'cacheControl off: Age and Date are ignored', headers: { age: '50', date: httpDate(T0 - DAY) }, settings: { cacheControl: false, ttl: MIN }, expiresAt: T0 + MIN },
  { name: 'cacheControl off: no heuristic freshness', headers: { 'last-modified': httpDate(T0 - 10 * DAY) }, settings: { cacheControl: false }, expiresAt: T0 },
];

const deleteCases: Case[] = [
  { name: 'deleteAt: no validator and no stale window ends with freshness', headers: { 'cache-control': 'max-age=60' }, expiresAt: T0 + MIN, deleteAt: T0 + MIN },
  { name: '§4.3.1 deleteAt: an ETag keeps the entry keepStale longer', headers: { 'cache-control': 'max-age=60', etag: '"a"' }, expiresAt: T0 + MIN, deleteAt: T0 + MIN + HOUR },
  { name: '§4.3.1 deleteAt: a Last-Modified keeps the entry keepStale longer', headers: { 'cache-control': 'max-age=60', 'last-modified': httpDate(T0 - DAY) }, expiresAt: T0 + MIN, deleteAt: T0 + MIN + HOUR },
  { name: '§4.3.1 deleteAt: an invalid Last-Modified is no validator', headers: { 'cache-control': 'max-age=60', 'last-modified': 'never' }, expiresAt: T0 + MIN, deleteAt: T0 + MIN },
  { name: 'RFC 5861 §3 deleteAt: the response stale-while-revalidate window', headers: { 'cache-control': 'max-age=60, stale-while-revalidate=30' }, expiresAt: T0 + MIN, deleteAt: T0 + MIN + 30 * SEC },
  { name: 'RFC 5861 §4 deleteAt: the widest of response and configured windows', headers: { 'cache-control': 'max-age=60, stale-if-error=600' }, settings: { staleWhileRevalidate: MIN }, expiresAt: T0 + MIN, deleteAt: T0 + MIN + 10 * MIN },
  { name: 'RFC 5861 §4 deleteAt: the configured stale-if-error window', headers: { 'cache-control': 'max-age=60' }, settings: { staleIfError: 10 * MIN }, expiresAt: T0 + MIN, deleteAt: T0 + 11 * MIN },
  { name: 'RFC 5861 deleteAt: windows and keepStale add up', headers: { 'cache-control': 'max-age=60', etag: '"a"' }, settings: { staleIfError: 10 * MIN }, expiresAt: T0 + MIN, deleteAt: T0 + 11 * MIN + HOUR },
  { name: 'RFC 5861 §4 deleteAt: an unlimited configured stale-if-error keeps forever', headers: { 'cache-control': 'max-age=60' }, settings: { staleIfError: Infinity }, expiresAt: T0 + MIN, deleteAt: Infinity },
  { name: '§5.2.2.2 deleteAt: must-revalidate closes the stale windows', headers: { 'cache-control': 'max-age=60, must-revalidate, stale-if-error=600' }, settings: { staleIfError: 10 * MIN }, expiresAt: T0 + MIN, deleteAt: T0 + MIN },
  { name: '§5.2.2.4 deleteAt: no-cache closes the stale windows but keeps a validator', headers: { 'cache-control': 'no-cache', etag: '"a"' }, settings: { staleWhileRevalidate: MIN }, expiresAt: T0, deleteAt: T0 + HOUR },
  { name: '§5.2.2.10 deleteAt: s-maxage closes the stale windows in a shared cache', headers: { 'cache-control': 's-maxage=60' }, settings: { shared: true, staleIfError: 10 * MIN }, expiresAt: T0 + MIN, deleteAt: T0 + MIN },
  { name: '§5.2.2.8 deleteAt: proxy-revalidate does not bind a private cache', headers: { 'cache-control': 'max-age=60, proxy-revalidate' }, settings: { staleIfError: 10 * MIN }, expiresAt: T0 + MIN, deleteAt: T0 + 11 * MIN },
  { name: 'deleteAt: a negative keepStale reads as 0', headers: { 'cache-control': 'max-age=60', etag: '"a"' }, settings: { keepStale: -1 }, expiresAt: T0 + MIN, deleteAt: T0 + MIN },
];

describe('policy/freshness: freshness', () => {
  for (const c of [...lifetimeCases, ...deleteCases]) {
    it(c.name, () => {
      const now = c.now ?? T0;
      const res = response(c.headers, c.res);
      const result = freshness(request(), res, settings(c.settings), now);
      expect(result.expiresAt).to.equal(c.expiresAt);
      if (c.deleteAt !== undefined) expect(result.deleteAt).to.equal(c.deleteAt);
      expect(result.deleteAt).to.be.at.least(result.expiresAt);
      expect(Number.isNaN(result.expiresAt) || Number.isNaN(result.deleteAt)).to.equal(false);
    });
  }

  const garbage: Array<{ name: string; res: Record<string, unknown>; settings?: Record<string, unknown>; now?: number }> = [
    { name: 'NaN response and request times', res: { status: 200, headers: { 'cache-control': 'max-age=60' }, requestTime: NaN, responseTime: NaN } },
    { name: 'headers of the wrong type', res: { status: 200, headers: { 'cache-control': 42, age: null, date: {} }, requestTime: T0, responseTime: T0 } },
    { name: 'headers missing altogether', res: { status: 200, headers: undefined, requestTime: T0, responseTime: T0 } },
    { name: 'NaN settings', res: { status: 200, headers: { 'last-modified': httpDate(T0 - DAY) }, requestTime: T0, responseTime: T0 }, settings: { heuristic: NaN, ttl: NaN, keepStale: NaN, staleIfError: NaN } },
    { name: 'an infinite heuristic fraction', res: { status: 200, headers: { 'last-modified': httpDate(T0) }, requestTime: T0, responseTime: T0 }, settings: { heuristic: Infinity } },
    { name: 'a NaN now', res: { status: 200, headers: { 'cache-control': 'max-age=0' }, requestTime: T0, responseTime: T0 }, now: NaN },
  ];
  for (const g of garbage) {
    it(`§4.2 never throws and never returns NaN: ${g.name}`, () => {
      const s = { ...settings(), ...(g.settings ?? {}) } as PolicySettings;
      const run = () => freshness(request(), g.res as never, s, g.now ?? T0);
      expect(run).not.to.throw();
      const { expiresAt, deleteAt } = run();
      expect(Number.isNaN(expiresAt)).to.equal(false);
      expect(Number.isNaN(deleteAt)).to.equal(false);
    });
  }
});

describe('policy/freshness: current age and Age header', () => {
  const cases: Array<{ name: string; headers: HeaderMap; res?: ResponseOptions; now: number; ageMs: number; age: number }> = [
    { name: '§4.2.3 resident time adds to the initial age', headers: { age: '10' }, now: T0 + 5500, ageMs: 15_500, age: 15 },
    { name: '§4.2.3 apparent age from a Date behind the clock', headers: { date: httpDate(T0 - MIN) }, now: T0 + SEC, ageMs: 61 * SEC, age: 61 },
    { name: '§4.2.3 response delay counts', headers: {}, res: { requestTime: T0 - 2 * SEC }, now: T0, ageMs: 2 * SEC, age: 2 },
    { name: '§5.1 the Age header is whole seconds, rounded down', headers: {}, now: T0 + 1999, ageMs: 1999, age: 1 },
    { name: '§1.2.2 the Age header caps at 2^31', headers: { age: '2147483648' }, now: T0 + DAY, ageMs: 2147483648 * SEC + DAY, age: 2147483648 },
    { name: '§4.2.3 a now before the response time adds nothing', headers: { age: '3' }, now: T0 - MIN, ageMs: 3 * SEC, age: 3 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const e = entry(c.headers, c.res);
      expect(currentAgeMs(e, c.now)).to.equal(c.ageMs);
      expect(ageSeconds(e, c.now)).to.equal(c.age);
    });
  }
});

describe('policy/freshness: isFresh', () => {
  const e = entry({ 'cache-control': 'max-age=60' });
  const cases: Array<{ name: string; now: number; expiresAt?: number; fresh: boolean }> = [
    { name: '§4.2 fresh before expiresAt', now: T0 + 59 * SEC, fresh: true },
    { name: '§4.2 stale at expiresAt (freshness_lifetime > current_age)', now: T0 + 60 * SEC, fresh: false },
    { name: '§4.2 stale after expiresAt', now: T0 + 61 * SEC, fresh: false },
    { name: '§4.2 Infinity never expires', now: T0 + 1000 * DAY, expiresAt: Infinity, fresh: true },
    { name: '§4.2 a NaN expiry is stale', now: T0, expiresAt: NaN, fresh: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const value = c.expiresAt === undefined ? e : { ...e, expiresAt: c.expiresAt };
      expect(isFresh(value, c.now)).to.equal(c.fresh);
    });
  }
});
