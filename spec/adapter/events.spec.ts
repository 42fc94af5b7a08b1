import axios from 'axios';
import { expect } from 'chai';
import diagnostics from 'node:diagnostics_channel';
import { type CacheEvent, memoryStorage, setupCache } from '../../lib/index.js';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { useServer } from '../helpers/server.js';

describe('events: api.cache.on(), diagnostics_channel and stats', () => {
  const ctx = useServer();
  let seq = 0;
  const path = (name: string) => `/${name}-${++seq}`;

  /** An origin answering `body` with ETag "v1", fresh for 60 s by the clock, 304 to a matching If-None-Match. */
  function origin(clock: TestClock, body = 'hello'): string {
    const p = path('events');
    ctx.server.route(p, (req, res) => {
      const headers = { etag: '"v1"', 'cache-control': 'max-age=60', date: clock.httpDate(), 'content-type': 'text/plain' };
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, headers).end();
      res.writeHead(200, headers).end(body);
    });
    return p;
  }

  it('on() receives miss, store, hit, revalidated, invalidate with key, url, method, status, bytes and duration', async () => {
    const clock = new TestClock();
    const p = origin(clock);
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
    const seen: CacheEvent[] = [];
    for (const name of ['hit', 'miss', 'stale', 'revalidated', 'store', 'evict', 'invalidate', 'error'] as const) api.cache.on(name, (e) => seen.push(e));
    const miss = await api.get(p);
    const hitAt = clock.now();
    await api.get(p);
    clock.advance(61_000);
    await api.get(p);
    await api.post(p);
    const url = `${ctx.server.url}${p}`;
    expect(seen.map((e) => e.type)).to.deep.equal(['store', 'miss', 'hit', 'store', 'revalidated', 'invalidate', 'invalidate']);
    const [store, missEvent, hit, , revalidated, invalidate] = seen;
    expect(missEvent).to.include({ key: miss.cache!.key, url, method: 'GET', status: 200, bytes: 5, coalesced: false });
    expect(missEvent!.duration).to.be.a('number').and.at.least(0);
    expect(store).to.include({ key: miss.cache!.key, url, method: 'GET', status: 200, bytes: 5 });
    expect(hit).to.include({ key: miss.cache!.key, url, method: 'GET', status: 200, bytes: 5 });
    // Date has one-second resolution, so the entry's freshness ends within the clock's second.
    const left = Math.round((miss.cache!.expiresAt! - hitAt) / 1000);
    expect(hit!.reason).to.equal(`fresh for ${left} s more`);
    expect(hit!.message).to.equal(`hit GET ${url} (200; fresh for ${left} s more; ${Math.round(hit!.duration! * 10) / 10} ms)`);
    expect(revalidated).to.include({ status: 200, bytes: 5 });
    expect(revalidated!.reason).to.match(/revalidated/);
    expect(invalidate).to.include({ url, method: 'GET' });
  });

  it('off() removes a listener, and a listener that throws fails no request', async () => {
    const clock = new TestClock();
    const p = origin(clock);
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
    let calls = 0;
    const listener = () => calls++;
    api.cache.on('hit', listener);
    api.cache.on('miss', () => {
      throw new Error('listener bug');
    });
    await api.get(p);
    await api.get(p);
    api.cache.off('hit', listener);
    await api.get(p);
    expect(calls).to.equal(1);
  });

  it('the same events are published on diagnostics_channel as axios-stash:<event>', async () => {
    const clock = new TestClock();
    const p = origin(clock);
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
    const published: Array<[string, CacheEvent]> = [];
    const subscribers = ['hit', 'miss', 'store'].map((name) => {
      const onMessage = (message: unknown) => published.push([name, message as CacheEvent]);
      diagnostics.subscribe(`axios-stash:${name}`, onMessage);
      return () => diagnostics.unsubscribe(`axios-stash:${name}`, onMessage);
    });
    try {
      await api.get(p);
      await api.get(p);
    } finally {
      for (const unsubscribe of subscribers) unsubscribe();
    }
    expect(published.map(([name, e]) => `${name}:${e.type}:${e.status}`)).to.deep.equal(['store:store:200', 'miss:miss:200', 'hit:hit:200']);
    expect(published[2]![1]).to.include({ url: `${ctx.server.url}${p}`, method: 'GET', bytes: 5 });
  });

  it('stats() counts hits, stale hits, revalidations, misses, coalesced, stores, evictions, bytes served and the hit ratio; resetStats() zeroes them', async () => {
    const clock = new TestClock();
    const p = origin(clock, 'x'.repeat(100));
    const slow = path('slow');
    ctx.server.route(slow, (_req, res) => void setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=60', date: clock.httpDate() }).end('slow'), 30));
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { storage: memoryStorage({ maxEntries: 1 }), staleIfError: true });
    await api.get(p); // miss, store
    await api.get(p); // hit: 100 bytes
    clock.advance(61_000);
    await api.get(p); // revalidated: 100 bytes
    await Promise.all([api.get(slow), api.get(slow), api.get(slow)]); // 3 misses, 2 coalesced; evicts p
    expect(api.cache.stats()).to.deep.equal({
      hits: 2,
      staleHits: 0,
      revalidations: 1,
      misses: 4,
      coalesced: 2,
      stores: 3,
      evictions: 1,
      errors: 0,
      bytesServed: 200,
      hitRatio: 2 / 6,
    });
    api.cache.resetStats();
    expect(api.cache.stats()).to.deep.equal({ hits: 0, staleHits: 0, revalidations: 0, misses: 0, coalesced: 0, stores: 0, evictions: 0, errors: 0, bytesServed: 0, hitRatio: 0 });
  });

  it('a stale hit is counted and reported with its reason', async () => {
    const clock = new TestClock();
    const p = origin(clock);
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock);
    const stale: CacheEvent[] = [];
    api.cache.on('stale', (e) => stale.push(e));
    await api.get(p);
    clock.advance(61_000);
    await api.get(p, { cache: { mode: 'force-cache' } });
    expect(stale).to.have.length(1);
    expect(stale[0]!.reason).to.match(/^stale/);
    expect(api.cache.stats()).to.include({ hits: 1, staleHits: 1 });
  });

  it('the debug option still receives every event, with "not stored" reasons', async () => {
    const p = path('no-store');
    ctx.server.route(p, (_req, res) => void res.writeHead(200, { 'cache-control': 'no-store' }).end('secret'));
    const events: CacheEvent[] = [];
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { debug: (e) => events.push(e) });
    await api.get(p);
    expect(events.map((e) => e.type)).to.deep.equal(['skip', 'miss']);
    expect(events[0]!.reason).to.equal('not stored: no-store');
  });
});
