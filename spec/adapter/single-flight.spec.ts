import axios, { AxiosError, CanceledError } from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { sleep, useServer } from '../helpers/server.js';

describe('adapter: single-flight on a miss', () => {
  const ctx = useServer();
  let seq = 0;

  /** A route that answers after `delay` ms, counting its calls. */
  function slowRoute(delay: number, status = 200) {
    const p = `/flight-${++seq}`;
    let n = 0;
    ctx.server.route(p, async (_req, res) => {
      n++;
      await sleep(delay);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ n }));
    });
    return p;
  }

  it('100 concurrent identical requests make one network request, each caller gets its own object', async () => {
    const p = slowRoute(100);
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const responses = await Promise.all(Array.from({ length: 100 }, () => api.get(p)));
    expect(ctx.server.count(p)).to.equal(1);
    expect(responses.every((r) => r.data.n === 1)).to.equal(true);
    expect(new Set(responses.map((r) => r.data)).size).to.equal(100);
    expect(new Set(responses.map((r) => r)).size).to.equal(100);
  });

  it('a failing flight rejects every waiter and leaves nothing stuck', async () => {
    const p = `/flight-fail-${++seq}`;
    let calls = 0;
    ctx.server.route(p, async (req, res) => {
      calls++;
      await sleep(50);
      if (calls === 1) return void req.socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => api.get(p)));
    expect(results.every((r) => r.status === 'rejected')).to.equal(true);
    expect(calls).to.equal(1);
    const after = await api.get(p);
    expect(after.data).to.deep.equal({ ok: true });
    expect(calls).to.equal(2);
  });

  it('a leader cancelled by its own signal does not fail the others', async () => {
    const p = slowRoute(150);
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const controller = new AbortController();
    const leader = api.get(p, { signal: controller.signal });
    const followers = Array.from({ length: 5 }, () => api.get(p));
    await sleep(30);
    controller.abort();
    const leaderError = await leader.catch((e: unknown) => e);
    expect(leaderError).to.be.instanceOf(CanceledError);
    expect(axios.isCancel(leaderError)).to.equal(true);
    const done = await Promise.all(followers);
    expect(done.every((r) => r.data.n === 1)).to.equal(true);
    expect(ctx.server.count(p)).to.equal(1);
  });

  it('when every caller cancels, the shared request is aborted and the next request starts afresh', async () => {
    const p = slowRoute(200);
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const controllers = [new AbortController(), new AbortController()];
    const calls = controllers.map((c) => api.get(p, { signal: c.signal }).catch((e: unknown) => e));
    await sleep(30);
    controllers.forEach((c) => c.abort());
    const errors = await Promise.all(calls);
    expect(errors.every((e) => axios.isCancel(e))).to.equal(true);
    const fresh = await api.get(p);
    expect(fresh.cached).to.equal(false);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('an already-aborted signal rejects at once', async () => {
    const p = slowRoute(10);
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const controller = new AbortController();
    controller.abort();
    const error = await api.get(p, { signal: controller.signal }).catch((e: unknown) => e);
    expect(axios.isCancel(error)).to.equal(true);
  });

  it("an origin error status reaches every waiter as that caller's AxiosError", async () => {
    const p = slowRoute(50, 500);
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => api.get(p)));
    expect(ctx.server.count(p)).to.equal(1);
    for (const r of results) {
      expect(r.status).to.equal('rejected');
      expect(((r as PromiseRejectedResult).reason as AxiosError).response?.status).to.equal(500);
    }
  });

  it('a request timeout still applies: nothing waits forever on a server that never answers', async () => {
    const p = `/flight-hang-${++seq}`;
    ctx.server.route(p, () => undefined);
    const api = setupCache(axios.create({ baseURL: ctx.server.url, timeout: 150 }), { ttl: '1m' });
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => api.get(p)));
    for (const r of results) expect(((r as PromiseRejectedResult).reason as AxiosError).code).to.equal('ECONNABORTED');
  });
});
