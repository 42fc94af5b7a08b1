/**
 * A response from the cache that validateStatus rejects fails exactly as the same response from
 * the network would: same class, message and code (axios' own settle for the installed version).
 */
import axios, { AxiosError, type AxiosInstance } from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { useServer } from '../helpers/server.js';

describe('adapter: rejections from the cache equal axios’ own', () => {
  const ctx = useServer();
  let seq = 0;

  async function failure(api: AxiosInstance, path: string, config: object = {}): Promise<AxiosError> {
    const error = await api.get(path, config).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(AxiosError);
    return error as AxiosError;
  }

  const cases: Array<{ name: string; status: number; headers?: Record<string, string>; config?: object }> = [
    { name: 'a stored 302 under maxRedirects: 0', status: 302, headers: { location: '/elsewhere' }, config: { maxRedirects: 0 } },
    { name: 'a stored 410', status: 410 },
    { name: 'a stored 404', status: 404 },
    { name: 'a stored 503', status: 503 },
  ];
  for (const c of cases) {
    it(`${c.name}: same message and code from the cache as from the network`, async () => {
      const p = `/reject-${++seq}`;
      ctx.server.route(p, (_req, res) => res.writeHead(c.status, { 'cache-control': 'public, max-age=600', ...c.headers }).end('x'));
      const plain = axios.create({ baseURL: ctx.server.url });
      const cached = setupCache(axios.create({ baseURL: ctx.server.url }), { statuses: [c.status] });
      const fromNetwork = await failure(plain, p, c.config);
      await failure(cached, p, c.config);
      const fromCache = await failure(cached, p, c.config);
      expect(fromCache.response?.cache?.state).to.equal('hit');
      expect({ code: fromCache.code, message: fromCache.message, status: fromCache.response?.status }).to.deep.equal({
        code: fromNetwork.code,
        message: fromNetwork.message,
        status: fromNetwork.response?.status,
      });
    });
  }

  it('a 304 the cache answers to the client’s own If-None-Match rejects like the origin’s 304', async () => {
    const p = `/reject-304-${++seq}`;
    ctx.server.route(p, (req, res) => {
      if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { etag: '"v1"', 'cache-control': 'max-age=600' }).end('x');
    });
    const conditional = { headers: { 'if-none-match': '"v1"' } };
    const fromNetwork = await failure(axios.create({ baseURL: ctx.server.url }), p, conditional);
    const cached = setupCache(axios.create({ baseURL: ctx.server.url }));
    await cached.get(p);
    const fromCache = await failure(cached, p, conditional);
    expect(fromCache.response?.cache?.state).to.equal('hit');
    expect([fromCache.code, fromCache.message, fromCache.response?.status]).to.deep.equal([fromNetwork.code, fromNetwork.message, 304]);
  });

  it('only-if-cached with nothing stored answers 504, rejected as axios rejects a 504', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    const error = await failure(api, `/never-${++seq}`, { cache: { mode: 'only-if-cached' } });
    expect(error.response?.status).to.equal(504);
    expect(error.code).to.equal(AxiosError.ERR_BAD_RESPONSE);
  });
});
