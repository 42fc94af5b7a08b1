/**
 * The CacheManager scenarios (`api.cache`: get, has, getEntry, entries, delete by key, URL,
 * array, pattern, tag and filter, tags), run by scenarioSuite on every backend.
 */
import { expect } from 'chai';
import type { CacheEntryInfo, CacheOptions, CacheStore, CachedAxiosInstance } from '../../lib/index.js';
import { TestClock } from '../helpers/clock.js';
import type { Handler, TestServer } from '../helpers/server.js';

type Api = CachedAxiosInstance;

export interface ManagerHarness {
  backend: string;
  server(): TestServer;
  route(name: string, handler: Handler): string;
  counting(name: string, clock: TestClock, headers?: Record<string, string>): string;
  cache(clock: TestClock, options?: CacheOptions, store?: CacheStore): Promise<Api>;
  secondCache(clock: TestClock, store: CacheStore, options?: CacheOptions): Promise<Api>;
  factory(): CacheStore | Promise<CacheStore>;
}

const SECOND = 1000;
const DAY = 86_400_000;

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export function managerScenarios(h: ManagerHarness): void {
  const fresh = { 'cache-control': 'max-age=60' };

  async function paths(api: Api, entries: AsyncIterable<CacheEntryInfo>): Promise<string[]> {
    const base = h.server().url;
    return (await all(entries)).map((e) => e.url.slice(base.length)).sort();
  }

  describe('manager (api.cache)', () => {
    it('get(url) answers the stored response as an axios response without the network; has() agrees', async () => {
      const clock = new TestClock();
      const p = h.counting('mgr-get', clock, fresh);
      const api = await h.cache(clock);
      const miss = await api.get(p);
      const byUrl = await api.cache.get(`${h.server().url}${p}`);
      expect(byUrl?.data).to.deep.equal({ n: 1 });
      expect(byUrl?.status).to.equal(200);
      expect(byUrl?.cached).to.equal(true);
      expect(byUrl?.cache).to.include({ key: miss.cache!.key, state: 'hit' });
      const relative = await api.cache.get(p);
      expect(relative?.data).to.deep.equal({ n: 1 });
      const byKey = await api.cache.get(miss.cache!.key);
      expect(byKey?.data).to.deep.equal({ n: 1 });
      expect(await api.cache.has(p)).to.equal(true);
      expect(await api.cache.has(`${h.server().url}/never-stored`)).to.equal(false);
      expect(await api.cache.get(`${h.server().url}/never-stored`)).to.equal(undefined);
      expect(await api.cache.get(p, { method: 'HEAD' })).to.equal(undefined);
      clock.advance(61 * SECOND);
      expect((await api.cache.get(p))?.cache?.state).to.equal('stale');
      expect(h.server().count(p)).to.equal(1);
      expect(api.cache.stats()).to.include({ hits: 0, misses: 1 });
    });

    it('getEntry(key) is the raw stored entry, with its tags', async () => {
      const clock = new TestClock();
      const p = h.counting('mgr-entry', clock, fresh);
      const api = await h.cache(clock);
      const res = await api.get(p, { cache: { tags: ['user:42', 'users'] } });
      const entry = await api.cache.getEntry(res.cache!.key);
      expect(entry?.url).to.equal(`${h.server().url}${p}`);
      expect(entry?.tags).to.deep.equal(['user:42', 'users']);
      expect(new TextDecoder().decode(entry?.body)).to.equal('{"n":1}');
    });

    it('entries() lists key, method, URL, status, bytes, times, staleness and tags of every entry', async () => {
      const clock = new TestClock();
      const a = h.counting('mgr-list-a', clock, fresh);
      const b = h.route('mgr-list-b', (_req, res) => void res.writeHead(404, { 'cache-control': 'max-age=600', date: clock.httpDate() }).end('gone'));
      const api = await h.cache(clock);
      const ra = await api.get(a, { cache: { tags: ['users'] } });
      await api.get(b, { validateStatus: () => true });
      clock.advance(61 * SECOND);
      const listed = await all(api.cache.entries());
      expect(listed).to.have.length(2);
      const first = listed.find((e) => e.key === ra.cache!.key)!;
      expect(first).to.deep.include({ method: 'GET', url: `${h.server().url}${a}`, status: 200, bytes: 7, stale: true, tags: ['users'] });
      expect(first.createdAt).to.equal(ra.cache!.createdAt);
      expect(first.expiresAt).to.equal(ra.cache!.expiresAt);
      const second = listed.find((e) => e.key !== ra.cache!.key)!;
      expect(second).to.deep.include({ status: 404, bytes: 4, stale: false, tags: [] });
    });

    it('entries(filter) selects by expired, olderThan, status, tag, pattern, method and predicate', async () => {
      const clock = new TestClock();
      const old = h.counting('mgr-filter-old', clock, fresh);
      const api = await h.cache(clock);
      await api.get(old, { cache: { tags: ['old'] } });
      clock.advance(8 * DAY);
      const young = h.counting('mgr-filter-young', clock, { 'cache-control': 'max-age=600' });
      const missing = h.route('mgr-filter-404', (_req, res) => void res.writeHead(404, { 'cache-control': 'max-age=600', date: clock.httpDate() }).end());
      await api.get(young, { cache: { tags: ['young', 'users'] } });
      await api.head(young);
      await api.get(missing, { validateStatus: () => true });
      expect(await paths(api, api.cache.entries({ expired: true }))).to.deep.equal([old]);
      expect(await paths(api, api.cache.entries({ expired: false }))).to.deep.equal([missing, young, young].sort());
      expect(await paths(api, api.cache.entries({ olderThan: '7d' }))).to.deep.equal([old]);
      expect(await paths(api, api.cache.entries({ status: [404] }))).to.deep.equal([missing]);
      expect(await paths(api, api.cache.entries({ tag: 'users' }))).to.deep.equal([young]);
      expect(await paths(api, api.cache.entries({ pattern: `${new URL(h.server().url).host}/mgr-filter-young*` }))).to.deep.equal([young, young]);
      expect(await paths(api, api.cache.entries({ method: 'head' }))).to.deep.equal([young]);
      expect(await paths(api, api.cache.entries({ predicate: (e) => e.bytes === 0 && e.status === 404 }))).to.deep.equal([missing]);
      expect(await paths(api, api.cache.entries({ tag: 'users', status: 404 }))).to.deep.equal([]);
    });

    it('delete(key) resolves 1, and 0 for a key or URL that holds nothing', async () => {
      const clock = new TestClock();
      const p = h.counting('mgr-del-key', clock, fresh);
      const api = await h.cache(clock);
      const res = await api.get(p);
      expect(await api.cache.delete('0'.repeat(64))).to.equal(0);
      expect(await api.cache.delete(`${h.server().url}/mgr-never`)).to.equal(0);
      expect(await api.cache.delete(res.cache!.key)).to.equal(1);
      expect(await api.cache.delete(res.cache!.key)).to.equal(0);
      expect((await api.get(p)).cache?.state).to.equal('miss');
    });

    it('delete(url) removes every variant: methods, Vary variants and other credentials’ entries', async () => {
      const clock = new TestClock();
      const p = h.route('mgr-del-variants', (req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain', vary: 'accept', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(`as ${req.headers.accept}`);
      });
      const other = h.counting('mgr-del-other', clock, fresh);
      const api = await h.cache(clock);
      await api.get(p, { headers: { accept: 'text/plain' } });
      await api.get(p, { headers: { accept: 'text/html' } });
      await api.get(p, { headers: { accept: 'text/html', authorization: 'Bearer alice' } });
      await api.head(p, { headers: { accept: 'text/html' } });
      await api.get(other);
      expect(await api.cache.delete(`${h.server().url}${p}`)).to.equal(4);
      expect(await paths(api, api.cache.entries())).to.deep.equal([other]);
      const again = await api.get(p, { headers: { accept: 'text/html', authorization: 'Bearer alice' } });
      expect(again.cache?.state).to.equal('miss');
    });

    it('delete(url) of a redirecting URL removes its redirect alias; delete([...]) takes keys and URLs', async () => {
      const clock = new TestClock();
      const target = h.counting('mgr-del-target', clock, fresh);
      const from = h.route('mgr-del-from', (_req, res) => void res.writeHead(301, { location: target }).end());
      const plain = h.counting('mgr-del-plain', clock, fresh);
      const api = await h.cache(clock);
      await api.get(from);
      const kept = await api.get(plain);
      expect(await api.cache.delete([`${h.server().url}${target}`, `${h.server().url}${from}`, kept.cache!.key])).to.equal(2);
      expect(await all(api.cache.entries())).to.deep.equal([]);
      expect((await api.get(from)).cache?.state).to.equal('miss');
      expect(h.server().count(from)).to.equal(2);
    });

    it('delete({ pattern }) removes the entries whose URL matches the glob', async () => {
      const clock = new TestClock();
      const u1 = h.counting('mgr-pat-users-1', clock, fresh);
      const u2 = h.counting('mgr-pat-users-2', clock, fresh);
      const keep = h.counting('mgr-pat-posts', clock, fresh);
      const api = await h.cache(clock);
      for (const p of [u1, u2, keep]) await api.get(p);
      const host = new URL(h.server().url).host;
      expect(await api.cache.delete({ pattern: `${host}/mgr-pat-users-*` })).to.equal(2);
      expect(await paths(api, api.cache.entries())).to.deep.equal([keep]);
      expect(await api.cache.delete({ pattern: `${host}/nothing-here/*` })).to.equal(0);
    });

    it('delete({ tag }) removes every entry with that tag, from this instance or another over the same store', async () => {
      const clock = new TestClock();
      const a = h.counting('mgr-tag-a', clock, fresh);
      const b = h.counting('mgr-tag-b', clock, fresh);
      const c = h.counting('mgr-tag-c', clock, fresh);
      const store = await h.factory();
      const api = await h.cache(clock, {}, store);
      await api.get(a, { cache: { tags: ['user:42', 'users'] } });
      await api.get(b, { cache: { tags: ['users'] } });
      await api.get(c, { cache: { tags: ['posts'] } });
      await api.cache.idle(); // the writes run after the responses; the second instance reads the store
      const second = await h.secondCache(clock, store);
      expect(await second.cache.delete({ tag: 'users' })).to.equal(2);
      expect(await paths(api, api.cache.entries())).to.deep.equal([c]);
      expect(await api.cache.delete({ tag: 'users' })).to.equal(0);
      expect((await api.get(a)).cache?.state).to.equal('miss');
      expect((await api.get(c)).cache?.state).to.equal('hit');
    });

    it('an entry stored again without a tag is not removed by that tag', async () => {
      const clock = new TestClock();
      const p = h.counting('mgr-retag', clock, { 'cache-control': 'max-age=1' });
      const api = await h.cache(clock);
      await api.get(p, { cache: { tags: ['old-tag'] } });
      clock.advance(2 * SECOND);
      await api.get(p, { cache: { tags: ['new-tag'] } });
      expect(await api.cache.delete({ tag: 'old-tag' })).to.equal(0);
      expect(await api.cache.delete({ tag: 'new-tag' })).to.equal(1);
    });

    it('delete(filter) removes by expired, olderThan, status and predicate', async () => {
      const clock = new TestClock();
      const old = h.counting('mgr-delf-old', clock, fresh);
      const api = await h.cache(clock);
      await api.get(old);
      clock.advance(8 * DAY);
      const gone = h.route('mgr-delf-404', (_req, res) => void res.writeHead(404, { 'cache-control': 'max-age=600', date: clock.httpDate() }).end());
      const young = h.counting('mgr-delf-young', clock, { 'cache-control': 'max-age=600' });
      const other = h.counting('mgr-delf-other', clock, { 'cache-control': 'max-age=600' });
      await api.get(gone, { validateStatus: () => true });
      await api.get(young);
      await api.get(other);
      expect(await api.cache.delete({ expired: true, olderThan: '7d' })).to.equal(1);
      expect(await api.cache.delete({ status: [404, 410] })).to.equal(1);
      expect(await api.cache.delete({ predicate: (e) => e.url.endsWith(young) })).to.equal(1);
      expect(await paths(api, api.cache.entries())).to.deep.equal([other]);
    });

    it('prune() removes what the store lifetime ended (waits 5 ms on a real timer: stores expire on the wall clock)', async () => {
      const clock = new TestClock();
      const p = h.counting('mgr-prune', clock, fresh);
      const store = await h.factory();
      const api = await h.cache(clock, {}, store);
      const kept = await api.get(p);
      await api.cache.idle();
      await store.set('mgr-prune-expiring', { ...(await api.cache.getEntry(kept.cache!.key))!, url: `${h.server().url}/mgr-prune-gone` }, 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const pruned = await api.cache.prune();
      // Redis expires values by itself: nothing is left there for prune() to remove.
      expect(pruned).to.be.at.least(h.backend.startsWith('redis') ? 0 : 1);
      expect(await paths(api, api.cache.entries())).to.deep.equal([p]);
      expect(await api.cache.getEntry('mgr-prune-expiring')).to.equal(undefined);
    });

    it('bad filters and targets fail fast, naming what is wrong', async () => {
      const api = await h.cache(new TestClock());
      await expectRejection(() => api.cache.delete({ olderThan: 'a week' } as never), /delete\.olderThan/);
      await expectRejection(() => api.cache.delete({ colour: 'red' } as never), /delete\.colour/);
      await expectRejection(() => api.cache.delete(42 as never), /`delete`/);
      await expectRejection(() => all(api.cache.entries({ status: 'ok' } as never)), /entries\.status/);
      expect(() => api.cache.on('hitt' as never, () => {})).to.throw(/on\(event\)/);
    });
  });
}

async function expectRejection(run: () => Promise<unknown>, message: RegExp): Promise<void> {
  try {
    await run();
  } catch (error) {
    expect((error as Error).message).to.match(message);
    return;
  }
  expect.fail('expected a rejection');
}
