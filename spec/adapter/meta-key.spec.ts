import axios from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { useServer } from '../helpers/server.js';

describe('adapter: res.cache.key names the stored entry', () => {
  const ctx = useServer();

  it('for a Vary variant, on the miss and on the hit', async () => {
    ctx.server.route('/varied', (req, res) =>
      void res.writeHead(200, { 'cache-control': 'max-age=60', vary: 'accept-language' }).end(`lang ${req.headers['accept-language']}`),
    );
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    const miss = await api.get('/varied', { headers: { 'accept-language': 'fr' } });
    const hit = await api.get('/varied', { headers: { 'accept-language': 'fr' } });
    expect(hit.cached).to.equal(true);
    expect((await api.cache.getEntry(miss.cache!.key))?.body).to.deep.equal(new TextEncoder().encode('lang fr'));
    expect(hit.cache!.key).to.equal(miss.cache!.key);
  });

  it('for a redirected request: the final URL’s entry', async () => {
    ctx.server.route('/old', (_req, res) => void res.writeHead(301, { location: '/new' }).end());
    ctx.server.route('/new', (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=60' }).end('new'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    const miss = await api.get('/old');
    const hit = await api.get('/old');
    expect(hit.cached).to.equal(true);
    expect((await api.cache.getEntry(miss.cache!.key))?.url).to.equal(`${ctx.server.url}/new`);
    expect(hit.cache!.key).to.equal(miss.cache!.key);
    expect((await api.get('/new')).cached).to.equal(true);
  });
});
