/**
 * Storability end to end (RFC 9111 §3): which responses a private and a shared cache may store,
 * observed through what reaches the origin and through `api.cache.getEntry(key)`.
 */
import { expect } from 'chai';
import type { Handler } from '../../helpers/server.js';
import { countingJson, useServer } from '../../helpers/server.js';
import { cachedClient, seen, uniquePath } from './helpers.js';

describe('HTTP storability (RFC 9111 §3)', () => {
  const ctx = useServer();

  function route(name: string, handler: Handler): string {
    const p = uniquePath(name);
    ctx.server.route(p, handler);
    return p;
  }
  const json = (name: string, headers: Record<string, string> = {}) => route(name, countingJson(headers));

  describe('no-store', () => {
    it('§5.2.2.5 a no-store response is never stored, even with a ttl', async () => {
      const p = json('no-store', { 'cache-control': 'no-store, max-age=60' });
      const api = cachedClient(ctx.server, { ttl: '1m' });
      const first = await api.get(p);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(second.data).to.deep.equal({ n: 2 });
      expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
    });

    it('§5.2.1.5 a request with no-store stores nothing of its response', async () => {
      const p = json('req-no-store', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server);
      const first = await api.get(p, { headers: { 'cache-control': 'no-store' } });
      expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
      const second = await api.get(p);
      expect(second.cached).to.equal(false);
      expect(second.data).to.deep.equal({ n: 2 });
    });

    it('§5.2.1.5 a request with no-store goes to the origin and leaves the stored entry alone', async () => {
      const p = json('req-no-store-entry', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      const noStore = await api.get(p, { headers: { 'cache-control': 'no-store' } });
      expect(noStore.cached).to.equal(false);
      expect(noStore.data).to.deep.equal({ n: 2 });
      const after = await api.get(p);
      expect(after.cache?.state).to.equal('hit');
      expect(after.data).to.deep.equal({ n: 1 });
    });
  });

  describe('private', () => {
    it('§5.2.2.7 a private response is stored by a private cache', async () => {
      const p = json('private-private', { 'cache-control': 'private, max-age=60' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
      expect(ctx.server.count(p)).to.equal(1);
    });

    for (const cc of ['private, max-age=60', 'private="set-cookie", max-age=60', 'public, private, max-age=60']) {
      it(`§5.2.2.7 a shared cache does not store "${cc}"`, async () => {
        const p = json('private-shared', { 'cache-control': cc });
        const api = cachedClient(ctx.server, { shared: true });
        const first = await api.get(p);
        expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
        expect((await api.get(p)).cached).to.equal(false);
        expect(ctx.server.count(p)).to.equal(2);
      });
    }
  });

  describe('Authorization (§3.5)', () => {
    const auth = { headers: { authorization: 'Bearer secret-token-123' } };

    it('§3.5 a shared cache does not store a response to a request with Authorization', async () => {
      const p = json('auth-shared', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server, { shared: true });
      const first = await api.get(p, auth);
      expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
      expect((await api.get(p, auth)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });

    for (const cc of ['public, max-age=60', 's-maxage=60', 'max-age=60, must-revalidate']) {
      it(`§3.5 ... unless the response says "${cc}"`, async () => {
        const p = json('auth-shared-allowed', { 'cache-control': cc });
        const api = cachedClient(ctx.server, { shared: true });
        await api.get(p, auth);
        const hit = await api.get(p, auth);
        expect(hit.cache?.state).to.equal('hit');
        expect(ctx.server.count(p)).to.equal(1);
      });
    }

    it('§3.5 a private cache stores it, and the credentials never enter the entry', async () => {
      const p = json('auth-private', { 'cache-control': 'max-age=60' });
      const api = cachedClient(ctx.server);
      await api.get(p, auth);
      const hit = await api.get(p, auth);
      expect(hit.cache?.state).to.equal('hit');
      const entry = await api.cache.getEntry(hit.cache!.key);
      expect(entry).to.not.equal(undefined);
      expect(JSON.stringify(entry)).to.not.contain('secret-token-123');
      // Another user's credentials are another key: no answer meant for the first user.
      const other = await api.get(p, { headers: { authorization: 'Bearer someone-else' } });
      expect(other.cached).to.equal(false);
    });
  });

  describe('Set-Cookie', () => {
    it('§7.3 a shared cache never persists Set-Cookie: such a response is not stored', async () => {
      const p = json('cookie-shared', { 'cache-control': 'public, max-age=60', 'set-cookie': 'session=alice; Path=/' });
      const api = cachedClient(ctx.server, { shared: true });
      const first = await api.get(p);
      expect(first.headers['set-cookie']).to.deep.equal(['session=alice; Path=/']); // the caller still gets it
      expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
      const second = await api.get(p);
      expect(second.cached, 'one user\'s cookie is never replayed to another').to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });

    it('§7.3 a shared cache does not take Set-Cookie from a 304 into the entry', async () => {
      const p = route('cookie-304', (req, res) => {
        if (req.headers['if-none-match'] === '"c1"') {
          return void res.writeHead(304, { etag: '"c1"', 'cache-control': 'public, max-age=60', 'set-cookie': 'session=bob' }).end();
        }
        res.writeHead(200, { etag: '"c1"', 'cache-control': 'public, max-age=0' }).end('body');
      });
      const api = cachedClient(ctx.server, { shared: true });
      const first = await api.get(p);
      const revalidated = await api.get(p);
      expect(revalidated.cache?.state).to.equal('revalidated');
      const entry = await api.cache.getEntry(first.cache!.key);
      expect(entry).to.not.equal(undefined);
      expect(entry!.headers['set-cookie']).to.equal(undefined);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expect(hit.headers['set-cookie']).to.equal(undefined);
    });

    it('a private cache stores the response without Set-Cookie by default (a server calling an API for many users is "private" to axios)', async () => {
      const p = json('cookie-private', { 'cache-control': 'max-age=60', 'set-cookie': 'session=alice' });
      const api = cachedClient(ctx.server);
      const first = await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expect(hit.headers['set-cookie']).to.equal(undefined);
      expect((await api.cache.getEntry(first.cache!.key))?.headers['set-cookie']).to.equal(undefined);
    });

    it('§3 a private cache keeps Set-Cookie when storeSetCookie asks for it (it serves one user)', async () => {
      const p = json('cookie-private-kept', { 'cache-control': 'max-age=60', 'set-cookie': 'session=alice' });
      const api = cachedClient(ctx.server, { storeSetCookie: true });
      const first = await api.get(p);
      const hit = await api.get(p);
      expect(hit.cache?.state).to.equal('hit');
      expect((await api.cache.getEntry(first.cache!.key))?.headers['set-cookie']).to.deep.equal(['session=alice']);
    });
  });

  describe('Vary: *', () => {
    for (const vary of ['*', 'accept, *']) {
      it(`§4.1 a response with "Vary: ${vary}" is never stored`, async () => {
        const p = json('vary-star', { 'cache-control': 'max-age=60', vary });
        const api = cachedClient(ctx.server, { ttl: '1m' });
        const first = await api.get(p);
        expect(await api.cache.getEntry(first.cache!.key)).to.equal(undefined);
        expect((await api.get(p)).cached).to.equal(false);
        expect(ctx.server.count(p)).to.equal(2);
      });
    }
  });

  describe('must-understand', () => {
    it('§5.2.2.3 with must-understand, a cache that understands the status ignores no-store', async () => {
      const p = json('must-understand', { 'cache-control': 'must-understand, no-store, max-age=60' });
      const api = cachedClient(ctx.server);
      await api.get(p);
      expect((await api.get(p)).cache?.state).to.equal('hit');
      expect(ctx.server.count(p)).to.equal(1);
    });

    it('§5.2.2.3 a status the cache does not understand is not stored under must-understand', async () => {
      const p = route('must-understand-299', (_req, res) => void res.writeHead(299, { 'cache-control': 'must-understand, no-store, max-age=60' }).end('odd'));
      const api = cachedClient(ctx.server);
      const first = await api.get(p);
      expect(first.status).to.equal(299);
      expect((await api.get(p)).cached).to.equal(false);
      expect(ctx.server.count(p)).to.equal(2);
    });
  });

  describe('methods', () => {
    it('§3 a POST response is not stored unless POST is in `methods`', async () => {
      const p = route('post', (_req, res, body) => void res.writeHead(200, { 'cache-control': 'max-age=60', 'content-type': 'application/json' }).end(body));
      const plain = cachedClient(ctx.server);
      await plain.post(p, { q: 1 });
      const again = await plain.post(p, { q: 1 });
      expect(again.cached).to.equal(false);
      expect(again.cache).to.equal(undefined); // not cacheable: passed straight through

      const withPost = cachedClient(ctx.server, { methods: ['get', 'post'] });
      await withPost.post(p, { q: 1 });
      const hit = await withPost.post(p, { q: 1 });
      expect(hit.cache?.state).to.equal('hit');
      expect(hit.data).to.deep.equal({ q: 1 });
      // The stored POST answers neither another body nor a GET of the same URL.
      expect((await withPost.post(p, { q: 2 })).cached).to.equal(false);
      expect((await withPost.get(p)).cached).to.equal(false);
      expect(seen(ctx.server, p).map((r) => r.method)).to.deep.equal(['POST', 'POST', 'POST', 'POST', 'GET']);
    });
  });
});
