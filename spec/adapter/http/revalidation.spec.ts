/**
 * Validation end to end (RFC 9111 §4.3, §5.2.1, §5.4): the conditional requests the cache sends,
 * what a 304 or a 200 does to the stored entry, the request's own directives, the client's own
 * conditional requests, and HEAD responses freshening a stored GET.
 */
import { AxiosError } from 'axios';
import { expect } from 'chai';
import { EXPIRE_IMMEDIATELY } from '../../../lib/index.js';
import type { Handler } from '../../helpers/server.js';
import { useServer } from '../../helpers/server.js';
import { anyStatus, cachedClient, DAY, httpDate, seen, uniquePath } from './helpers.js';

describe('HTTP validation (RFC 9111 §4.3)', () => {
  const ctx = useServer();

  function route(name: string, handler: Handler): string {
    const p = uniquePath(name);
    ctx.server.route(p, handler);
    return p;
  }

  /**
   * An origin with one current representation: ETag `"v<version>"`, body `body <version>`.
   * It answers 304 to a matching If-None-Match, 200 otherwise, with `headers()` on both.
   */
  function versioned(name: string, headers: () => Record<string, string>) {
    const state = { version: 1 };
    const p = route(name, (req, res) => {
      const etag = `"v${state.version}"`;
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, ...headers() }).end();
      res.writeHead(200, { etag, 'content-type': 'text/plain', ...headers() }).end(`body ${state.version}`);
    });
    return { p, state };
  }

  const inm = (p: string) => seen(ctx.server, p).map((r) => r.headers['if-none-match']);
  const ims = (p: string) => seen(ctx.server, p).map((r) => r.headers['if-modified-since']);

  describe('conditional requests (§4.3.1)', () => {
    it('§4.3.1 a stored ETag is sent as If-None-Match, and no If-Modified-Since without Last-Modified', async () => {
      const { p } = versioned('etag', () => ({ 'cache-control': 'max-age=0' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      await api.get(p);
      expect(inm(p)).to.deep.equal([undefined, '"v1"']);
      expect(ims(p)).to.deep.equal([undefined, undefined]);
    });

    it('§4.3.1 a stored Last-Modified alone is sent verbatim as If-Modified-Since', async () => {
      const lastModified = httpDate(-10 * DAY);
      const p = route('last-modified', (req, res) => {
        if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304).end();
        res.writeHead(200, { 'last-modified': lastModified, 'cache-control': 'max-age=0' }).end('dated');
      });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const revalidated = await api.get(p);
      expect(revalidated.cache?.state).to.equal('revalidated');
      expect(revalidated.data).to.equal('dated');
      expect(ims(p)).to.deep.equal([undefined, lastModified]);
      expect(inm(p)).to.deep.equal([undefined, undefined]);
    });

    it('§4.3.1 an entry without validators is fetched again unconditionally (never If-Modified-Since from Date)', async () => {
      const p = route('no-validator', (_req, res) => void res.writeHead(200, { date: httpDate(-60_000) }).end('plain'));
      const api = cachedClient(ctx.server, { ttl: EXPIRE_IMMEDIATELY });
      await api.get(p);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(ims(p)).to.deep.equal([undefined, undefined]);
      expect(inm(p)).to.deep.equal([undefined, undefined]);
    });
  });

  describe('what the answer does to the entry (§4.3.3, §4.3.4)', () => {
    it('§4.3.3 a 304 answers the caller with the stored 200 and its body', async () => {
      const { p } = versioned('304', () => ({ 'cache-control': 'max-age=0' }));
      const api = cachedClient(ctx.server);
      const miss = await api.get(p);
      const res = await api.get(p);
      expect(res.status).to.equal(200);
      expect(res.data).to.equal('body 1');
      expect(res.cached).to.equal(true);
      expect(res.cache?.state).to.equal('revalidated');
      expect(res.headers['etag']).to.equal('"v1"');
      expect(res.headers['content-type']).to.equal(miss.headers['content-type']);
      expect(api.cache.stats()).to.include({ hits: 1, misses: 1 });
      // The conditional headers were the cache's own: they never show in the caller's config.
      expect(res.config.headers.has('if-none-match')).to.equal(false);
    });

    it('§4.3.4 a 304 updates the stored headers (Cache-Control, a custom header), except Content-Length', async () => {
      let answer = 0;
      const p = route('304-update', (req, res) => {
        answer++;
        if (req.headers['if-none-match'] === '"v1"') {
          return void res.writeHead(304, { etag: '"v1"', 'cache-control': 'max-age=600', 'x-version': '2', 'content-length': '999' }).end();
        }
        res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=0', 'x-version': '1', 'content-length': '5' }).end('hello');
      });
      const api = cachedClient(ctx.server);
      const miss = await api.get(p);
      expect(miss.headers['x-version']).to.equal('1');
      const revalidated = await api.get(p);
      expect(revalidated.cache?.state).to.equal('revalidated');
      expect(revalidated.headers['x-version']).to.equal('2');
      expect(revalidated.headers['content-length']).to.equal('5');
      // The new Cache-Control makes the entry fresh: the next request is a hit.
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expect(hit.headers['x-version']).to.equal('2');
      expect(hit.data).to.equal('hello');
      const entry = await api.cache.getEntry(miss.cache!.key);
      expect(entry?.headers).to.include({ 'cache-control': 'max-age=600', 'x-version': '2', 'content-length': '5' });
      expect(answer).to.equal(2);
    });

    it('§4.3.3 a 200 to a conditional request replaces the entry', async () => {
      const { p, state } = versioned('replace', () => ({ 'cache-control': 'max-age=0' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      state.version = 2;
      const replaced = await api.get(p);
      expect(replaced.cache?.state).to.equal('miss');
      expect(replaced.data).to.equal('body 2');
      const revalidated = await api.get(p);
      expect(revalidated.cache?.state).to.equal('revalidated');
      expect(revalidated.data).to.equal('body 2');
      expect(inm(p)).to.deep.equal([undefined, '"v1"', '"v2"']);
      expect((await api.cache.getEntry(revalidated.cache!.key))?.headers['etag']).to.equal('"v2"');
    });

    it('§4.3.4 a 304 whose ETag does not match the stored one is not used: the request is repeated unconditionally', async () => {
      const p = route('304-mismatch', (req, res) => {
        if (req.headers['if-none-match'] !== undefined) return void res.writeHead(304, { etag: '"v9"', 'cache-control': 'max-age=600' }).end();
        res.writeHead(200, { etag: `"v${seen(ctx.server, p).length}"`, 'cache-control': 'max-age=0' }).end(`body ${seen(ctx.server, p).length}`);
      });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await api.get(p);
      expect(res.cache?.state).to.equal('miss');
      expect(res.data).to.equal('body 3');
      expect(inm(p)).to.deep.equal([undefined, '"v1"', undefined]);
      expect((await api.cache.getEntry(res.cache!.key))?.headers['etag']).to.equal('"v3"');
    });
  });

  describe('response directives that force validation', () => {
    it('§5.2.2.4 a no-cache response is revalidated on every use', async () => {
      const { p } = versioned('no-cache', () => ({ 'cache-control': 'no-cache, max-age=600' }));
      const api = cachedClient(ctx.server);
      const states = [];
      for (let i = 0; i < 3; i++) states.push((await api.get(p)).cache?.state);
      expect(states).to.deep.equal(['miss', 'revalidated', 'revalidated']);
      expect(inm(p)).to.deep.equal([undefined, '"v1"', '"v1"']);
    });

    it('§5.2.2.2 must-revalidate: a fresh entry is a hit; once stale it is revalidated, even under max-stale', async () => {
      let age = '0';
      const { p } = versioned('must-revalidate', () => ({ 'cache-control': 'max-age=600, must-revalidate', age }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');

      const stalePath = versioned('must-revalidate-stale', () => ({ 'cache-control': 'max-age=600, must-revalidate', age })).p;
      age = '3600';
      await api.get(stalePath);
      age = '0';
      const res = await api.get(stalePath, { headers: { 'cache-control': 'max-stale=86400' } });
      expect(res.cache?.state).to.equal('revalidated');
      expect(inm(stalePath)).to.deep.equal([undefined, '"v1"']);
    });
  });

  describe("the request's own directives (§5.2.1, §5.4)", () => {
    it('§5.2.1.1 max-age: an entry older than the client accepts is revalidated', async () => {
      const { p } = versioned('req-max-age', () => ({ 'cache-control': 'max-age=600', age: '100' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p, { headers: { 'cache-control': 'max-age=500' } })).cache?.state).to.equal('hit');
      const res = await api.get(p, { headers: { 'cache-control': 'max-age=50' } });
      expect(res.cache?.state).to.equal('revalidated');
      expect(inm(p)).to.deep.equal([undefined, '"v1"']);
    });

    it('§5.2.1.2 max-stale: a stale entry within the limit is served without the origin', async () => {
      // max-age=10 with Age: 20: stale by about ten seconds when stored.
      const { p } = versioned('req-max-stale', () => ({ 'cache-control': 'max-age=10', age: '20' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      const within = await api.get(p, { headers: { 'cache-control': 'max-stale=600' } });
      const any = await api.get(p, { headers: { 'cache-control': 'max-stale' } });
      expect([within.cache?.state, any.cache?.state]).to.deep.equal(['stale', 'stale']);
      expect(within.data).to.equal('body 1');
      expect(ctx.server.count(p)).to.equal(1);
      const beyond = await api.get(p, { headers: { 'cache-control': 'max-stale=2' } });
      expect(beyond.cache?.state).to.equal('revalidated');
      expect(ctx.server.count(p)).to.equal(2);
    });

    it('§5.2.1.3 min-fresh: an entry must stay fresh for at least that long', async () => {
      // max-age=600 with Age: 300: about 300 s of freshness left.
      const { p } = versioned('req-min-fresh', () => ({ 'cache-control': 'max-age=600', age: '300' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p, { headers: { 'cache-control': 'min-fresh=100' } })).cache?.state).to.equal('hit');
      expect((await api.get(p, { headers: { 'cache-control': 'min-fresh=400' } })).cache?.state).to.equal('revalidated');
      expect(inm(p)).to.deep.equal([undefined, '"v1"']);
    });

    it('§5.2.1.4 no-cache: a fresh entry is revalidated first', async () => {
      const { p } = versioned('req-no-cache', () => ({ 'cache-control': 'max-age=600' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await api.get(p, { headers: { 'cache-control': 'no-cache' } });
      expect(res.cache?.state).to.equal('revalidated');
      expect(inm(p)).to.deep.equal([undefined, '"v1"']);
    });

    it('§5.4 Pragma: no-cache acts as no-cache when the request has no Cache-Control', async () => {
      const { p } = versioned('req-pragma', () => ({ 'cache-control': 'max-age=600' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p, { headers: { pragma: 'no-cache' } })).cache?.state).to.equal('revalidated');
      // Cache-Control supersedes Pragma.
      expect((await api.get(p, { headers: { pragma: 'no-cache', 'cache-control': 'max-stale=60' } })).cache?.state).to.equal('hit');
      expect(inm(p)).to.deep.equal([undefined, '"v1"']);
    });

    it('§5.2.1.7 only-if-cached: nothing stored → 504 without touching the origin', async () => {
      const { p } = versioned('req-only-if-cached-miss', () => ({ 'cache-control': 'max-age=600' }));
      const api = cachedClient(ctx.server);
      const error = await api.get(p, { headers: { 'cache-control': 'only-if-cached' } }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AxiosError);
      expect((error as AxiosError).response?.status).to.equal(504);
      expect(ctx.server.count(p)).to.equal(0);
    });

    it('§5.2.1.7 only-if-cached: a fresh entry is served, a stale one is a 504 unless max-stale allows it', async () => {
      const { p } = versioned('req-only-if-cached', () => ({ 'cache-control': 'max-age=600' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p, { headers: { 'cache-control': 'only-if-cached' } })).cache?.state).to.equal('hit');

      const stale = versioned('req-only-if-cached-stale', () => ({ 'cache-control': 'max-age=10', age: '20' })).p;
      await api.get(stale);
      const refused = await api.get(stale, { headers: { 'cache-control': 'only-if-cached' }, ...anyStatus });
      expect(refused.status).to.equal(504);
      const allowed = await api.get(stale, { headers: { 'cache-control': 'only-if-cached, max-stale=600' } });
      expect(allowed.cache?.state).to.equal('stale');
      expect(allowed.data).to.equal('body 1');
      expect([ctx.server.count(p), ctx.server.count(stale)]).to.deep.equal([1, 1]);
    });
  });

  describe("the client's own conditional request (§4.3.2)", () => {
    it("§4.3.2 a client's If-None-Match matching a fresh entry is answered 304 from the cache", async () => {
      const { p } = versioned('client-inm', () => ({ 'cache-control': 'max-age=600' }));
      const api = cachedClient(ctx.server);
      await api.get(p);
      const validateStatus = (s: number) => (s >= 200 && s < 300) || s === 304;
      const res = await api.get(p, { headers: { 'if-none-match': '"v1"' }, validateStatus });
      expect(res.status).to.equal(304);
      expect(res.data).to.equal('');
      expect(res.cached).to.equal(true);
      expect(res.headers['etag']).to.equal('"v1"');
      // With axios' default validateStatus a 304 rejects, as it would from the origin.
      const rejected = await api.get(p, { headers: { 'if-none-match': '"v1"' } }).catch((e: unknown) => e);
      expect((rejected as AxiosError).response?.status).to.equal(304);
      // A tag that does not match gets the full stored response.
      const full = await api.get(p, { headers: { 'if-none-match': '"other"' } });
      expect([full.status, full.data, full.cache?.state]).to.deep.equal([200, 'body 1', 'hit']);
      expect(ctx.server.count(p)).to.equal(1);
    });

    it("§4.3.2 a client's If-Modified-Since not older than Last-Modified is answered 304 from the cache", async () => {
      const lastModified = httpDate(-10 * DAY);
      const p = route('client-ims', (_req, res) => void res.writeHead(200, { 'last-modified': lastModified, 'cache-control': 'max-age=600' }).end('x'));
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await api.get(p, { headers: { 'if-modified-since': httpDate(-DAY) }, ...anyStatus });
      expect(res.status).to.equal(304);
      const older = await api.get(p, { headers: { 'if-modified-since': httpDate(-20 * DAY) } });
      expect(older.status).to.equal(200);
      expect(ctx.server.count(p)).to.equal(1);
    });
  });

  describe('HEAD (§4.3.5)', () => {
    /** GET and HEAD of one resource; HEAD sends the Content-Length a GET would. */
    function resource(name: string) {
      const state = { etag: '"h1"', cacheControl: 'max-age=0', body: 'resource body' };
      const p = route(name, (req, res) => {
        const headers = { etag: state.etag, 'cache-control': state.cacheControl, 'content-length': String(Buffer.byteLength(state.body)) };
        if (req.method === 'GET' && req.headers['if-none-match'] === state.etag) return void res.writeHead(304, headers).end();
        res.writeHead(200, headers).end(req.method === 'HEAD' ? undefined : state.body);
      });
      const gets = () => seen(ctx.server, p).filter((r) => r.method === 'GET').length;
      return { p, state, gets };
    }

    it('§4.3.5 a HEAD response with the same validator freshens the stored GET', async () => {
      const { p, state, gets } = resource('head-freshen');
      const api = cachedClient(ctx.server);
      await api.get(p); // stored stale (max-age=0, ETag)
      state.cacheControl = 'max-age=600';
      await api.head(p);
      const res = await api.get(p);
      expect(res.cache?.state).to.equal('hit');
      expect(res.data).to.equal('resource body');
      expect(gets()).to.equal(1);
    });

    it('§4.3.5 a HEAD response with another validator makes the stored GET stale', async () => {
      const { p, state, gets } = resource('head-invalidate');
      state.cacheControl = 'max-age=600';
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
      state.etag = '"h2"';
      state.body = 'new body';
      await api.head(p);
      const res = await api.get(p);
      expect(res.cached).to.equal(false);
      expect(res.data).to.equal('new body');
      expect(gets()).to.equal(2);
    });

    it('§4.3.5 a HEAD response with another Content-Length makes the stored GET stale', async () => {
      const { p, state, gets } = resource('head-length');
      state.cacheControl = 'max-age=600';
      const api = cachedClient(ctx.server);
      await api.get(p);
      state.body = 'a longer body, same tag';
      await api.head(p);
      expect((await api.get(p)).cache?.state).to.equal('revalidated');
      expect(gets()).to.equal(2);
    });
  });
});
