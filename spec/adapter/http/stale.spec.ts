/**
 * Serving stale responses end to end (RFC 5861, RFC 9111 §4.2.4): stale-while-revalidate with its
 * single background refresh, and stale-if-error on network errors and 5xx answers.
 *
 * Responses are made stale at once by an origin Age beyond max-age, so no test sleeps for expiry.
 */
import { AxiosError } from 'axios';
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { join, resolve } from 'node:path';
import type { Handler } from '../../helpers/server.js';
import { sleep, startServer, useServer } from '../../helpers/server.js';
import { cachedClient, recordingClient, seen, settled, uniquePath } from './helpers.js';

const root = resolve(import.meta.dirname, '../../..');

describe('serving stale responses (RFC 5861)', () => {
  const ctx = useServer();

  function route(name: string, handler: Handler): string {
    const p = uniquePath(name);
    ctx.server.route(p, handler);
    return p;
  }

  /**
   * An origin whose first answer is stale on arrival (`first` Cache-Control with Age: 30) and whose
   * later answers are `later` (default: fresh for ten minutes). Bodies are `{ n }`. While
   * `state.hold` is pending, later answers wait for it.
   */
  function staleFirst(name: string, first: string, later = 'max-age=600', extra: Record<string, string> = {}) {
    const state: { n: number; hold: Promise<void> | undefined } = { n: 0, hold: undefined };
    const p = route(name, async (_req, res) => {
      const n = ++state.n;
      if (n > 1 && state.hold) await state.hold;
      const headers = n === 1 ? { 'cache-control': first, age: '30' } : { 'cache-control': later };
      res.writeHead(200, { 'content-type': 'application/json', ...headers, ...extra }).end(JSON.stringify({ n }));
    });
    return { p, state };
  }

  describe('stale-while-revalidate (RFC 5861 §3)', () => {
    it('RFC 5861 §3 from the response: stale is served at once, refreshed in the background, and the refresh is served next', async () => {
      const { p } = staleFirst('swr-header', 'max-age=1, stale-while-revalidate=600');
      const api = cachedClient(ctx.server);
      await api.get(p);
      const stale = await api.get(p);
      expect(stale.cache?.state).to.equal('stale');
      expect(stale.cached).to.equal(true);
      expect(stale.data).to.deep.equal({ n: 1 });
      await api.cache.idle();
      expect(ctx.server.count(p)).to.equal(2);
      const next = await api.get(p);
      expect(next.cache?.state).to.equal('hit');
      expect(next.data).to.deep.equal({ n: 2 });
    });

    it('RFC 5861 §3 from the staleWhileRevalidate option, for a response that has no such directive', async () => {
      const { p } = staleFirst('swr-option', 'max-age=1');
      const api = cachedClient(ctx.server, { staleWhileRevalidate: '10m' });
      await api.get(p);
      const stale = await api.get(p);
      expect(stale.cache?.state).to.equal('stale');
      expect(stale.data).to.deep.equal({ n: 1 });
      await api.cache.idle();
      expect((await api.get(p)).data).to.deep.equal({ n: 2 });

      // Without the option the same response is fetched again in the foreground.
      const plain = staleFirst('swr-option-off', 'max-age=1');
      const off = cachedClient(ctx.server);
      await off.get(plain.p);
      expect((await off.get(plain.p)).cached).to.equal(false);
    });

    it('RFC 5861 §3 the background refresh does not call the stale caller’s progress callbacks', async () => {
      const { p } = staleFirst('swr-progress', 'max-age=1, stale-while-revalidate=600');
      const api = cachedClient(ctx.server);
      await api.get(p);
      let calls = 0;
      const stale = await api.get(p, { onDownloadProgress: () => void calls++ });
      expect(stale.cache?.state).to.equal('stale');
      await api.cache.idle();
      expect(ctx.server.count(p)).to.equal(2);
      expect(calls).to.equal(0);
    });

    it('RFC 5861 §3 beyond the window the caller waits for the origin', async () => {
      // Age: 30 on max-age=1 is 29 s stale: outside a 10 s window. The ETag keeps the entry stored.
      const { p } = staleFirst('swr-beyond', 'max-age=1, stale-while-revalidate=10', 'max-age=600', { etag: '"w"' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await api.get(p);
      expect(res.cache?.state).to.equal('miss');
      expect(res.data).to.deep.equal({ n: 2 });
    });

    it('RFC 5861 §3 exactly one background refresh per key, however many stale hits arrive meanwhile', async () => {
      const { p, state } = staleFirst('swr-single-flight', 'max-age=1, stale-while-revalidate=600');
      const api = cachedClient(ctx.server);
      await api.get(p);
      let release!: () => void;
      state.hold = new Promise((resolve) => (release = resolve)); // the refresh hangs until released
      const burst = await Promise.all(Array.from({ length: 10 }, () => api.get(p)));
      const more = [await api.get(p), await api.get(p)];
      release();
      expect([...burst, ...more].map((r) => r.cache?.state)).to.deep.equal(Array(12).fill('stale'));
      expect([...burst, ...more].every((r) => r.data.n === 1)).to.equal(true);
      await api.cache.idle();
      expect(ctx.server.count(p)).to.equal(2);
      expect((await api.get(p)).data).to.deep.equal({ n: 2 });
    });

    it('RFC 5861 §3 the background refresh revalidates with the stored validator', async () => {
      const p = route('swr-conditional', (req, res) => {
        if (req.headers['if-none-match'] === '"s1"') return void res.writeHead(304, { etag: '"s1"', 'cache-control': 'max-age=600' }).end();
        res.writeHead(200, { etag: '"s1"', 'cache-control': 'max-age=1, stale-while-revalidate=600', age: '30' }).end('validated');
      });
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('stale');
      await api.cache.idle();
      const next = await api.get(p);
      expect([next.cache?.state, next.data]).to.deep.equal(['hit', 'validated']);
      expect(seen(ctx.server, p).map((r) => r.headers['if-none-match'])).to.deep.equal([undefined, '"s1"']);
    });

    it('RFC 5861 §3 a failing background refresh is reported through debug and never rejects', async () => {
      let n = 0;
      const p = route('swr-failing', (req, res) => {
        if (++n > 1) return void req.socket.destroy();
        res.writeHead(200, { 'cache-control': 'max-age=1, stale-while-revalidate=600', age: '30' }).end('kept');
      });
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const { api, events } = recordingClient(ctx.server);
        await api.get(p);
        const stale = await api.get(p);
        expect([stale.cache?.state, stale.data]).to.deep.equal(['stale', 'kept']);
        await api.cache.idle();
        const errors = events.filter((e) => e.type === 'error');
        expect(errors).to.have.length(1);
        expect(errors[0]).to.include({ operation: 'revalidate', key: stale.cache?.key });
        expect(errors[0]!.error).to.be.instanceOf(AxiosError);
        // The stale entry still answers, and a later refresh is tried again.
        const again = await api.get(p);
        expect([again.cache?.state, again.data]).to.deep.equal(['stale', 'kept']);
        await api.cache.idle();
        await sleep(50); // let any stray rejection surface
        expect(unhandled).to.deep.equal([]);
        expect(ctx.server.count(p)).to.equal(3);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('§4.2.4 must-revalidate forbids serving stale, stale-while-revalidate included', async () => {
      const p = route('swr-must-revalidate', async (req, res) => {
        if (req.headers['if-none-match'] === '"m1"') {
          await sleep(100);
          return void res.writeHead(304, { etag: '"m1"' }).end();
        }
        res.writeHead(200, { etag: '"m1"', 'cache-control': 'max-age=1, must-revalidate, stale-while-revalidate=600', age: '30' }).end('strict');
      });
      const api = cachedClient(ctx.server, { staleWhileRevalidate: '10m' });
      await api.get(p);
      const res = await api.get(p);
      expect(res.cache?.state).to.equal('revalidated');
      expect(ctx.server.count(p)).to.equal(2);
    });

    it("RFC 5861 §3 a caller's own http agent carries the background refresh", async () => {
      const { p } = staleFirst('swr-own-agent', 'max-age=1, stale-while-revalidate=600');
      let connections = 0;
      class CountingAgent extends http.Agent {
        override createConnection(...args: Parameters<http.Agent['createConnection']>) {
          connections++;
          return super.createConnection(...args);
        }
      }
      const agent = new CountingAgent({ keepAlive: false });
      const api = cachedClient(ctx.server);
      api.defaults.httpAgent = agent;
      await api.get(p);
      await api.get(p);
      await api.cache.idle();
      expect(ctx.server.count(p)).to.equal(2);
      expect(connections).to.equal(2);
      agent.destroy();
    });

    it('RFC 5861 §3 a background refresh to an origin that never answers does not keep the process alive', async function () {
      this.timeout(60_000);
      let n = 0;
      const p = route('swr-exit', (_req, res) => {
        // The first request is answered; the refresh is left hanging, as by a dead origin.
        if (++n === 1) res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=1, stale-while-revalidate=600', age: '30' }).end('{"v":1}');
      });
      const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'spec/adapter/http/fixtures/swr-exit.ts'), `${ctx.server.url}${p}`], {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      // Generous: tsx compiles on start-up on a busy machine. A process held open stays forever.
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, 30_000);
      const code = await new Promise<number | null>((done) => child.on('exit', (c) => done(c)));
      clearTimeout(timer);
      expect(killed, `the child did not exit on its own (stderr: ${stderr})`).to.equal(false);
      expect(code, stderr).to.equal(0);
      expect(JSON.parse(stdout)).to.deep.equal({ first: 'miss', second: 'stale', data: { v: 1 } });
      expect(n, 'the background refresh reached the origin').to.equal(2);
    });
  });

  describe('stale-if-error (RFC 5861 §4)', () => {
    /**
     * An origin that answers `{ n: 1 }` stale on arrival with `cacheControl` (Age: 30), then fails
     * the way `state.failure` says: a status, or 'reset' (socket destroyed).
     */
    function failing(name: string, cacheControl: string, extra: Record<string, string> = {}) {
      const state: { failure: number | 'reset' } = { failure: 500 };
      let n = 0;
      const p = route(name, (req, res) => {
        if (++n === 1) {
          return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': cacheControl, age: '30', ...extra }).end('{"n":1}');
        }
        if (state.failure === 'reset') return void req.socket.destroy();
        res.writeHead(state.failure, { 'content-type': 'text/plain' }).end('origin failed');
      });
      return { p, state };
    }

    it('RFC 5861 §4 from the response: a network error (socket destroyed) is answered with the stale entry', async () => {
      const { p, state } = failing('sie-reset', 'max-age=1, stale-if-error=600');
      state.failure = 'reset';
      const { api, events } = recordingClient(ctx.server);
      await api.get(p);
      const res = await api.get(p);
      expect([res.status, res.cache?.state, res.data]).to.deep.equal([200, 'stale', { n: 1 }]);
      expect(events.some((e) => e.type === 'stale')).to.equal(true);
    });

    for (const status of [500, 502, 503, 504]) {
      it(`RFC 5861 §4 from the response: a ${status} is answered with the stale entry`, async () => {
        const { p, state } = failing(`sie-${status}`, 'max-age=1, stale-if-error=600');
        state.failure = status;
        const api = cachedClient(ctx.server);
        await api.get(p);
        const res = await api.get(p);
        expect([res.status, res.cache?.state, res.data]).to.deep.equal([200, 'stale', { n: 1 }]);
        expect(ctx.server.count(p)).to.equal(2);
      });
    }

    it('RFC 5861 §4 a server that is gone (connection refused) is answered with the stale entry', async () => {
      const origin = await startServer();
      origin.route('/gone', (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=1, stale-if-error=600', age: '30' }).end('last words'));
      const api = cachedClient(origin);
      await api.get('/gone');
      await origin.close();
      const res = await api.get('/gone');
      expect([res.cache?.state, res.data]).to.deep.equal(['stale', 'last words']);
    });

    it('RFC 5861 §4 from the staleIfError option (a window, or true)', async () => {
      for (const staleIfError of ['10m', true] as const) {
        const { p } = failing('sie-option', 'max-age=1');
        const api = cachedClient(ctx.server, { staleIfError });
        await api.get(p);
        const res = await api.get(p);
        expect([res.cache?.state, res.data]).to.deep.equal(['stale', { n: 1 }]);
      }
    });

    it("RFC 5861 §4 from the request's own stale-if-error directive", async () => {
      const { p } = failing('sie-request', 'max-age=1', { etag: '"r"' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await api.get(p, { headers: { 'cache-control': 'stale-if-error=600' } });
      expect([res.cache?.state, res.data]).to.deep.equal(['stale', { n: 1 }]);
    });

    it('RFC 5861 §4 not beyond its window: the error reaches the caller', async () => {
      // 29 s stale, a 5 s window; the ETag keeps the entry stored for revalidation.
      const { p, state } = failing('sie-beyond', 'max-age=1, stale-if-error=5', { etag: '"b"' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await settled(api.get(p));
      expect([res.status, res.cached, res.data]).to.deep.equal([500, false, 'origin failed']);
      state.failure = 'reset';
      const error = await api.get(p).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AxiosError);
      expect((error as AxiosError).response).to.equal(undefined);
    });

    it('§4.2.4 never with must-revalidate, whatever the directive or option says', async () => {
      const { p, state } = failing('sie-must-revalidate', 'max-age=1, must-revalidate, stale-if-error=600', { etag: '"m"' });
      const api = cachedClient(ctx.server, { staleIfError: true });
      await api.get(p);
      const res = await settled(api.get(p));
      expect([res.status, res.cached]).to.deep.equal([500, false]);
      state.failure = 'reset';
      const error = await api.get(p).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AxiosError);
      expect((error as AxiosError).response).to.equal(undefined);
    });

    it('RFC 5861 §4 a status that is not an error (404) is passed on, not replaced by the stale entry', async () => {
      const { p, state } = failing('sie-404', 'max-age=1, stale-if-error=600');
      state.failure = 404;
      const api = cachedClient(ctx.server);
      await api.get(p);
      const res = await settled(api.get(p));
      expect([res.status, res.cached]).to.deep.equal([404, false]);
    });
  });
});
