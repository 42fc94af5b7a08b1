import axios from 'axios';
import { expect } from 'chai';
import { memoryStorage, setupCache } from '../../lib/index.js';
import type { CacheEntry } from '../../lib/entry.js';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStorage } from '../../lib/storage/file.js';
import { useServer } from '../helpers/server.js';

function entry(url: string, bytes = 10): CacheEntry {
  const now = Date.now();
  return {
    method: 'GET', url, status: 200, statusText: 'OK', headers: {}, body: new Uint8Array(bytes), varyHeaders: {},
    requestTime: now, responseTime: now, createdAt: now, expiresAt: now + 60_000, deleteAt: now + 60_000,
  };
}
async function keysOf(store: ReturnType<typeof memoryStorage>) {
  const keys: string[] = [];
  for await (const k of store.keys()) keys.push(k);
  return keys;
}

describe('memory storage: bounded, LRU, expiring', () => {
  const ctx = useServer();
  it('holds at most maxEntries, evicting the least recently used', async () => {
    const store = memoryStorage({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) await store.set(k, entry(k), 60_000);
    await store.get('a'); // a is now the most recently used
    await store.set('d', entry('d'), 60_000);
    expect(await keysOf(store)).to.have.members(['a', 'c', 'd']);
    expect(store.size).to.equal(3);
  });

  it('defaults to 1000 entries', async () => {
    const store = memoryStorage();
    for (let i = 0; i < 1100; i++) await store.set(`k${i}`, entry(`u${i}`), 60_000);
    expect(store.size).to.equal(1000);
    expect(await store.get('k0')).to.equal(undefined);
    expect(await store.get('k1099')).to.not.equal(undefined);
  });

  it('defaults to 64 MiB of bodies: twenty 8 MiB entries keep the newest fitting ones', async () => {
    const store = memoryStorage();
    const MiB = 1024 * 1024;
    for (let i = 0; i < 20; i++) await store.set(`k${i}`, entry(`u${i}`, 8 * MiB), 60_000);
    expect(store.size).to.equal(7);
    expect(await store.get('k19')).to.not.equal(undefined);
    expect(await store.get('k12')).to.equal(undefined);
  });

  it('a refused entry does not open the circuit breaker: the store still caches what fits', async () => {
    const server = ctx.server;
    server.route('/huge', (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=60' }).end(Buffer.alloc(6000)));
    server.route('/small', (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=60' }).end('small'));
    const api = setupCache(axios.create({ baseURL: server.url }), { storage: memoryStorage({ maxBytes: 5000 }) });
    await api.get('/huge');
    await api.cache.idle();
    expect(api.cache.stats().errors).to.equal(1);
    expect(api.cache.health().ok).to.equal(true);
    await api.get('/small');
    await api.cache.idle();
    expect((await api.get('/small')).cached).to.equal(true);
  });

  it('holds at most maxBytes', async () => {
    const store = memoryStorage({ maxBytes: 10_000 });
    for (let i = 0; i < 10; i++) await store.set(`k${i}`, entry(`u${i}`, 2000), 60_000);
    expect(store.size).to.be.at.most(4);
    expect(await store.get('k9')).to.not.equal(undefined);
  });

  it('refuses an entry larger than maxBytes rather than evicting everything', async () => {
    const store = memoryStorage({ maxBytes: 5000 });
    await store.set('small', entry('s', 100), 60_000);
    let error: unknown;
    await store.set('huge', entry('h', 10_000), 60_000).catch((e: unknown) => (error = e));
    expect(String(error)).to.match(/exceeds memoryStorage maxBytes/);
    expect(await store.get('small')).to.not.equal(undefined);
  });

  it('removes expired entries and aliases', async () => {
    const store = memoryStorage();
    await store.set('short', entry('s'), 20);
    await store.setAlias('alias', { kind: 'redirect', target: 'short' }, 20);
    await new Promise((r) => setTimeout(r, 50));
    expect(await store.get('short')).to.equal(undefined);
    expect(await store.getAlias('alias')).to.equal(undefined);
    expect(store.size).to.equal(0);
  });

  describe('through an instance', () => {
    const ctx = useServer();
    it('a bounded cache keeps serving the recent URLs and forgets the old ones', async () => {
      let n = 0;
      ctx.server.route('/lru', (_req, res) => void res.writeHead(200).end(String(++n)));
      const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', storage: memoryStorage({ maxEntries: 2 }) });
      await api.get('/lru?i=1');
      await api.get('/lru?i=2');
      await api.get('/lru?i=3');
      expect((await api.get('/lru?i=3')).cached).to.equal(true);
      expect((await api.get('/lru?i=1')).cached).to.equal(false);
    });
  });
});

describe('CacheManager (api.cache)', () => {
  const ctx = useServer();
  it('gets, lists, deletes by key and by URL, clears, counts', async () => {
    let n = 0;
    ctx.server.route('/managed', (_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ n: ++n })));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const a = await api.get('/managed?x=1');
    const b = await api.get('/managed?x=2');
    const stored = await api.cache.getEntry(a.cache!.key);
    expect(stored?.url).to.equal(`${ctx.server.url}/managed?x=1`);
    expect(stored?.method).to.equal('GET');
    const keys: string[] = [];
    for await (const key of api.cache.keys()) keys.push(key);
    expect(keys).to.have.members([a.cache!.key, b.cache!.key]);

    expect(await api.cache.delete(a.cache!.key)).to.equal(1);
    expect(await api.cache.getEntry(a.cache!.key)).to.equal(undefined);
    expect(await api.cache.delete(`${ctx.server.url}/managed?x=2`)).to.equal(1);
    expect(await api.cache.getEntry(b.cache!.key)).to.equal(undefined);

    await api.get('/managed?x=3');
    await api.cache.clear();
    expect((await api.get('/managed?x=3')).cached).to.equal(false);
    expect(api.cache.stats()).to.include({ hits: 0, misses: 4, stores: 4, errors: 0 });
  });

  it('never stores credentials or ignored params', async () => {
    ctx.server.route('/secret', (_req, res) => void res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', ignoredParams: ['api_key'], matchHeaders: true });
    const res = await api.get('/secret', { params: { api_key: 'TOPSECRET', q: 1 }, headers: { Authorization: 'Bearer TOKEN', Cookie: 'sid=COOKIE' } });
    const stored = await api.cache.getEntry(res.cache!.key);
    const text = JSON.stringify(stored, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString() : v));
    expect(text).to.not.match(/TOPSECRET|TOKEN|COOKIE/);
    expect(stored?.url).to.equal(`${ctx.server.url}/secret?q=1`);
    const again = await api.get('/secret', { params: { api_key: 'OTHER', q: 1 }, headers: { Authorization: 'Bearer TOKEN', Cookie: 'sid=COOKIE' } });
    expect(again.cached).to.equal(true);
    const otherUser = await api.get('/secret', { params: { q: 1 }, headers: { Authorization: 'Bearer SOMEONE-ELSE' } });
    expect(otherUser.cached).to.equal(false);
  });

  it('a colliding custom key is a miss, not someone else’s response', async () => {
    ctx.server.route('/one', (_req, res) => void res.writeHead(200).end('one'));
    ctx.server.route('/two', (_req, res) => void res.writeHead(200).end('two'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', key: () => 'same-for-all' });
    await api.get('/one');
    const two = await api.get('/two');
    expect(two.data).to.equal('two');
    expect(two.cached).to.equal(false);
  });
});

describe('CacheManager.prune', () => {
  const ctx = useServer();
  it('removes expired entries from a store that keeps them until read', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'axios-stash-prune-'));
    try {
      ctx.server.route('/prunable', (_req, res) => void res.writeHead(200).end('x'));
      const api = setupCache(axios.create({ baseURL: ctx.server.url }), { storage: fileStorage({ dir }) });
      await api.get('/prunable?a=1', { cache: { ttl: 30 } });
      await api.get('/prunable?a=2', { cache: { ttl: '1h' } });
      await new Promise((r) => setTimeout(r, 80));
      expect(await readdir(dir)).to.have.length(2);
      expect(await api.cache.prune()).to.equal(1);
      expect(await readdir(dir)).to.have.length(1);
      expect(await api.cache.prune()).to.equal(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('is 0 for a store without prune (memory expires on its own)', async () => {
    const api = setupCache(axios.create());
    expect(await api.cache.prune()).to.equal(0);
  });
});
