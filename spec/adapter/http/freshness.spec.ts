/**
 * Freshness end to end (RFC 9111 §4.2, §5.1, §5.2.2, §5.3): what makes a stored response fresh,
 * for how long, and which source of a lifetime wins, against a real origin.
 *
 * Date has a one-second resolution, so a response's apparent age (§4.2.3) is anywhere in [0, 1) s:
 * lifetimes are asserted with a margin of two seconds, and expiry is reached by an origin Age
 * close to max-age rather than by long sleeps.
 */
import { AxiosError } from 'axios';
import { expect } from 'chai';
import { EXPIRE_IMMEDIATELY } from '../../../lib/index.js';
import axios from 'axios';
import { cachedWithClock, TestClock } from '../../helpers/clock.js';
import { countingJson, useServer } from '../../helpers/server.js';
import { anyStatus, cachedClient, DAY, httpDate, MINUTE, seen, settled, uniquePath } from './helpers.js';

describe('HTTP freshness (RFC 9111 §4.2)', () => {
  const ctx = useServer();

  /** A route answering `{ n }` with these headers; returns its path. */
  function json(name: string, headers: Record<string, string> = {}): string {
    const p = uniquePath(name);
    ctx.server.route(p, countingJson(headers));
    return p;
  }

  /** Asserts that the lifetime a response was stored with is `ms`, within Date's resolution. */
  function expectLifetime(res: { cache?: { createdAt: number | undefined; expiresAt: number | undefined } }, ms: number): void {
    expect(res.cache?.createdAt, 'stored').to.be.a('number');
    expect(res.cache!.expiresAt! - res.cache!.createdAt!).to.be.within(ms - 2000, ms + 100);
  }

  describe('explicit freshness', () => {
    it('§5.2.2.1 max-age makes the response fresh: the next request is a hit', async () => {
      const p = json('max-age', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server);
      const miss = await api.get(p);
      const hit = await api.get(p);
      expect(miss.cache?.state).to.equal('miss');
      expect(hit.cache?.state).to.equal('hit');
      expect(hit.data).to.deep.equal({ n: 1 });
      expectLifetime(hit, 60_000);
      expect(ctx.server.count(p)).to.equal(1);
    });

    it('§4.2 a response is no longer served once its max-age has run out', async () => {
      // max-age=60 and Age: 57 leave at most three seconds of freshness.
      const p = json('runs-out', { 'cache-control': 'max-age=60', age: '57' });
      const clock = new TestClock();
      const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
      clock.advance(3100);
      const after = await api.get(p);
      expect(after.cache?.state).to.equal('miss');
      expect(after.data).to.deep.equal({ n: 2 });
    });

    it('§4.2.3 the origin Age counts against freshness: Age ≥ max-age is never reused', async () => {
      const p = json('aged-out', { 'cache-control': 'max-age=60', age: '60' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(second.data).to.deep.equal({ n: 2 });
    });

    it('§4.2.3 the origin Age shortens the stored lifetime', async () => {
      const p = json('aged', { 'cache-control': 'max-age=600', age: '300' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, 300_000);
    });

    it('§5.2.2.10 s-maxage gives no freshness to a private cache', async () => {
      const p = json('s-maxage-private', { 'cache-control': 's-maxage=60' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });

    it('§5.2.2.10 s-maxage overrides max-age in a shared cache only', async () => {
      const p = json('s-maxage-shared', { 'cache-control': 'max-age=0, s-maxage=60' });
      const shared = cachedClient(ctx.server, { shared: true });
      await shared.get(p);
      const hit = await shared.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, 60_000);
      const priv = cachedClient(ctx.server);
      await priv.get(p);
      expect((await priv.get(p)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(3);
    });

    it('§5.3 Expires minus Date is the lifetime', async () => {
      const p = uniquePath('expires');
      let n = 0;
      ctx.server.route(p, (_req, res) => {
        const now = Date.now();
        res.writeHead(200, { date: new Date(now).toUTCString(), expires: new Date(now + 90_000).toUTCString() }).end(String(++n));
      });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, 90_000);
    });

    it("§4.2.1 Expires is measured against the origin's Date, not the local clock", async () => {
      // The origin's clock is an hour ahead: Expires lies in our future but before the origin's Date.
      const p = json('expires-skew', { date: httpDate(60 * MINUTE), expires: httpDate(30 * MINUTE) });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(second.data).to.deep.equal({ n: 2 });
    });

    it('§5.3 max-age takes precedence over Expires', async () => {
      const p = json('max-age-over-expires', { 'cache-control': 'max-age=60', expires: httpDate(-DAY) });
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
    });

    for (const expires of ['0', '-1', 'tomorrow', 'Thu, 01 Jan 1970 00:00:00 GMT']) {
      it(`§5.3 an invalid or past Expires (${JSON.stringify(expires)}) is already expired, even with a ttl`, async () => {
        const p = json('expires-invalid', { expires });
        const api = cachedClient(ctx.server, { ttl: '1m' });
        await api.get(p);
        const second = await api.get(p);
        expect(second.cached).to.equal(false);
        expect(ctx.server.count(p)).to.equal(2);
      });
    }

    for (const status of [404, 410, 500]) {
      it(`§3 a ${status} with max-age is stored and reused`, async () => {
        const p = uniquePath(`status-${status}`);
        let n = 0;
        ctx.server.route(p, (_req, res) => void res.writeHead(status, { 'cache-control': 'max-age=60' }).end(`answer ${++n}`));
        const api = cachedClient(ctx.server);
        const first = await api.get(p).catch((e: AxiosError) => e);
        const second = await api.get(p).catch((e: AxiosError) => e);
        // validateStatus applies to the hit as it did to the network answer.
        expect(first).to.be.instanceOf(AxiosError);
        expect(second).to.be.instanceOf(AxiosError);
        const res = (second as AxiosError).response!;
        expect(res.status).to.equal(status);
        expect(res.cache?.state).to.equal('hit');
        expect(res.data).to.equal('answer 1');
        const accepted = await api.get(p, anyStatus);
        expect(accepted.status).to.equal(status);
        expect(accepted.cached).to.equal(true);
        expect(ctx.server.count(p)).to.equal(1);
      });
    }

    for (const status of [201, 404, 500]) {
      it(`§3 a ${status} without explicit freshness or validator is not stored, even with a ttl`, async () => {
        const p = uniquePath(`status-plain-${status}`);
        ctx.server.route(p, (_req, res) => void res.writeHead(status).end('plain'));
        const api = cachedClient(ctx.server, { ttl: '1m' });
        await settled(api.get(p));
        const second = await settled(api.get(p));
        expect(second.status).to.equal(status);
        expect(second.cached).to.equal(false);
        expect(ctx.server.count(p)).to.equal(2);
      });
    }
  });

  describe('heuristic freshness (§4.2.2)', () => {
    it('§4.2.2 Last-Modified without explicit freshness gives 10% of its age by default', async () => {
      const p = json('heuristic', { 'last-modified': httpDate(-10 * DAY) });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, DAY);
      expect(ctx.server.count(p)).to.equal(1);
    });

    it('§4.2.2 the `heuristic` option sets the fraction', async () => {
      const p = json('heuristic-half', { 'last-modified': httpDate(-10 * DAY) });
      const api = cachedClient(ctx.server, { heuristic: 0.5 });
      await api.get(p);
      expectLifetime(await api.get(p), 5 * DAY);
    });

    it('§4.2.2 heuristic: 0 disables it: the entry is only revalidated', async () => {
      const lastModified = httpDate(-10 * DAY);
      const p = json('heuristic-off', { 'last-modified': lastModified });
      const api = cachedClient(ctx.server, { heuristic: 0 });
      await api.get(p);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(seen(ctx.server, p).map((r) => r.headers['if-modified-since'])).to.deep.equal([undefined, lastModified]);
    });

    it('§4.2.2 a 404 is heuristically cacheable', async () => {
      const p = uniquePath('heuristic-404');
      ctx.server.route(p, (_req, res) => void res.writeHead(404, { 'last-modified': httpDate(-10 * DAY) }).end('missing'));
      const api = cachedClient(ctx.server);
      await settled(api.get(p));
      const second = await settled(api.get(p));
      expect(second.status).to.equal(404);
      expect(second.cache?.state).to.equal('hit');
    });

    it('§4.2.2 a status that is not heuristically cacheable (201) gets no heuristic lifetime', async () => {
      const p = uniquePath('heuristic-201');
      ctx.server.route(p, (_req, res) => void res.writeHead(201, { 'last-modified': httpDate(-10 * DAY) }).end('created'));
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });
  });

  describe('Age and Date on cached responses (§5.1, RFC 9110 §6.6.1)', () => {
    it('§5.1 every cached response carries an Age that grows with time', async () => {
      const p = json('age-grows', { 'cache-control': 'max-age=600', age: '10' });
      const clock = new TestClock();
      const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
      const miss = await api.get(p);
      expect(miss.headers['age']).to.equal('10'); // the origin's, untouched on a miss
      const first = Number((await api.get(p)).headers['age']);
      clock.advance(1100);
      const second = Number((await api.get(p)).headers['age']);
      expect(first).to.be.at.least(10);
      expect(second).to.be.at.least(first + 1);
    });

    it('§5.1 a hit carries an Age even when the origin sent none', async () => {
      const p = json('age-none', { 'cache-control': 'max-age=600' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.headers['age']).to.match(/^\d+$/);
      expect(Number(hit.headers['age'])).to.be.at.most(2);
    });

    it("§4.2.3 Date is the origin's: kept verbatim, and an old Date shows in Age", async () => {
      const date = httpDate(-5000);
      const p = json('date-kept', { 'cache-control': 'max-age=600', date });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.headers['date']).to.equal(date);
      expect(Number(hit.headers['age'])).to.be.at.least(4);
      const entry = await api.cache.getEntry(hit.cache!.key);
      expect(entry?.headers['date']).to.equal(date);
    });

    it('RFC 9110 §6.6.1 a response without Date is stored with its time of receipt', async () => {
      const p = uniquePath('no-date');
      ctx.server.route(p, (_req, res) => {
        res.sendDate = false;
        res.writeHead(200, { 'cache-control': 'max-age=600' }).end('x');
      });
      const api = cachedClient(ctx.server);
      const before = Date.now();
      const miss = await api.get(p);
      const after = Date.now();
      expect(miss.headers['date']).to.equal(undefined);
      const hit = await api.get(p);
      const date = Date.parse(String(hit.headers['date']));
      expect(date).to.be.within(before - 1000, after + 1000);
    });
  });

  describe('where a lifetime comes from: response headers > request ttl > urlTtl > ttl > heuristic', () => {
    it('§4.2.1 response max-age=0 beats every ttl option', async () => {
      const p = json('prec-headers-zero', { 'cache-control': 'max-age=0' });
      const api = cachedClient(ctx.server, { ttl: '1m', urlTtl: { '127.0.0.1:*/prec-*': '1m' } });
      await api.get(p, { cache: { ttl: '1m' } });
      const second = await api.get(p, { cache: { ttl: '1m' } });
      expect(second.cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });

    it('§4.2.1 response max-age beats a ttl of EXPIRE_IMMEDIATELY', async () => {
      const p = json('prec-headers-60', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server, { ttl: EXPIRE_IMMEDIATELY });
      await api.get(p, { cache: { ttl: EXPIRE_IMMEDIATELY } });
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, 60_000);
    });

    it('§4.2.1 response Expires beats ttl', async () => {
      const p = json('prec-expires', { expires: httpDate(2 * MINUTE) });
      const api = cachedClient(ctx.server, { ttl: '10m' });
      await api.get(p);
      expectLifetime(await api.get(p), 2 * MINUTE);
    });

    it('§4.2.1 without explicit freshness: request ttl > urlTtl > instance ttl', async () => {
      const api = cachedClient(ctx.server, { ttl: '10s', urlTtl: { '127.0.0.1:*/prec-url-*': '1m' } });
      const byRequest = json('prec-url-request');
      const byUrl = json('prec-url-rule');
      const byInstance = json('prec-instance');
      await api.get(byRequest, { cache: { ttl: '2m' } });
      await api.get(byUrl);
      await api.get(byInstance);
      const [a, b, c] = await Promise.all([api.get(byRequest), api.get(byUrl), api.get(byInstance)]);
      expect([a, b, c].map((r) => r.cache?.state)).to.deep.equal(['hit', 'hit', 'hit']);
      expectLifetime(a, 2 * MINUTE);
      expectLifetime(b, MINUTE);
      expectLifetime(c, 10_000);
    });

    it('§4.2.2 a ttl beats heuristic freshness', async () => {
      const p = json('prec-ttl-heuristic', { 'last-modified': httpDate(-10 * DAY) });
      const api = cachedClient(ctx.server, { ttl: '1m' });
      await api.get(p);
      expectLifetime(await api.get(p), MINUTE);
      const zero = json('prec-zero-heuristic', { 'last-modified': httpDate(-10 * DAY) });
      const expired = cachedClient(ctx.server, { ttl: EXPIRE_IMMEDIATELY });
      await expired.get(zero);
      expect((await expired.get(zero)).cached).to.equal(false);
      expect(ctx.server.count(zero)).to.equal(2);
    });

    it('§4.2.3 a ttl is the client’s own lifetime: the origin Age does not shorten it', async () => {
      const p = json('prec-ttl-unaged', { age: '3600' });
      const api = cachedClient(ctx.server, { ttl: '1m' });
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, MINUTE);
    });
  });

  describe('cacheControl: false (headers ignored, only ttl decides)', () => {
    it('§5.2.2.5 §5.2.2.7 §5.3 ignored: a no-store, max-age=0, private, expired response is stored for its ttl', async () => {
      const p = json('cc-off-store', { 'cache-control': 'no-store, max-age=0, private', expires: '0' });
      const api = cachedClient(ctx.server, { cacheControl: false, shared: true, ttl: '1m' });
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, MINUTE);
      expect(ctx.server.count(p)).to.equal(1);
    });

    it('§5.2.2.1 ignored: max-age gives no freshness without a ttl', async () => {
      const p = json('cc-off-no-ttl', { 'cache-control': 'max-age=600' });
      const api = cachedClient(ctx.server, { cacheControl: false });
      await api.get(p);
      expect((await api.get(p)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });

    it('§5.2.1 §5.4 ignored: the request’s own Cache-Control and Pragma change nothing', async () => {
      const p = json('cc-off-request');
      const api = cachedClient(ctx.server, { cacheControl: false, ttl: '1m' });
      await api.get(p);
      const a = await api.get(p, { headers: { 'cache-control': 'no-cache, max-age=0' } });
      const b = await api.get(p, { headers: { pragma: 'no-cache' } });
      expect([a.cache?.state, b.cache?.state]).to.deep.equal(['hit', 'hit']);
      expect(ctx.server.count(p)).to.equal(1);
    });

    it('§4.2.3 ignored: Age does not shorten the ttl', async () => {
      const p = json('cc-off-age', { age: '7200', 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server, { cacheControl: false, ttl: '1m' });
      await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expectLifetime(hit, MINUTE);
    });
  });
});
