import axios from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { useServer } from '../helpers/server.js';

/** The cache wraps whichever adapter the instance would use; each must give the same behaviour. */
describe('adapter: wrapping axios’ own adapters', () => {
  const ctx = useServer();

  for (const adapter of ['http', 'fetch'] as const) {
    it(`${adapter}: miss, hit, binary and a revalidated hit`, async () => {
      let n = 0;
      const p = `/wrapped-${adapter}`;
      ctx.server.route(p, (req, res) => {
        n++;
        if (req.headers['if-none-match'] === '"b"') return void res.writeHead(304, { etag: '"b"', 'cache-control': 'max-age=0' }).end();
        res.writeHead(200, { 'content-type': 'application/octet-stream', etag: '"b"', 'cache-control': 'max-age=0' }).end(Buffer.from([0, 1, 2, 255]));
      });
      ctx.server.route(`${p}/json`, (_req, res) => void res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"ok":true}'));
      const api = setupCache(axios.create({ baseURL: ctx.server.url, adapter }));
      const miss = await api.get(`${p}/json`);
      const hit = await api.get(`${p}/json`);
      expect([miss.cache?.state, hit.cache?.state]).to.deep.equal(['miss', 'hit']);
      expect(hit.data).to.deep.equal({ ok: true });

      const first = await api.get(p, { responseType: 'arraybuffer' });
      const again = await api.get(p, { responseType: 'arraybuffer' });
      expect(again.cache?.state).to.equal('revalidated');
      expect([...new Uint8Array(again.data as ArrayBuffer)]).to.deep.equal([0, 1, 2, 255]);
      expect([...new Uint8Array(first.data as ArrayBuffer)]).to.deep.equal([0, 1, 2, 255]);
      expect(n).to.equal(2);
    });
  }
});
