import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import { storable } from '../../lib/policy/index.js';
import type { PolicySettings } from '../../lib/policy/index.js';
import { DAY, MIN, T0, httpDate, request, response, settings } from './fixtures.js';

interface Case {
  name: string;
  headers?: HeaderMap;
  status?: number;
  method?: string;
  reqHeaders?: Record<string, string | undefined>;
  settings?: Partial<PolicySettings>;
  expected: boolean;
}

const LM = httpDate(T0 - 10 * DAY);

const cases: Case[] = [
  // §3 method and status
  { name: '§3 a GET 200 with max-age is storable', headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a HEAD response is storable when HEAD is configured', method: 'HEAD', headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a method not in settings.methods is not stored', method: 'POST', headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§3 a configured POST with explicit freshness is stored', method: 'POST', headers: { 'cache-control': 'max-age=60' }, settings: { methods: ['GET', 'POST'] }, expected: true },
  { name: '§3 methods compare case-insensitively', method: 'get', headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a 1xx status is not final', status: 103, headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§3 a 304 is never stored (it only freshens, §4.3.4)', status: 304, headers: { 'cache-control': 'max-age=60', etag: '"a"' }, expected: false },
  { name: '§3.3 a 206 is not stored: partial content is not combined here', status: 206, headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§3 a status outside 100..599 is invalid', status: 600, headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§3 a non-integer status is invalid', status: NaN, headers: { 'cache-control': 'max-age=60' }, expected: false },
  // explicit freshness reuses error statuses
  { name: '§3 a 404 with max-age is stored', status: 404, headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a 410 with max-age is stored', status: 410, headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a 500 with max-age is stored', status: 500, headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§3 a 503 with Expires is stored', status: 503, headers: { expires: httpDate(T0 + MIN) }, expected: true },
  { name: '§3 a 302 with public is stored', status: 302, headers: { 'cache-control': 'public' }, expected: true },
  { name: '§3 a status the cache does not understand is not stored', status: 299, headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§3 an invalid Expires still marks the response storable (stale)', headers: { expires: '0' }, expected: true },
  { name: '§3 s-maxage counts as explicit freshness in a shared cache', status: 500, headers: { 'cache-control': 's-maxage=60' }, settings: { shared: true }, expected: true },
  { name: '§3 s-maxage alone is no explicit freshness for a private cache', status: 500, headers: { 'cache-control': 's-maxage=60' }, expected: false },
  // no-store, must-understand
  { name: '§5.2.2.5 response no-store is never stored', headers: { 'cache-control': 'no-store, max-age=60' }, expected: false },
  { name: '§5.2.2.5 No-Store is case-insensitive', headers: { 'cache-control': 'No-Store' }, expected: false },
  { name: '§5.2.1.5 request no-store prevents storing', reqHeaders: { 'cache-control': 'no-store' }, headers: { 'cache-control': 'max-age=60' }, expected: false },
  { name: '§5.2.2.3 must-understand overrides no-store for an understood status', headers: { 'cache-control': 'must-understand, no-store, max-age=60' }, expected: true },
  { name: '§5.2.2.3 must-understand with an unknown status is not stored', status: 299, headers: { 'cache-control': 'must-understand, no-store, max-age=60' }, expected: false },
  { name: '§5.2.2.3 must-understand does not override request no-store', reqHeaders: { 'cache-control': 'no-store' }, headers: { 'cache-control': 'must-understand, no-store, max-age=60' }, expected: false },
  // private / shared
  { name: '§5.2.2.7 private is not stored by a shared cache', headers: { 'cache-control': 'private, max-age=60' }, settings: { shared: true }, expected: false },
  { name: '§5.2.2.7 qualified private is treated as unqualified by a shared cache', headers: { 'cache-control': 'private="x-user", max-age=60' }, settings: { shared: true }, expected: false },
  { name: '§5.2.2.7 private is stored by a private cache even without a lifetime', headers: { 'cache-control': 'private' }, expected: true },
  { name: '§3.5 Authorization: a shared cache does not store by default', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 'max-age=60' }, settings: { shared: true }, expected: false },
  { name: '§3.5 Authorization: public allows a shared cache to store', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 'public, max-age=60' }, settings: { shared: true }, expected: true },
  { name: '§3.5 Authorization: must-revalidate allows a shared cache to store', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 'must-revalidate, max-age=60' }, settings: { shared: true }, expected: true },
  { name: '§3.5 Authorization: s-maxage allows a shared cache to store', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 's-maxage=60' }, settings: { shared: true }, expected: true },
  { name: '§3.5 Authorization: proxy-revalidate alone does not', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 'proxy-revalidate, max-age=60' }, settings: { shared: true }, expected: false },
  { name: '§3.5 Authorization does not limit a private cache', reqHeaders: { authorization: 'Bearer x' }, headers: { 'cache-control': 'max-age=60' }, expected: true },
  { name: '§7.3 Set-Cookie is not stored by a shared cache', headers: { 'cache-control': 'max-age=60', 'set-cookie': 'sid=1' }, settings: { shared: true }, expected: false },
  { name: '§7.3 Set-Cookie does not inhibit a private cache', headers: { 'cache-control': 'max-age=60', 'set-cookie': 'sid=1' }, expected: true },
  // Vary
  { name: '§4.1 Vary: * is never stored', headers: { 'cache-control': 'max-age=60', vary: '*' }, expected: false },
  { name: '§4.1 Vary containing a * member is never stored', headers: { 'cache-control': 'max-age=60', vary: 'Accept, *' }, expected: false },
  { name: '§4.1 an ordinary Vary is stored', headers: { 'cache-control': 'max-age=60', vary: 'Accept-Encoding' }, expected: true },
  // heuristic and validators
  { name: '§4.2.2 a 200 with Last-Modified is heuristically storable', headers: { 'last-modified': LM }, expected: true },
  { name: '§4.2.2 a 404 with Last-Modified is heuristically storable', status: 404, headers: { 'last-modified': LM }, expected: true },
  { name: '§4.2.2 a 500 with Last-Modified is not heuristically cacheable', status: 500, headers: { 'last-modified': LM }, expected: false },
  { name: '§3 a 200 with neither freshness nor validator is not stored', headers: {}, expected: false },
  { name: '§3 a 200 with only an ETag is stored to be revalidated', headers: { etag: '"a"' }, expected: true },
  { name: '§3 a 200 with only an invalid Last-Modified is not stored', headers: { 'last-modified': 'whenever' }, expected: false },
  { name: '§3 heuristic 0: a Last-Modified still makes it revalidatable', headers: { 'last-modified': LM }, settings: { heuristic: 0 }, expected: true },
  { name: '§3 a 500 with only an ETag is not stored (not heuristically cacheable)', status: 500, headers: { etag: '"a"' }, expected: false },
  { name: '§5.2.2.4 no-cache with an ETag is stored to be revalidated', headers: { 'cache-control': 'no-cache', etag: '"a"' }, expected: true },
  { name: '§5.2.2.4 no-cache without validator or lifetime is not stored', headers: { 'cache-control': 'no-cache' }, expected: false },
  // configured ttl
  { name: 'ttl stores a 200 that carries no caching headers', headers: {}, settings: { ttl: MIN }, expected: true },
  { name: 'ttl 0 still stores (kept for revalidation)', headers: {}, settings: { ttl: 0 }, expected: true },
  { name: 'ttl does not store a status outside settings.statuses', status: 404, headers: {}, settings: { ttl: MIN }, expected: false },
  { name: 'ttl stores a status listed in settings.statuses', status: 500, headers: {}, settings: { ttl: MIN, statuses: [200, 500] }, expected: true },
  { name: 'ttl never overrides response no-store', headers: { 'cache-control': 'no-store' }, settings: { ttl: MIN }, expected: false },
  // cacheControl: false
  { name: 'cacheControl off: no-store is ignored, the ttl decides', headers: { 'cache-control': 'no-store' }, settings: { cacheControl: false, ttl: MIN }, expected: true },
  { name: 'cacheControl off: request no-store is ignored', reqHeaders: { 'cache-control': 'no-store' }, headers: {}, settings: { cacheControl: false, ttl: MIN }, expected: true },
  { name: 'cacheControl off: max-age without ttl is not stored', headers: { 'cache-control': 'max-age=60' }, settings: { cacheControl: false }, expected: false },
  { name: 'cacheControl off: a status outside settings.statuses is not stored', status: 404, headers: {}, settings: { cacheControl: false, ttl: MIN }, expected: false },
  { name: 'cacheControl off: private is ignored by a shared cache', headers: { 'cache-control': 'private' }, settings: { cacheControl: false, ttl: MIN, shared: true }, expected: true },
  { name: 'cacheControl off: Vary: * still can never match, so it is not stored', headers: { vary: '*' }, settings: { cacheControl: false, ttl: MIN }, expected: false },
  { name: 'cacheControl off: the method must still be configured', method: 'POST', headers: {}, settings: { cacheControl: false, ttl: MIN }, expected: false },
];

describe('policy/storable', () => {
  for (const c of cases) {
    it(c.name, () => {
      const res = response(c.headers ?? {}, { status: c.status ?? 200 });
      expect(storable(request(c.reqHeaders ?? {}, c.method ?? 'GET'), res, settings(c.settings))).to.equal(c.expected);
    });
  }

  const garbage: Array<{ name: string; req: unknown; res: unknown; settings?: Partial<Record<keyof PolicySettings, unknown>> }> = [
    { name: 'headers of the wrong type', req: { method: 'GET', url: 'x', headers: { 'cache-control': 7 } }, res: { status: 200, headers: { 'cache-control': null, vary: 3 } } },
    { name: 'missing headers', req: { method: 'GET', url: 'x' }, res: { status: 200 } },
    { name: 'a missing method', req: { url: 'x', headers: {} }, res: { status: 200, headers: {} } },
    { name: 'settings of the wrong type', req: { method: 'GET', url: 'x', headers: {} }, res: { status: 200, headers: {} }, settings: { methods: undefined, statuses: 'all', ttl: 'soon' } },
  ];
  for (const g of garbage) {
    it(`§3 never throws: ${g.name}`, () => {
      const s = { ...settings(), ...(g.settings ?? {}) } as PolicySettings;
      expect(() => storable(g.req as never, g.res as never, s)).not.to.throw();
    });
  }
});
