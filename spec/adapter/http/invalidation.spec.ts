/**
 * Invalidation end to end (RFC 9111 §4.4): a successful unsafe request invalidates the stored
 * responses of its target URI and of same-origin Location / Content-Location URIs.
 */
import { AxiosError, type Method } from 'axios';
import { expect } from 'chai';
import type { TestServer } from '../../helpers/server.js';
import { startServer, useServer } from '../../helpers/server.js';
import { cachedClient, settled, uniquePath } from './helpers.js';

describe('HTTP invalidation (RFC 9111 §4.4)', () => {
  const ctx = useServer();

  /**
   * One resource: GET answers `{ n }` fresh for ten minutes; any other method answers
   * `status` with `headers` (set per test; status 0 destroys the socket instead).
   */
  function resource(server: TestServer, name: string) {
    const unsafe = { status: 204, headers: {} as Record<string, string> };
    const p = uniquePath(name);
    let n = 0;
    server.route(p, (req, res) => {
      if (req.method === 'GET' || req.method === 'HEAD') {
        return void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(JSON.stringify({ n: ++n }));
      }
      if (unsafe.status === 0) return void req.socket.destroy(); // no answer at all
      res.writeHead(unsafe.status, unsafe.headers).end();
    });
    return { p, unsafe, url: `${server.url}${p}` };
  }

  const methods: Array<{ name: string; send: (api: ReturnType<typeof cachedClient>, p: string) => Promise<unknown> }> = [
    { name: 'POST', send: (api, p) => api.post(p, { a: 1 }) },
    { name: 'PUT', send: (api, p) => api.put(p, { a: 1 }) },
    { name: 'PATCH', send: (api, p) => api.patch(p, { a: 1 }) },
    { name: 'DELETE', send: (api, p) => api.delete(p) },
    { name: 'PURGE (unknown to axios)', send: (api, p) => api.request({ url: p, method: 'PURGE' as Method }) },
  ];

  for (const { name, send } of methods) {
    it(`§4.4 a successful ${name} invalidates the stored GET of its URL`, async () => {
      const { p } = resource(ctx.server, `invalidate-${name.split(' ')[0]!.toLowerCase()}`);
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
      await send(api, p);
      const after = await api.get(p);
      expect(after.cache?.state).to.equal('miss');
      expect(after.data).to.deep.equal({ n: 2 });
    });
  }

  it('§4.4 the stored HEAD of the URL is invalidated too', async () => {
    const { p } = resource(ctx.server, 'invalidate-head');
    const api = cachedClient(ctx.server);
    await api.head(p);
    expect((await api.head(p)).cache?.state).to.equal('hit');
    await api.delete(p);
    expect((await api.head(p)).cache?.state).to.equal('miss');
  });

  it('§4.4 an authenticated unsafe request also invalidates the anonymous entry of its URL', async () => {
    const { p } = resource(ctx.server, 'invalidate-authenticated');
    const api = cachedClient(ctx.server);
    await api.get(p);
    await api.get(p, { headers: { authorization: 'Bearer alice' } });
    await api.put(p, { a: 1 }, { headers: { authorization: 'Bearer alice' } });
    expect((await api.get(p)).cache?.state).to.equal('miss');
    expect((await api.get(p, { headers: { authorization: 'Bearer alice' } })).cache?.state).to.equal('miss');
  });

  it('§4.4 a cached POST (POST in `methods`) invalidates the stored GET as well', async () => {
    const { p } = resource(ctx.server, 'invalidate-cached-post');
    const api = cachedClient(ctx.server, { methods: ['get', 'head', 'post'] });
    await api.get(p);
    await api.post(p, { a: 1 });
    expect((await api.get(p)).cache?.state).to.equal('miss');
  });

  it('§4.4 every Vary variant of the URL is invalidated', async () => {
    const p = uniquePath('invalidate-vary');
    let n = 0;
    ctx.server.route(p, (req, res) => {
      if (req.method !== 'GET') return void res.writeHead(204).end();
      res.writeHead(200, { 'cache-control': 'max-age=600', vary: 'accept-language' }).end(`${req.headers['accept-language']} ${++n}`);
    });
    const api = cachedClient(ctx.server);
    const get = (language: string) => api.get(p, { headers: { 'accept-language': language } });
    await get('en');
    await get('fr');
    expect([(await get('en')).cache?.state, (await get('fr')).cache?.state]).to.deep.equal(['hit', 'hit']);
    await api.put(p, { a: 1 });
    const [en, fr] = [await get('en'), await get('fr')];
    expect([en.cache?.state, en.data, fr.cache?.state, fr.data]).to.deep.equal(['miss', 'en 3', 'miss', 'fr 4']);
  });

  it('§4.4 a same-origin Location is invalidated (resolved against the request URL)', async () => {
    const target = resource(ctx.server, 'location-target');
    const collection = resource(ctx.server, 'location-collection');
    collection.unsafe.status = 201;
    collection.unsafe.headers = { location: target.p.slice(1) }; // relative: "location-target-…"
    const api = cachedClient(ctx.server);
    await api.get(target.p);
    await api.post(collection.p, { a: 1 });
    expect((await api.get(target.p)).cache?.state).to.equal('miss');
  });

  it('§4.4 a same-origin Content-Location is invalidated, whatever the order of its query parameters', async () => {
    const target = resource(ctx.server, 'content-location-target');
    const writer = resource(ctx.server, 'content-location-writer');
    writer.unsafe.status = 200;
    writer.unsafe.headers = { 'content-location': `${target.url}?b=2&a=1` };
    const api = cachedClient(ctx.server);
    await api.get(target.p, { params: { a: 1, b: 2 } });
    expect((await api.get(target.p, { params: { a: 1, b: 2 } })).cache?.state).to.equal('hit');
    await api.put(writer.p, { a: 1 });
    expect((await api.get(target.p, { params: { a: 1, b: 2 } })).cache?.state).to.equal('miss');
  });

  describe('what is left alone', () => {
    let other: TestServer;
    before(async () => {
      other = await startServer();
    });
    after(async () => {
      await other.close();
    });

    it('§4.4 a cross-origin Location or Content-Location is not invalidated', async () => {
      const foreign = resource(other, 'foreign');
      const writer = resource(ctx.server, 'cross-origin-writer');
      writer.unsafe.status = 201;
      writer.unsafe.headers = { location: foreign.url, 'content-location': foreign.url };
      const api = cachedClient(ctx.server);
      await api.get(foreign.url);
      await api.post(writer.p, { a: 1 });
      const after = await api.get(foreign.url);
      expect(after.cache?.state).to.equal('hit');
      expect(other.count(foreign.p)).to.equal(1);
    });

    for (const status of [400, 404, 409, 500, 503]) {
      it(`§4.4 a failed unsafe request (${status}) invalidates nothing`, async () => {
        const { p, unsafe } = resource(ctx.server, `failed-${status}`);
        unsafe.status = status;
        const api = cachedClient(ctx.server);
        await api.get(p);
        const error = await api.delete(p).catch((e: unknown) => e);
        expect((error as AxiosError).response?.status).to.equal(status);
        // Nor when the caller accepts the status as a success.
        await api.post(p, {}, { validateStatus: () => true });
        expect((await api.get(p)).cache?.state).to.equal('hit');
      });
    }

    it('§4.4 an unsafe request that never got an answer invalidates nothing', async () => {
      const { p, unsafe } = resource(ctx.server, 'no-answer');
      unsafe.status = 0;
      const api = cachedClient(ctx.server);
      await api.get(p);
      const error = await api.post(p, { a: 1 }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(AxiosError);
      expect((error as AxiosError).response).to.equal(undefined);
      expect((await api.get(p)).cache?.state).to.equal('hit');
    });

    it('§4.4 a safe method (OPTIONS) invalidates nothing', async () => {
      const { p } = resource(ctx.server, 'options');
      const api = cachedClient(ctx.server);
      await api.get(p);
      await api.options(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
    });
  });

  it("§4.4 success is the origin's status, not the caller's validateStatus: a 2xx the caller rejects still invalidates", async () => {
    const { p, unsafe } = resource(ctx.server, 'validate-status');
    unsafe.status = 202;
    const api = cachedClient(ctx.server);
    await api.get(p);
    const error = await api.delete(p, { validateStatus: (s) => s === 200 }).catch((e: unknown) => e);
    expect((error as AxiosError).response?.status).to.equal(202);
    const after = await settled(api.get(p));
    expect(after.cache?.state).to.equal('miss');
  });
});
