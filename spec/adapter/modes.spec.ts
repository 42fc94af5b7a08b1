import axios, { AxiosError } from 'axios';
import { expect } from 'chai';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { DO_NOT_CACHE, EXPIRE_IMMEDIATELY, NEVER_EXPIRE, setupCache } from '../../lib/index.js';
import { countingJson, useServer } from '../helpers/server.js';

describe('adapter: per-request modes and cache: false', () => {
  const ctx = useServer();
  let seq = 0;
  const route = () => {
    const p = `/mode-${++seq}`;
    ctx.server.route(p, countingJson());
    return p;
  };
  const cached = () => setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });

  it('cache: false bypasses lookup and store', async () => {
    const p = route();
    const api = cached();
    await api.get(p);
    const bypass = await api.get(p, { cache: false });
    expect(bypass.cached).to.equal(false);
    expect(bypass.data).to.deep.equal({ n: 2 });
    const after = await api.get(p);
    expect(after.data).to.deep.equal({ n: 1 });
    expect(after.cached).to.equal(true);
  });

  it("mode 'no-store' neither reads nor writes the cache", async () => {
    const p = route();
    const api = cached();
    await api.get(p, { cache: { mode: 'no-store' } });
    const next = await api.get(p);
    expect(next.cached).to.equal(false);
    await api.get(p);
    const noStore = await api.get(p, { cache: { mode: 'no-store' } });
    expect(noStore.cached).to.equal(false);
    expect(ctx.server.count(p)).to.equal(3);
  });

  it("mode 'reload' skips the lookup but stores the result", async () => {
    const p = route();
    const api = cached();
    await api.get(p);
    const reloaded = await api.get(p, { cache: { mode: 'reload' } });
    expect(reloaded.cached).to.equal(false);
    expect(reloaded.data).to.deep.equal({ n: 2 });
    const after = await api.get(p);
    expect(after.data).to.deep.equal({ n: 2 });
    expect(after.cached).to.equal(true);
  });

  it("mode 'no-cache' always goes to the origin when the entry has no validator", async () => {
    const p = route();
    const api = cached();
    await api.get(p);
    const res = await api.get(p, { cache: { mode: 'no-cache' } });
    expect(res.cached).to.equal(false);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it("mode 'no-cache' revalidates an entry with a validator and serves it on 304", async () => {
    const p = `/etag-${++seq}`;
    ctx.server.route(p, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"' }).end('{"v":1}');
    });
    const api = cached();
    await api.get(p);
    const res = await api.get(p, { cache: { mode: 'no-cache' } });
    expect(res.cache?.state).to.equal('revalidated');
    expect(res.status).to.equal(200);
    expect(res.data).to.deep.equal({ v: 1 });
    expect(ctx.server.requests.filter((r) => r.path === p).map((r) => r.headers['if-none-match'])).to.deep.equal([undefined, '"v1"']);
  });

  it("mode 'force-cache' uses an expired entry", async () => {
    const p = route();
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: EXPIRE_IMMEDIATELY });
    await api.get(p);
    const res = await api.get(p, { cache: { mode: 'force-cache' } });
    expect(res.cached).to.equal(true);
    expect(res.cache?.state).to.equal('stale');
    expect(ctx.server.count(p)).to.equal(1);
  });

  it("mode 'force-cache' goes to the network on a miss and stores", async () => {
    const p = route();
    const api = cached();
    const first = await api.get(p, { cache: { mode: 'force-cache' } });
    const second = await api.get(p);
    expect(first.cached).to.equal(false);
    expect(second.cached).to.equal(true);
  });

  it("mode 'only-if-cached' answers a miss with 504 without touching the network", async () => {
    const p = route();
    const api = cached();
    const error = await api.get(p, { cache: { mode: 'only-if-cached' } }).catch((e: AxiosError) => e);
    expect(error).to.be.instanceOf(AxiosError);
    expect((error as AxiosError).response?.status).to.equal(504);
    expect(ctx.server.count(p)).to.equal(0);
    const accepted = await api.get(p, { cache: { mode: 'only-if-cached' }, validateStatus: () => true });
    expect(accepted.status).to.equal(504);
    expect(accepted.cached).to.equal(false);
  });

  it("mode 'only-if-cached' serves a stored entry, even a stale one", async () => {
    const p = route();
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: EXPIRE_IMMEDIATELY });
    await api.get(p);
    const res = await api.get(p, { cache: { mode: 'only-if-cached' } });
    expect(res.data).to.deep.equal({ n: 1 });
    expect(res.cached).to.equal(true);
  });

  it('rejects an unknown per-request mode with a message naming it', async () => {
    const api = cached();
    const error = await api.get(route(), { cache: { mode: 'sometimes' as never } }).catch((e: Error) => e);
    expect((error as Error).message).to.match(/cache\.mode.*'default', 'no-store'/);
  });
});

describe('adapter: expiration precedence', () => {
  const ctx = useServer();
  let seq = 0;
  const route = (host = '') => {
    const p = `/ttl-${++seq}`;
    ctx.server.route(p, countingJson());
    return host + p;
  };

  it('per-request ttl beats urlTtl, which beats the instance ttl', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      ttl: '1m',
      urlTtl: { '127.0.0.1:*/ttl-*': '10m' },
    });
    const p = route();
    const byUrl = await api.get(p);
    expect(byUrl.cache!.expiresAt! - byUrl.cache!.createdAt!).to.be.closeTo(600_000, 100);
    const q = route();
    const byRequest = await api.get(q, { cache: { ttl: '5s' } });
    expect(byRequest.cache!.expiresAt! - byRequest.cache!.createdAt!).to.be.closeTo(5_000, 100);
    const other = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', urlTtl: { 'example.com/*': '10m' } });
    const byInstance = await other.get(route());
    expect(byInstance.cache!.expiresAt! - byInstance.cache!.createdAt!).to.be.closeTo(60_000, 100);
  });

  it('the first matching urlTtl pattern wins', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      urlTtl: { '127.0.0.1:*/ttl-*': '2m', '127.0.0.1*': '3m' },
    });
    const res = await api.get(route());
    expect(res.cache!.expiresAt! - res.cache!.createdAt!).to.be.closeTo(120_000, 100);
  });

  it('response freshness headers win over every ttl option', async () => {
    const p = `/ttl-header-${++seq}`;
    ctx.server.route(p, countingJson({ 'cache-control': 'max-age=30' }));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1h' });
    const res = await api.get(p, { cache: { ttl: '2h' } });
    expect(res.cache!.expiresAt! - res.cache!.createdAt!).to.be.closeTo(30_000, 1500);
  });

  it('DO_NOT_CACHE skips storing', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', urlTtl: { '*/ttl-*': DO_NOT_CACHE } });
    const p = route();
    await api.get(p);
    const again = await api.get(p);
    expect(again.cached).to.equal(false);
    expect(api.cache.stats().stores).to.equal(0);
  });

  it('EXPIRE_IMMEDIATELY stores the entry but treats it as stale at once', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: EXPIRE_IMMEDIATELY });
    const p = route();
    const first = await api.get(p);
    expect(await api.cache.getEntry(first.cache!.key)).to.include({ status: 200 });
    const again = await api.get(p);
    expect(again.cached).to.equal(false);
    expect(again.data).to.deep.equal({ n: 2 });
  });

  it('NEVER_EXPIRE never expires', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: NEVER_EXPIRE });
    const p = route();
    const first = await api.get(p);
    expect(first.cache?.expiresAt).to.equal(Infinity);
    const again = await api.get(p);
    expect(again.cached).to.equal(true);
  });

  it('a ttl expires: after it the origin is asked again', async () => {
    const clock = new TestClock();
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
    const p = route();
    await api.get(p, { cache: { ttl: 50 } });
    clock.advance(120);
    const again = await api.get(p, { cache: { ttl: 50 } });
    expect(again.cached).to.equal(false);
    expect(again.data).to.deep.equal({ n: 2 });
  });
});
