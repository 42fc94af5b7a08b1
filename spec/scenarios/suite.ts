/**
 * The end-to-end scenarios, specified once and run on every backend (DESIGN.md: "Every scenario on
 * every backend"), like requests-cache's per-backend base test class and keyv's injected suite.
 *
 * Each scenario talks to a real origin on 127.0.0.1 through real axios, with the cache's clock
 * injected (spec/helpers/clock.ts): time moves with `clock.advance`, never by sleeping. One
 * origin server per suite, a unique path per scenario, and a fresh store per cache from the
 * backend's factory (a new table, namespace or directory), cleared and closed after the scenario.
 */
import { randomBytes } from 'node:crypto';
import axios, { AxiosError, type AxiosResponse } from 'axios';
import { expect } from 'chai';
import {
  type CacheOptions,
  type CacheStore,
  type CachedAxiosInstance,
  DO_NOT_CACHE,
  EXPIRE_IMMEDIATELY,
  NEVER_EXPIRE,
} from '../../lib/index.js';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { type Handler, type SeenRequest, startServer, type TestServer } from '../helpers/server.js';
import { managerScenarios } from './manager-suite.js';

export interface ScenarioOptions {
  /** Size of the large-body scenario, in bytes. @default 256 KiB */
  maxBodyBytes?: number;
  /**
   * Opens a second store over the data of `store` (same file and table, directory, namespace...),
   * as a second process would. @default the same store object (in-process stores).
   */
  reopen?: (store: CacheStore) => CacheStore | Promise<CacheStore>;
  /** Runs once after the suite, after every store was cleared and closed (drop tables, remove dirs). */
  cleanup?: () => unknown;
  /** Mocha time-out per scenario, ms. @default 20000 */
  timeout?: number;
}

type Api = CachedAxiosInstance;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
/** Accepts every status, for scenarios that look at 4xx/5xx answers as plain responses. */
const anyStatus = { validateStatus: () => true } as const;

/** The response of a rejected request (an AxiosError with a response), or a failure. */
async function rejection(request: Promise<unknown>): Promise<AxiosError> {
  try {
    await request;
  } catch (error) {
    if (error instanceof AxiosError) return error;
    throw error;
  }
  expect.fail('the request should have been rejected');
}

export function scenarioSuite(backend: string, factory: () => CacheStore | Promise<CacheStore>, options: ScenarioOptions = {}): void {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const reopen = options.reopen ?? ((store: CacheStore) => store);

  describe(`scenarios on ${backend}`, function () {
    this.timeout(options.timeout ?? 20_000);

    let server: TestServer;
    let seq = 0;
    /** Every cache opened by the running scenario, cleared and closed after it. */
    let opened: Api[] = [];

    before(async () => {
      server = await startServer();
    });
    afterEach(async () => {
      const apis = opened;
      opened = [];
      for (const api of apis) await api.cache.clear().catch(() => {});
      for (const api of apis) await api.cache.close().catch(() => {});
    });
    after(async () => {
      await server?.close();
      await options.cleanup?.();
    });

    // --- helpers --------------------------------------------------------------------------

    /** A path no other scenario of this suite uses, served by `handler`. */
    function route(name: string, handler: Handler): string {
      const p = `/${name}-${++seq}`;
      server.route(p, handler);
      return p;
    }

    /** A cached axios instance on the origin over `store` (default: a fresh store from the factory). */
    async function cache(clock: TestClock, cacheOptions: CacheOptions = {}, store?: CacheStore): Promise<Api> {
      const storage = store ?? (await factory());
      const api = cachedWithClock(axios.create({ baseURL: server.url }), clock, { ...cacheOptions, storage });
      // Writes run after the response is returned (spec/adapter/background-writes.spec.ts says
      // so); these scenarios look at the store after each request, so each waits for its writes.
      api.interceptors.response.use(
        async (response) => {
          await api.cache.idle();
          return response;
        },
        async (error: unknown) => {
          await api.cache.idle();
          throw error;
        },
      );
      opened.push(api);
      return api;
    }

    /** A second cache instance over the same stored data as `api`'s store. */
    async function secondCache(clock: TestClock, store: CacheStore, cacheOptions: CacheOptions = {}): Promise<Api> {
      return cache(clock, cacheOptions, await reopen(store));
    }

    /**
     * An origin answering JSON `{ n }` (n: how many times it answered) with a `Date` from the
     * clock and `headers` (a function of n for answers that change).
     */
    function counting(name: string, clock: TestClock, headers: Record<string, string> | ((n: number) => Record<string, string>) = {}): string {
      let n = 0;
      return route(name, (_req, res) => {
        n++;
        const extra = typeof headers === 'function' ? headers(n) : headers;
        res.writeHead(200, { 'content-type': 'application/json', date: clock.httpDate(), ...extra }).end(JSON.stringify({ n }));
      });
    }

    const seen = (p: string): SeenRequest[] => server.requests.filter((r) => r.path.split('?')[0] === p);
    const methods = (p: string): string[] => seen(p).map((r) => r.method);
    const header = (p: string, name: string): Array<string | string[] | undefined> => seen(p).map((r) => r.headers[name]);

    async function expectHit(api: Api, p: string, data: unknown, config = {}): Promise<AxiosResponse> {
      const res = await api.get(p, config);
      expect(res.cache?.state, `${p} state`).to.equal('hit');
      expect(res.cached).to.equal(true);
      expect(res.data).to.deep.equal(data);
      return res;
    }

    // --- freshness ------------------------------------------------------------------------

    describe('freshness', () => {
      it('a response fresh by max-age is served from the cache without the origin', async () => {
        const clock = new TestClock();
        const p = counting('max-age', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        const miss = await api.get(p);
        expect(miss.cache?.state).to.equal('miss');
        expect(miss.cached).to.equal(false);
        expect(miss.data).to.deep.equal({ n: 1 });
        clock.advance(30 * SECOND);
        const hit = await expectHit(api, p, { n: 1 });
        expect(hit.status).to.equal(200);
        expect(hit.headers['content-type']).to.match(/^application\/json/);
        expect(server.count(p)).to.equal(1);
        expect(api.cache.stats()).to.include({ hits: 1, misses: 1, stores: 1, errors: 0 });
      });

      it('once the clock passes max-age the next request goes to the origin', async () => {
        const clock = new TestClock();
        const p = counting('max-age-expiry', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(59 * SECOND);
        await expectHit(api, p, { n: 1 });
        clock.advance(2 * SECOND);
        const next = await api.get(p);
        expect(next.cache?.state).to.equal('miss');
        expect(next.data).to.deep.equal({ n: 2 });
        expect(server.count(p)).to.equal(2);
        await expectHit(api, p, { n: 2 });
      });

      it('Expires (against the origin Date) makes a response fresh until that time', async () => {
        const clock = new TestClock();
        const p = counting('expires', clock, () => ({ expires: clock.httpDate(60 * SECOND) }));
        const api = await cache(clock);
        await api.get(p);
        clock.advance(30 * SECOND);
        await expectHit(api, p, { n: 1 });
        clock.advance(31 * SECOND);
        expect((await api.get(p)).data).to.deep.equal({ n: 2 });
        expect(server.count(p)).to.equal(2);
      });

      it('s-maxage makes a response fresh in a shared cache, and means nothing to a private one', async () => {
        const clock = new TestClock();
        const p = counting('s-maxage', clock, { 'cache-control': 's-maxage=60, max-age=0' });
        const shared = await cache(clock, { shared: true });
        await shared.get(p);
        clock.advance(30 * SECOND);
        await expectHit(shared, p, { n: 1 });
        expect(server.count(p)).to.equal(1);
        clock.advance(31 * SECOND);
        expect((await shared.get(p)).cache?.state).to.equal('miss');
        expect(server.count(p)).to.equal(2);

        const personal = await cache(clock);
        await personal.get(p);
        const again = await personal.get(p);
        expect(again.cache?.state).to.equal('miss');
        expect(server.count(p)).to.equal(4);
        expect(personal.cache.stats().stores).to.equal(0);
      });

      it('an explicit max-age wins over the ttl option', async () => {
        const clock = new TestClock();
        const p = counting('explicit-beats-ttl', clock, { 'cache-control': 'max-age=10' });
        const api = await cache(clock, { ttl: '1h' });
        await api.get(p);
        clock.advance(5 * SECOND);
        await expectHit(api, p, { n: 1 });
        clock.advance(6 * SECOND);
        expect((await api.get(p)).data).to.deep.equal({ n: 2 });
      });

      it('heuristic freshness: a tenth of (Date - Last-Modified), then revalidation with If-Modified-Since', async () => {
        const clock = new TestClock();
        const lastModified = clock.httpDate(-10 * DAY);
        const p = route('heuristic', (req, res) => {
          if (req.headers['if-modified-since'] === lastModified) return void res.writeHead(304, { date: clock.httpDate() }).end();
          res.writeHead(200, { 'content-type': 'text/plain', date: clock.httpDate(), 'last-modified': lastModified }).end('old news');
        });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(DAY / 2);
        await expectHit(api, p, 'old news');
        // Stale, but within keepStale (1h), so a real store still holds the entry.
        clock.advance(DAY / 2 + 30 * MINUTE);
        const revalidated = await api.get(p);
        expect(revalidated.cache?.state).to.equal('revalidated');
        expect(revalidated.data).to.equal('old news');
        expect(header(p, 'if-modified-since')).to.deep.equal([undefined, lastModified]);
      });
    });

    // --- what is not stored ----------------------------------------------------------------

    describe('storability', () => {
      it('a no-store response is never stored', async () => {
        const clock = new TestClock();
        const p = counting('no-store', clock, { 'cache-control': 'no-store, max-age=60' });
        const api = await cache(clock, { ttl: '1h' });
        await api.get(p);
        const second = await api.get(p);
        expect(second.cache?.state).to.equal('miss');
        expect(second.data).to.deep.equal({ n: 2 });
        expect(server.count(p)).to.equal(2);
        expect(api.cache.stats().stores).to.equal(0);
      });

      it('a private response is stored by a private cache but not by a shared one', async () => {
        const clock = new TestClock();
        const p = counting('private', clock, { 'cache-control': 'private, max-age=60' });
        const shared = await cache(clock, { shared: true });
        await shared.get(p);
        expect((await shared.get(p)).cache?.state).to.equal('miss');
        expect(server.count(p)).to.equal(2);
        expect(shared.cache.stats().stores).to.equal(0);

        const personal = await cache(clock);
        await personal.get(p);
        await expectHit(personal, p, { n: 3 });
        expect(server.count(p)).to.equal(3);
      });

      it('a shared cache stores a response to an Authorization request only when the response says public', async () => {
        const clock = new TestClock();
        const plain = counting('shared-auth', clock, { 'cache-control': 'max-age=60' });
        const pub = counting('shared-auth-public', clock, { 'cache-control': 'public, max-age=60' });
        const api = await cache(clock, { shared: true });
        const auth = { headers: { authorization: 'Bearer token-1' } };
        await api.get(plain, auth);
        expect((await api.get(plain, auth)).cache?.state).to.equal('miss');
        expect(server.count(plain)).to.equal(2);
        await api.get(pub, auth);
        await expectHit(api, pub, { n: 1 }, auth);
        expect(server.count(pub)).to.equal(1);
      });

      it('a response with Set-Cookie is stored by a private cache but not by a shared one', async () => {
        const clock = new TestClock();
        const p = counting('set-cookie', clock, { 'cache-control': 'max-age=60', 'set-cookie': 'session=abc; HttpOnly' });
        const shared = await cache(clock, { shared: true });
        await shared.get(p);
        expect((await shared.get(p)).cache?.state).to.equal('miss');
        expect(shared.cache.stats().stores).to.equal(0);
        const personal = await cache(clock);
        await personal.get(p);
        // Whether the hit replays the cookie is the storeSetCookie option's business (default: no).
        await expectHit(personal, p, { n: 3 });
        expect(server.count(p)).to.equal(3);
      });

      it('statuses outside `statuses` are not stored by a ttl', async () => {
        const clock = new TestClock();
        const paths = [201, 404, 500].map((status) =>
          route(`status-${status}`, (_req, res) => void res.writeHead(status, { 'content-type': 'text/plain', date: clock.httpDate() }).end(`status ${status}`)),
        );
        const api = await cache(clock, { ttl: '1h' });
        for (const p of paths) {
          await api.get(p, anyStatus);
          const second = await api.get(p, anyStatus);
          expect(second.cache?.state, p).to.equal('miss');
          expect(server.count(p), p).to.equal(2);
        }
        expect(api.cache.stats().stores).to.equal(0);
      });

      it('a 404 with max-age is stored, and the stored 404 rejects like the network one', async () => {
        const clock = new TestClock();
        const p = route('404-max-age', (_req, res) =>
          void res.writeHead(404, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', date: clock.httpDate() }).end('not here'),
        );
        const api = await cache(clock);
        const first = await rejection(api.get(p));
        expect(first.response?.status).to.equal(404);
        const second = await rejection(api.get(p));
        expect(second.response?.status).to.equal(404);
        expect(second.response?.data).to.equal('not here');
        expect(second.response?.cache?.state).to.equal('hit');
        expect(server.count(p)).to.equal(1);
      });

      it('Vary: * is never stored', async () => {
        const clock = new TestClock();
        const p = counting('vary-star', clock, { 'cache-control': 'max-age=60', vary: '*' });
        const api = await cache(clock);
        await api.get(p);
        expect((await api.get(p)).data).to.deep.equal({ n: 2 });
        expect(api.cache.stats().stores).to.equal(0);
      });

      it('responses to POST are not cached', async () => {
        const clock = new TestClock();
        const p = counting('post-not-cached', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.post(p, { a: 1 });
        const second = await api.post(p, { a: 1 });
        expect(second.data).to.deep.equal({ n: 2 });
        expect(second.cached).to.equal(false);
        expect(api.cache.stats().stores).to.equal(0);
      });
    });

    // --- lifetimes from options --------------------------------------------------------------

    describe('ttl options', () => {
      it('the ttl option gives a lifetime to a response without freshness of its own', async () => {
        const clock = new TestClock();
        const p = counting('ttl', clock);
        const api = await cache(clock, { ttl: '1m' });
        await api.get(p);
        clock.advance(59 * SECOND);
        await expectHit(api, p, { n: 1 });
        clock.advance(2 * SECOND);
        expect((await api.get(p)).data).to.deep.equal({ n: 2 });
        expect(server.count(p)).to.equal(2);
      });

      it('a per-request ttl wins over the instance ttl', async () => {
        const clock = new TestClock();
        const p = counting('request-ttl', clock);
        const api = await cache(clock, { ttl: '1h' });
        const config = { cache: { ttl: 10 * SECOND } };
        const first = await api.get(p, config);
        expect(first.cache?.expiresAt).to.be.closeTo(clock.now() + 10 * SECOND, 1000);
        clock.advance(9 * SECOND);
        await expectHit(api, p, { n: 1 }, config);
        clock.advance(2 * SECOND);
        expect((await api.get(p, config)).data).to.deep.equal({ n: 2 });
      });

      it('urlTtl: the first matching pattern sets the lifetime', async () => {
        const clock = new TestClock();
        const short = counting('urlttl-short', clock);
        const long = counting('urlttl-long', clock);
        const api = await cache(clock, { urlTtl: { '*/urlttl-short-*': '10s', '*/urlttl-*': '1h' } });
        await api.get(short);
        await api.get(long);
        clock.advance(11 * SECOND);
        expect((await api.get(short)).cache?.state).to.equal('miss');
        await expectHit(api, long, { n: 1 });
        expect(server.count(short)).to.equal(2);
        expect(server.count(long)).to.equal(1);
      });

      it('NEVER_EXPIRE keeps a response fresh for ever', async () => {
        const clock = new TestClock();
        const p = counting('never-expire', clock);
        const api = await cache(clock, { ttl: NEVER_EXPIRE });
        const first = await api.get(p);
        expect(first.cache?.expiresAt).to.equal(Infinity);
        clock.advance(10 * 365 * DAY);
        await expectHit(api, p, { n: 1 });
        expect(server.count(p)).to.equal(1);
      });

      it('EXPIRE_IMMEDIATELY stores the response stale: the next request revalidates it', async () => {
        const clock = new TestClock();
        const p = route('expire-immediately', (req, res) => {
          if (req.headers['if-none-match'] === '"e1"') return void res.writeHead(304, { etag: '"e1"', date: clock.httpDate() }).end();
          res.writeHead(200, { 'content-type': 'text/plain', etag: '"e1"', date: clock.httpDate() }).end('stored stale');
        });
        const api = await cache(clock, { ttl: EXPIRE_IMMEDIATELY });
        await api.get(p);
        expect(api.cache.stats().stores).to.equal(1);
        const second = await api.get(p);
        expect(second.cache?.state).to.equal('revalidated');
        expect(second.data).to.equal('stored stale');
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, '"e1"']);
      });

      it('DO_NOT_CACHE never stores, even a response with explicit freshness', async () => {
        const clock = new TestClock();
        const p = counting('do-not-cache', clock, { 'cache-control': 'max-age=60' });
        const never = await cache(clock, { ttl: DO_NOT_CACHE });
        await never.get(p);
        expect((await never.get(p)).data).to.deep.equal({ n: 2 });
        expect(never.cache.stats().stores).to.equal(0);

        const perRequest = await cache(clock);
        await perRequest.get(p, { cache: { ttl: DO_NOT_CACHE } });
        expect((await perRequest.get(p)).data).to.deep.equal({ n: 4 });
        expect(server.count(p)).to.equal(4);
      });
    });

    // --- validation ------------------------------------------------------------------------

    describe('revalidation', () => {
      it('a stale entry with an ETag is revalidated; the 304 freshens it', async () => {
        const clock = new TestClock();
        const p = route('etag-304', (req, res) => {
          const headers = { etag: '"v1"', 'cache-control': 'max-age=60', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('version 1');
        });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(61 * SECOND);
        const revalidated = await api.get(p);
        expect(revalidated.cache?.state).to.equal('revalidated');
        expect(revalidated.cached).to.equal(true);
        expect(revalidated.status).to.equal(200);
        expect(revalidated.data).to.equal('version 1');
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, '"v1"']);
        clock.advance(30 * SECOND);
        await expectHit(api, p, 'version 1');
        expect(server.count(p)).to.equal(2);
        expect(api.cache.stats()).to.include({ hits: 2, misses: 1 });
      });

      it('a 304 to If-Modified-Since merges its headers into the stored entry', async () => {
        const clock = new TestClock();
        const lastModified = clock.httpDate(-10 * DAY);
        const p = route('last-modified-304', (req, res) => {
          if (req.headers['if-modified-since'] === lastModified) {
            return void res.writeHead(304, { 'cache-control': 'max-age=120', 'x-version': '2', date: clock.httpDate() }).end();
          }
          res
            .writeHead(200, { 'content-type': 'text/plain', 'last-modified': lastModified, 'cache-control': 'max-age=60', 'x-version': '1', date: clock.httpDate() })
            .end('dated body');
        });
        const api = await cache(clock);
        expect((await api.get(p)).headers['x-version']).to.equal('1');
        clock.advance(61 * SECOND);
        const revalidated = await api.get(p);
        expect(revalidated.cache?.state).to.equal('revalidated');
        expect(revalidated.data).to.equal('dated body');
        expect(revalidated.headers['x-version']).to.equal('2');
        expect(header(p, 'if-modified-since')).to.deep.equal([undefined, lastModified]);
        const entry = await api.cache.getEntry(revalidated.cache!.key);
        expect(entry?.headers['x-version']).to.equal('2');
        expect(entry?.headers['last-modified']).to.equal(lastModified);
        // The 304's max-age=120 now governs the entry.
        clock.advance(100 * SECOND);
        const hit = await expectHit(api, p, 'dated body');
        expect(hit.headers['x-version']).to.equal('2');
        expect(server.count(p)).to.equal(2);
      });

      it('a 304 whose validator does not match the stored entry leads to a plain request', async () => {
        const clock = new TestClock();
        const p = route('mismatched-304', (req, res) => {
          const headers = { etag: '"b"', 'cache-control': 'max-age=60', date: clock.httpDate() };
          if (seen(p).length === 1) return void res.writeHead(200, { ...headers, etag: '"a"', 'content-type': 'text/plain' }).end('first');
          if (req.headers['if-none-match'] !== undefined) return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('second');
        });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(61 * SECOND);
        const res = await api.get(p);
        expect(res.data).to.equal('second');
        expect(res.cache?.state).to.equal('miss');
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, '"a"', undefined]);
        await expectHit(api, p, 'second');
        expect(server.count(p)).to.equal(3);
      });

      it('a no-cache response is stored but revalidated on every use', async () => {
        const clock = new TestClock();
        const p = route('no-cache-response', (req, res) => {
          const headers = { etag: '"n1"', 'cache-control': 'no-cache', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"n1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('check me');
        });
        const api = await cache(clock);
        await api.get(p);
        for (let i = 0; i < 2; i++) {
          const res = await api.get(p);
          expect(res.cache?.state).to.equal('revalidated');
          expect(res.data).to.equal('check me');
        }
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, '"n1"', '"n1"']);
      });

      it('a request Cache-Control: no-cache revalidates a fresh entry', async () => {
        const clock = new TestClock();
        const p = route('request-no-cache', (req, res) => {
          const headers = { etag: '"r1"', 'cache-control': 'max-age=600', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"r1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('fresh');
        });
        const api = await cache(clock);
        await api.get(p);
        const res = await api.get(p, { headers: { 'cache-control': 'no-cache' } });
        expect(res.cache?.state).to.equal('revalidated');
        expect(res.data).to.equal('fresh');
        expect(server.count(p)).to.equal(2);
        await expectHit(api, p, 'fresh');
      });

      it('a request max-stale accepts a stale entry within its bound, and Pragma: no-cache revalidates', async () => {
        const clock = new TestClock();
        const p = route('max-stale', (req, res) => {
          const headers = { etag: '"ms1"', 'cache-control': 'max-age=60', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"ms1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('a bit old');
        });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(90 * SECOND);
        const stale = await api.get(p, { headers: { 'cache-control': 'max-stale=60' } });
        expect(stale.cache?.state).to.equal('stale');
        expect(stale.data).to.equal('a bit old');
        expect(server.count(p)).to.equal(1);
        clock.advance(60 * SECOND);
        expect((await api.get(p, { headers: { 'cache-control': 'max-stale=60' } })).cache?.state).to.equal('revalidated');
        expect(server.count(p)).to.equal(2);
        const pragma = await api.get(p, { headers: { pragma: 'no-cache' } });
        expect(pragma.cache?.state).to.equal('revalidated');
        expect(server.count(p)).to.equal(3);
      });

      it('must-revalidate: fresh hits, but once stale an origin error is not answered with the stale entry', async () => {
        const clock = new TestClock();
        let n = 0;
        const p = route('must-revalidate', (_req, res) => {
          if (++n > 1) return void res.writeHead(503, { date: clock.httpDate() }).end('down');
          res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60, must-revalidate, stale-if-error=600', date: clock.httpDate() }).end('strict');
        });
        const api = await cache(clock, { staleIfError: true });
        await api.get(p);
        clock.advance(30 * SECOND);
        await expectHit(api, p, 'strict');
        clock.advance(31 * SECOND);
        const error = await rejection(api.get(p));
        expect(error.response?.status).to.equal(503);
        expect(server.count(p)).to.equal(2);
      });
    });

    // --- Vary ------------------------------------------------------------------------------

    describe('Vary', () => {
      /** Answers `hello <accept-language> #<how many requests it answered>`, varying on Accept-Language. */
      function languages(name: string, clock: TestClock): string {
        let n = 0;
        return route(name, (req, res) => {
          res
            .writeHead(200, { 'content-type': 'text/plain', vary: 'Accept-Language', 'cache-control': 'max-age=60', date: clock.httpDate() })
            .end(`hello ${req.headers['accept-language'] ?? 'anyone'} #${++n}`);
        });
      }
      const lang = (l: string) => ({ headers: { 'accept-language': l } });

      it('several variants of one URL coexist', async () => {
        const clock = new TestClock();
        const p = languages('vary-variants', clock);
        const api = await cache(clock);
        expect((await api.get(p, lang('en'))).data).to.equal('hello en #1');
        expect((await api.get(p, lang('fr'))).data).to.equal('hello fr #2');
        await expectHit(api, p, 'hello en #1', lang('en'));
        await expectHit(api, p, 'hello fr #2', lang('fr'));
        const other = await api.get(p, lang('de'));
        expect(other.cache?.state).to.equal('miss');
        expect(other.data).to.equal('hello de #3');
        expect(server.count(p)).to.equal(3);
      });

      it('after an invalidation no earlier variant is served, and new variants are stored again', async () => {
        const clock = new TestClock();
        const p = languages('vary-invalidated', clock);
        const api = await cache(clock);
        await api.get(p, lang('en'));
        await api.get(p, lang('fr'));
        await api.post(p, 'changed');
        expect((await api.get(p, lang('en'))).cache?.state).to.equal('miss');
        expect((await api.get(p, lang('fr'))).cache?.state).to.equal('miss');
        await expectHit(api, p, 'hello en #4', lang('en'));
        await expectHit(api, p, 'hello fr #5', lang('fr'));
        expect(methods(p)).to.deep.equal(['GET', 'GET', 'POST', 'GET', 'GET']);
      });
    });

    // --- redirects -------------------------------------------------------------------------

    describe('redirects', () => {
      for (const status of [301, 302]) {
        it(`a ${status} is followed, the answer stored under the final URL, and the next request is a hit without the redirecting path`, async () => {
          const clock = new TestClock();
          const target = counting(`redirect-target-${status}`, clock, { 'cache-control': 'max-age=60' });
          const from = route(`redirect-from-${status}`, (_req, res) => void res.writeHead(status, { location: target, date: clock.httpDate() }).end());
          const api = await cache(clock);
          const first = await api.get(from);
          expect(first.data).to.deep.equal({ n: 1 });
          const second = await expectHit(api, from, { n: 1 });
          expect(second.status).to.equal(200);
          await expectHit(api, target, { n: 1 });
          expect(server.count(from)).to.equal(1);
          expect(server.count(target)).to.equal(1);
        });
      }
    });

    // --- invalidation ----------------------------------------------------------------------

    describe('invalidation (RFC 9111 §4.4)', () => {
      for (const method of ['post', 'put', 'patch', 'delete'] as const) {
        it(`a successful ${method.toUpperCase()} invalidates the stored GET of its URL`, async () => {
          const clock = new TestClock();
          const p = counting(`invalidate-${method}`, clock, { 'cache-control': 'max-age=60' });
          const api = await cache(clock);
          await api.get(p);
          await expectHit(api, p, { n: 1 });
          await api.request({ method, url: p, data: { x: 1 } });
          const after = await api.get(p);
          expect(after.cache?.state).to.equal('miss');
          expect(after.data).to.deep.equal({ n: 3 });
          expect(methods(p)).to.deep.equal(['GET', method.toUpperCase(), 'GET']);
        });
      }

      it('the Location and Content-Location of a successful POST are invalidated too', async () => {
        const clock = new TestClock();
        const located = counting('invalidate-location', clock, { 'cache-control': 'max-age=60' });
        const described = counting('invalidate-content-location', clock, { 'cache-control': 'max-age=60' });
        const untouched = counting('invalidate-untouched', clock, { 'cache-control': 'max-age=60' });
        const action = route('invalidate-action', (_req, res) =>
          void res.writeHead(201, { location: located, 'content-location': `${server.url}${described}` }).end(),
        );
        const api = await cache(clock);
        for (const p of [located, described, untouched]) await api.get(p);
        await api.post(action, { create: true });
        expect((await api.get(located)).cache?.state).to.equal('miss');
        expect((await api.get(described)).cache?.state).to.equal('miss');
        await expectHit(api, untouched, { n: 1 });
      });

      it('a failed POST leaves the stored GET alone', async () => {
        const clock = new TestClock();
        let n = 0;
        const p = route('invalidate-failed', (req, res) => {
          if (req.method === 'POST') return void res.writeHead(500).end('nope');
          res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(JSON.stringify({ n: ++n }));
        });
        const api = await cache(clock);
        await api.get(p);
        expect((await rejection(api.post(p, {}))).response?.status).to.equal(500);
        await expectHit(api, p, { n: 1 });
      });
    });

    // --- stale responses -------------------------------------------------------------------

    describe('stale-while-revalidate and stale-if-error (RFC 5861)', () => {
      it('stale-while-revalidate serves the stale entry at once and refreshes it in the background', async () => {
        const clock = new TestClock();
        const p = counting('swr', clock, { 'cache-control': 'max-age=60, stale-while-revalidate=600' });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(61 * SECOND);
        const stale = await api.get(p);
        expect(stale.cache?.state).to.equal('stale');
        expect(stale.cached).to.equal(true);
        expect(stale.data).to.deep.equal({ n: 1 });
        await api.cache.idle();
        expect(server.count(p)).to.equal(2);
        await expectHit(api, p, { n: 2 });
      });

      it('the per-request staleWhileRevalidate option does the same for a response without the directive', async () => {
        const clock = new TestClock();
        const p = counting('swr-option', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        const config = { cache: { staleWhileRevalidate: '10m' } };
        await api.get(p, config);
        clock.advance(2 * MINUTE);
        const stale = await api.get(p, config);
        expect(stale.cache?.state).to.equal('stale');
        expect(stale.data).to.deep.equal({ n: 1 });
        await api.cache.idle();
        await expectHit(api, p, { n: 2 }, config);
        expect(server.count(p)).to.equal(2);
      });

      function failingAfterFirst(name: string, clock: TestClock, cacheControl: string, fail: 'socket' | 503): string {
        let n = 0;
        return route(name, (req, res) => {
          if (++n > 1) {
            if (fail === 'socket') return void req.socket.destroy();
            return void res.writeHead(503, { date: clock.httpDate() }).end('unavailable');
          }
          res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': cacheControl, date: clock.httpDate() }).end('last good');
        });
      }

      it('stale-if-error answers a network error with the stale entry', async () => {
        const clock = new TestClock();
        const p = failingAfterFirst('sie-network', clock, 'max-age=60, stale-if-error=600', 'socket');
        const api = await cache(clock);
        await api.get(p);
        clock.advance(61 * SECOND);
        const res = await api.get(p);
        expect(res.cache?.state).to.equal('stale');
        expect(res.data).to.equal('last good');
        expect(server.count(p)).to.equal(2);
      });

      it('stale-if-error answers a 503 with the stale entry', async () => {
        const clock = new TestClock();
        const p = failingAfterFirst('sie-503', clock, 'max-age=60', 503);
        const api = await cache(clock, { staleIfError: '10m' });
        await api.get(p);
        clock.advance(61 * SECOND);
        const res = await api.get(p);
        expect(res.status).to.equal(200);
        expect(res.cache?.state).to.equal('stale');
        expect(res.data).to.equal('last good');
      });

      it('beyond the stale-if-error window the error reaches the caller', async () => {
        const clock = new TestClock();
        const p = failingAfterFirst('sie-beyond', clock, 'max-age=60, stale-if-error=60', 503);
        const api = await cache(clock);
        await api.get(p);
        clock.advance(3 * MINUTE);
        expect((await rejection(api.get(p))).response?.status).to.equal(503);
      });
    });

    // --- HEAD ------------------------------------------------------------------------------

    describe('HEAD', () => {
      it('HEAD is cached separately from GET', async () => {
        const clock = new TestClock();
        const body = 'the full body';
        const p = route('head-separate', (req, res) => {
          res
            .writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), 'cache-control': 'max-age=60', date: clock.httpDate(), 'x-method': req.method! })
            .end(req.method === 'HEAD' ? undefined : body);
        });
        const api = await cache(clock);
        await api.head(p);
        const head = await api.head(p);
        expect(head.cache?.state).to.equal('hit');
        expect(head.headers['x-method']).to.equal('HEAD');
        expect(head.data).to.equal('');
        const get = await api.get(p);
        expect(get.cache?.state).to.equal('miss');
        expect(get.data).to.equal(body);
        await expectHit(api, p, body);
        expect(methods(p)).to.deep.equal(['HEAD', 'GET']);
      });

      it('a HEAD response whose validators match freshens the stored GET', async () => {
        const clock = new TestClock();
        const body = 'head-fresh body';
        const p = route('head-freshens', (req, res) => {
          res
            .writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), etag: '"h1"', 'cache-control': 'max-age=60', date: clock.httpDate() })
            .end(req.method === 'HEAD' ? undefined : body);
        });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(61 * SECOND);
        await api.head(p);
        clock.advance(30 * SECOND);
        await expectHit(api, p, body);
        expect(methods(p)).to.deep.equal(['GET', 'HEAD']);
      });

      it('a HEAD response whose validators differ makes the stored GET stale', async () => {
        const clock = new TestClock();
        let etag = '"h1"';
        const p = route('head-stales', (req, res) => {
          const body = `body ${etag}`;
          res
            .writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), etag, 'cache-control': 'max-age=600', date: clock.httpDate() })
            .end(req.method === 'HEAD' ? undefined : body);
        });
        const api = await cache(clock);
        await api.get(p);
        etag = '"h2"';
        await api.head(p);
        const next = await api.get(p);
        expect(next.cache?.state).to.equal('miss');
        expect(next.data).to.equal('body "h2"');
        expect(methods(p)).to.deep.equal(['GET', 'HEAD', 'GET']);
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, undefined, '"h1"']);
      });
    });

    // --- bodies ----------------------------------------------------------------------------

    describe('bodies', () => {
      function binary(name: string, clock: TestClock, bytes: Buffer): string {
        return route(name, (_req, res) =>
          void res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(bytes),
        );
      }

      it('binary bodies come back byte for byte, and mutating one response does not change the next', async () => {
        const clock = new TestClock();
        const bytes = randomBytes(4096);
        const p = binary('binary', clock, bytes);
        const api = await cache(clock);
        const config = { responseType: 'arraybuffer' as const };
        const miss = await api.get<Buffer>(p, config);
        expect(Buffer.compare(Buffer.from(miss.data), bytes)).to.equal(0);
        const hit = await expectHit(api, p, bytes, config);
        (hit.data as Buffer).fill(0);
        const again = await api.get<Buffer>(p, config);
        expect(again.cache?.state).to.equal('hit');
        expect(Buffer.compare(Buffer.from(again.data), bytes)).to.equal(0);
        expect(server.count(p)).to.equal(1);
      });

      it(`a large body (${maxBodyBytes} bytes) is stored and served intact`, async () => {
        const clock = new TestClock();
        const bytes = randomBytes(maxBodyBytes);
        const p = binary('large', clock, bytes);
        const api = await cache(clock);
        const config = { responseType: 'arraybuffer' as const };
        await api.get(p, config);
        const hit = await api.get<Buffer>(p, config);
        expect(hit.cache?.state).to.equal('hit');
        expect(hit.data.byteLength).to.equal(maxBodyBytes);
        expect(Buffer.compare(Buffer.from(hit.data), bytes)).to.equal(0);
        expect(api.cache.stats()).to.include({ stores: 1, errors: 0 });
      });

      it('one entry answers json, text, arraybuffer and blob response types', async () => {
        const clock = new TestClock();
        const text = '{"items":[1,2,3],"name":"ünïcødé"}';
        const p = route('response-types', (_req, res) =>
          void res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(text),
        );
        const api = await cache(clock);
        expect((await api.get(p)).data).to.deep.equal(JSON.parse(text));
        await expectHit(api, p, JSON.parse(text), { responseType: 'json' });
        await expectHit(api, p, text, { responseType: 'text' });
        const buffer = await api.get<Buffer>(p, { responseType: 'arraybuffer' });
        expect(Buffer.from(buffer.data).toString('utf8')).to.equal(text);
        const blob = await api.get<Blob>(p, { responseType: 'blob' });
        expect(await blob.data.text()).to.equal(text);
        expect(server.count(p)).to.equal(1);
      });

      it('mutating the parsed data of a hit changes nothing stored', async () => {
        const clock = new TestClock();
        const p = route('mutation', (_req, res) =>
          void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', date: clock.httpDate() }).end('{"items":[1,2]}'),
        );
        const api = await cache(clock);
        const first = await api.get<{ items: number[] }>(p);
        first.data.items.push(3);
        const hit = await api.get<{ items: number[] }>(p);
        hit.data.items.push(4);
        await expectHit(api, p, { items: [1, 2] });
      });
    });

    // --- modes -----------------------------------------------------------------------------

    describe('modes and bypass', () => {
      it("mode 'no-store' neither reads nor writes the cache", async () => {
        const clock = new TestClock();
        const p = counting('mode-no-store', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(p);
        const bypassed = await api.get(p, { cache: { mode: 'no-store' } });
        expect(bypassed.data).to.deep.equal({ n: 2 });
        expect(bypassed.cached).to.equal(false);
        await expectHit(api, p, { n: 1 });
        expect(api.cache.stats().stores).to.equal(1);
      });

      it("mode 'reload' skips the lookup and stores the new response", async () => {
        const clock = new TestClock();
        const p = counting('mode-reload', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(p);
        const reloaded = await api.get(p, { cache: { mode: 'reload' } });
        expect(reloaded.cache?.state).to.equal('miss');
        expect(reloaded.data).to.deep.equal({ n: 2 });
        await expectHit(api, p, { n: 2 });
        expect(server.count(p)).to.equal(2);
      });

      it("mode 'no-cache' revalidates a fresh entry with its validator", async () => {
        const clock = new TestClock();
        const p = route('mode-no-cache', (req, res) => {
          const headers = { etag: '"m1"', 'cache-control': 'max-age=600', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"m1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('validated');
        });
        const api = await cache(clock);
        await api.get(p);
        const res = await api.get(p, { cache: { mode: 'no-cache' } });
        expect(res.cache?.state).to.equal('revalidated');
        expect(res.data).to.equal('validated');
        expect(header(p, 'if-none-match')).to.deep.equal([undefined, '"m1"']);
      });

      it("mode 'force-cache' serves an expired entry without the network", async () => {
        const clock = new TestClock();
        // An ETag keeps the entry stored past its freshness (keepStale), as a real store would.
        const p = counting('mode-force-cache', clock, { 'cache-control': 'max-age=60', etag: '"f1"' });
        const api = await cache(clock);
        await api.get(p);
        clock.advance(10 * MINUTE);
        const forced = await api.get(p, { cache: { mode: 'force-cache' } });
        expect(forced.cache?.state).to.equal('stale');
        expect(forced.data).to.deep.equal({ n: 1 });
        expect(server.count(p)).to.equal(1);
        expect((await api.get(p)).data).to.deep.equal({ n: 2 });
      });

      it("mode 'only-if-cached' never touches the network: 504 on a miss, the stored entry otherwise", async () => {
        const clock = new TestClock();
        const p = counting('mode-only-if-cached', clock, { 'cache-control': 'max-age=60', etag: '"o1"' });
        const api = await cache(clock);
        const offline = { cache: { mode: 'only-if-cached' as const } };
        expect((await rejection(api.get(p, offline))).response?.status).to.equal(504);
        expect(server.count(p)).to.equal(0);
        await api.get(p);
        clock.advance(10 * MINUTE);
        const stale = await api.get(p, offline);
        expect(stale.cache?.state).to.equal('stale');
        expect(stale.data).to.deep.equal({ n: 1 });
        expect(server.count(p)).to.equal(1);
      });

      it('cache: false bypasses the cache: no lookup, no store, no metadata', async () => {
        const clock = new TestClock();
        const p = counting('cache-false', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(p);
        const bypassed = await api.get(p, { cache: false });
        expect(bypassed.data).to.deep.equal({ n: 2 });
        expect(bypassed.cache).to.equal(undefined);
        expect(bypassed.cached).to.equal(false);
        await expectHit(api, p, { n: 1 });
        expect(api.cache.stats()).to.include({ hits: 1, misses: 1, stores: 1, errors: 0 });
      });
    });

    // --- Age -------------------------------------------------------------------------------

    describe('Age', () => {
      it('the Age header of a hit grows with the clock', async () => {
        const clock = new TestClock();
        const p = counting('age', clock, { 'cache-control': 'max-age=600' });
        const api = await cache(clock);
        await api.get(p);
        const first = await api.get(p);
        expect(first.headers['age']).to.equal('0');
        clock.advance(25 * SECOND);
        const later = await api.get(p);
        expect(later.headers['age']).to.equal('25');
        expect(later.cache?.age).to.equal(25);
        clock.advance(100 * SECOND);
        expect((await api.get(p)).headers['age']).to.equal('125');
      });

      it("the origin's Age counts against max-age", async () => {
        const clock = new TestClock();
        const p = counting('origin-age', clock, { 'cache-control': 'max-age=60', age: '50' });
        const api = await cache(clock);
        await api.get(p);
        const hit = await expectHit(api, p, { n: 1 });
        expect(hit.headers['age']).to.equal('50');
        clock.advance(11 * SECOND);
        expect((await api.get(p)).cache?.state).to.equal('miss');
      });
    });

    // --- keys ------------------------------------------------------------------------------

    describe('keys', () => {
      it('requests with different credentials are keyed separately, and no credential is stored', async () => {
        const clock = new TestClock();
        const p = route('credentials', (req, res) => {
          const who = req.headers.authorization === 'Bearer secret-alice' ? 'alice' : req.headers.authorization ? 'bob' : 'anonymous';
          res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(who);
        });
        const api = await cache(clock);
        const alice = { headers: { authorization: 'Bearer secret-alice' } };
        const bob = { headers: { authorization: 'Bearer secret-bob' } };
        expect((await api.get(p, alice)).data).to.equal('alice');
        expect((await api.get(p, bob)).data).to.equal('bob');
        const hit = await expectHit(api, p, 'alice', alice);
        await expectHit(api, p, 'bob', bob);
        expect((await api.get(p)).data).to.equal('anonymous');
        expect(server.count(p)).to.equal(3);
        const entry = await api.cache.getEntry(hit.cache!.key);
        expect(entry).to.not.equal(undefined);
        expect(JSON.stringify({ ...entry, body: undefined })).to.not.include('secret');
      });

      it('ignoredParams are left out of the key and out of the stored URL', async () => {
        const clock = new TestClock();
        const p = counting('ignored-params', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock, { ignoredParams: ['token'] });
        const first = await api.get(`${p}?id=1&token=first-secret`);
        await expectHit(api, `${p}?id=1&token=second-secret`, { n: 1 });
        expect((await api.get(p, { params: { id: 2, token: 'x' } })).data).to.deep.equal({ n: 2 });
        expect(server.count(p)).to.equal(2);
        const entry = await api.cache.getEntry(first.cache!.key);
        expect(entry?.url).to.include('id=1');
        expect(entry?.url).to.not.include('secret');
      });

      it('query parameter order does not split the key', async () => {
        const clock = new TestClock();
        const p = counting('query-order', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(`${p}?a=1&b=2`);
        await expectHit(api, `${p}?b=2&a=1`, { n: 1 });
        await expectHit(api, p, { n: 1 }, { params: { b: 2, a: 1 } });
        expect((await api.get(`${p}?a=1&b=3`)).cache?.state).to.equal('miss');
        expect(server.count(p)).to.equal(2);
      });
    });

    // --- management ------------------------------------------------------------------------

    describe('management (api.cache)', () => {
      it('delete(url) and delete(key) remove stored entries', async () => {
        const clock = new TestClock();
        const byUrl = counting('delete-url', clock, { 'cache-control': 'max-age=60' });
        const byKey = counting('delete-key', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        await api.get(byUrl);
        const stored = await api.get(byKey);
        expect(await api.cache.delete(`${server.url}${byUrl}`)).to.equal(1);
        expect(await api.cache.delete(stored.cache!.key)).to.equal(1);
        expect(await api.cache.getEntry(stored.cache!.key)).to.equal(undefined);
        expect((await api.get(byUrl)).data).to.deep.equal({ n: 2 });
        expect((await api.get(byKey)).data).to.deep.equal({ n: 2 });
      });

      it('keys() lists the stored entries and clear() removes them all', async () => {
        const clock = new TestClock();
        const a = counting('clear-a', clock, { 'cache-control': 'max-age=60' });
        const b = counting('clear-b', clock, { 'cache-control': 'max-age=60' });
        const api = await cache(clock);
        const keys = [(await api.get(a)).cache!.key, (await api.get(b)).cache!.key];
        const listed: string[] = [];
        for await (const key of api.cache.keys()) listed.push(key);
        expect(listed).to.have.members(keys);
        expect(await api.cache.clear()).to.equal(true);
        const after: string[] = [];
        for await (const key of api.cache.keys()) after.push(key);
        expect(after).to.deep.equal([]);
        expect((await api.get(a)).cache?.state).to.equal('miss');
        expect((await api.get(b)).cache?.state).to.equal('miss');
      });

      it('stats() counts hits, misses and stored entries across states', async () => {
        const clock = new TestClock();
        const p = route('stats', (req, res) => {
          const headers = { etag: '"s1"', 'cache-control': 'max-age=60', date: clock.httpDate() };
          if (req.headers['if-none-match'] === '"s1"') return void res.writeHead(304, headers).end();
          res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('counted');
        });
        const api = await cache(clock);
        await api.get(p); // miss, stored
        await api.get(p); // hit
        clock.advance(61 * SECOND);
        await api.get(p); // revalidated (a hit), entry rewritten
        expect(api.cache.stats()).to.include({ hits: 2, misses: 1, stores: 2, errors: 0 });
      });
    });

    // --- concurrency and sharing ---------------------------------------------------------

    describe('concurrency and sharing', () => {
      it('10 concurrent identical requests make one origin request', async () => {
        const clock = new TestClock();
        let n = 0;
        const p = route('single-flight', (_req, res) => {
          n++;
          setTimeout(() => {
            res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60', date: clock.httpDate() }).end(JSON.stringify({ n }));
          }, 50);
        });
        const api = await cache(clock);
        const responses = await Promise.all(Array.from({ length: 10 }, () => api.get(p)));
        expect(server.count(p)).to.equal(1);
        for (const res of responses) expect(res.data).to.deep.equal({ n: 1 });
        expect(new Set(responses.map((r) => r.data)).size).to.equal(10);
        await expectHit(api, p, { n: 1 });
        expect(server.count(p)).to.equal(1);
      });

      it('an entry written by one cache instance is read by a second one over the same store', async () => {
        const clock = new TestClock();
        const p = counting('second-instance', clock, { 'cache-control': 'max-age=60', 'x-origin': 'yes' });
        const store = await factory();
        const first = await cache(clock, {}, store);
        const written = await first.get(p);
        const second = await secondCache(new TestClock(), store);
        const read = await expectHit(second, p, { n: 1 });
        expect(read.headers['x-origin']).to.equal('yes');
        expect(read.cache?.key).to.equal(written.cache?.key);
        expect(second.cache.stats()).to.include({ hits: 1, misses: 0, stores: 0, errors: 0 });
        expect(server.count(p)).to.equal(1);
      });

      it("one instance's invalidation is seen by a second one over the same store", async () => {
        const clock = new TestClock();
        const p = counting('second-invalidation', clock, { 'cache-control': 'max-age=60' });
        const store = await factory();
        const first = await cache(clock, {}, store);
        await first.get(p);
        const second = await secondCache(clock, store);
        await expectHit(second, p, { n: 1 });
        await first.delete(p);
        const after = await second.get(p);
        expect(after.cache?.state).to.equal('miss');
        expect(after.data).to.deep.equal({ n: 3 });
        await expectHit(first, p, { n: 3 });
      });

      it('Vary variants stored by one instance are found by a second one', async () => {
        const clock = new TestClock();
        const p = route('second-vary', (req, res) => {
          res
            .writeHead(200, { 'content-type': 'text/plain', vary: 'accept', 'cache-control': 'max-age=60', date: clock.httpDate() })
            .end(`as ${req.headers.accept}`);
        });
        const store = await factory();
        const first = await cache(clock, {}, store);
        await first.get(p, { headers: { accept: 'text/plain' } });
        await first.get(p, { headers: { accept: 'text/html' } });
        const second = await secondCache(clock, store);
        await expectHit(second, p, 'as text/html', { headers: { accept: 'text/html' } });
        await expectHit(second, p, 'as text/plain', { headers: { accept: 'text/plain' } });
        expect((await second.get(p, { headers: { accept: 'application/xml' } })).cache?.state).to.equal('miss');
        expect(server.count(p)).to.equal(3);
      });

      it('a redirect stored by one instance is followed from the store by a second one', async () => {
        const clock = new TestClock();
        const target = counting('second-redirect-target', clock, { 'cache-control': 'max-age=60' });
        const from = route('second-redirect-from', (_req, res) => void res.writeHead(301, { location: target }).end());
        const store = await factory();
        const first = await cache(clock, {}, store);
        await first.get(from);
        const second = await secondCache(clock, store);
        await expectHit(second, from, { n: 1 });
        expect(server.count(from)).to.equal(1);
        expect(server.count(target)).to.equal(1);
      });
    });

    // --- management: api.cache (spec/scenarios/manager-suite.ts) ----------------------------

    managerScenarios({ backend, server: () => server, route, counting, cache, secondCache, factory });
  });
}
