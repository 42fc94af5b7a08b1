import { expect } from 'chai';
import axios from 'axios';
import { createClient } from '@keyv/redis';
import { encodeEntry } from '../../lib/serializer.js';
import { setupCache } from '../../lib/setup.js';
import { redisStorage } from '../../lib/storage/redis.js';
import type { CacheEvent } from '../../lib/report.js';
import { CacheOptionsError } from '../../lib/errors.js';
import { startServer, type TestServer } from '../helpers/server.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `stash-signed-${process.pid}-${Date.now().toString(36)}`;
let n = 0;

type Raw = ReturnType<typeof createClient>;

/** The envelope inside our Keyv layout (`axios-stash-kv/1 <expires>\n<envelope>`): the last line is the body's base64. */
function flipBodyByte(value: string): string {
  const at = value.length - 6; // inside the base64 body, before any padding
  const c = value[at]!;
  return value.slice(0, at) + (c === 'A' ? 'B' : 'A') + value.slice(at + 1);
}

describe('secret: signed entries on a shared Redis', function () {
  this.timeout(20_000);
  let server: TestServer;
  let raw: Raw;
  const caches: Array<ReturnType<typeof setupCache>> = [];
  before(async () => {
    server = await startServer();
    for (const path of ['/a', '/b']) {
      server.route(path, (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'text/plain' }).end(`body of ${path} ${'x'.repeat(40)}`));
    }
    raw = createClient({ url: REDIS });
    await raw.connect();
  });
  after(async () => {
    for (const api of caches) {
      await api.cache.clear();
      await api.cache.close();
    }
    await raw.close();
    await server.close();
  });

  function cache(namespace: string, secret?: string | string[]) {
    const events: CacheEvent[] = [];
    const api = setupCache(axios.create({ baseURL: server.url }), {
      storage: redisStorage({ url: REDIS, namespace }),
      debug: (e) => void events.push(e),
      ...(secret === undefined ? {} : { secret }),
    });
    caches.push(api);
    return { api, events };
  }
  const entryKey = (namespace: string, key: string): string => `${namespace}::entry:${key}`;

  it('with secret: one flipped byte of a stored body is a miss, counted and reported, never served', async () => {
    const ns = `${run}-${n++}`;
    const { api, events } = cache(ns, 'k1');
    const first = await api.get('/a');
    const stored = entryKey(ns, first.cache!.key);
    await raw.set(stored, flipBodyByte((await raw.get(stored))!), { PX: 60_000 });
    const before = server.count('/a');
    const second = await api.get('/a');
    expect(second.cache?.state).to.equal('miss');
    expect(second.data).to.equal(first.data);
    expect(server.count('/a')).to.equal(before + 1);
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.some((e) => e.type === 'error' && /signature/.test(e.message))).to.equal(true);
    // The next response replaced it: a hit again.
    expect((await api.get('/a')).cache?.state).to.equal('hit');
  });

  it('with secret: a whole entry replaced by a validly signed one for another URL is not served', async () => {
    const ns = `${run}-${n++}`;
    const { api } = cache(ns, 'k1');
    const a = await api.get('/a');
    const b = await api.get('/b');
    await raw.set(entryKey(ns, a.cache!.key), (await raw.get(entryKey(ns, b.cache!.key)))!, { PX: 60_000 });
    const again = await api.get('/a');
    expect(again.cache?.state).to.equal('miss');
    expect(again.data).to.equal(a.data);
    expect(api.cache.stats().errors).to.equal(1);
  });

  it('with secret: an entry encoded by someone without the secret (forged for the very URL) is not served', async () => {
    const ns = `${run}-${n++}`;
    const { api } = cache(ns, 'k1');
    const a = await api.get('/a');
    const key = entryKey(ns, a.cache!.key);
    const value = (await raw.get(key))!;
    const header = value.slice(0, value.indexOf('\n') + 1);
    const now = Date.now();
    const forged = encodeEntry({
      method: 'GET', url: `${server.url}/a`, status: 200, statusText: 'OK', headers: { 'cache-control': 'max-age=600' },
      body: new TextEncoder().encode('planted'), varyHeaders: {}, requestTime: now, responseTime: now, createdAt: now, expiresAt: now + 600_000, deleteAt: now + 600_000,
    });
    await raw.set(key, header + forged, { PX: 60_000 });
    expect((await api.get('/a')).data).to.equal(a.data);
  });

  it('without secret, as the README says: a forged entry for the URL is served, a flipped body byte is served, another URL\'s entry is a miss', async () => {
    const ns = `${run}-${n++}`;
    const { api } = cache(ns);
    const a = await api.get('/a');
    const b = await api.get('/b');
    const key = entryKey(ns, a.cache!.key);
    const value = (await raw.get(key))!;
    await raw.set(key, flipBodyByte(value), { PX: 60_000 });
    const flipped = await api.get('/a');
    expect(flipped.cache?.state).to.equal('hit');
    expect(flipped.data).to.not.equal(a.data);

    await raw.set(key, (await raw.get(entryKey(ns, b.cache!.key)))!, { PX: 60_000 });
    const other = await api.get('/a');
    expect(other.cache?.state).to.equal('miss');
    expect(other.data).to.equal(a.data);

    const header = value.slice(0, value.indexOf('\n') + 1);
    const now = Date.now();
    const forged = encodeEntry({
      method: 'GET', url: `${server.url}/a`, status: 200, statusText: 'OK', headers: { 'cache-control': 'max-age=600' },
      body: new TextEncoder().encode('planted'), varyHeaders: {}, requestTime: now, responseTime: now, createdAt: now, expiresAt: now + 600_000, deleteAt: now + 600_000,
    });
    await raw.set(key, header + forged, { PX: 60_000 });
    expect((await api.get('/a')).data).to.equal('planted');
  });

  it('rotation: ["new", "old"] reads entries signed with "old" and signs with "new"; ["new"] alone refuses the old ones', async () => {
    const ns = `${run}-${n++}`;
    const old = cache(ns, 'old').api;
    await old.get('/a');
    const rotating = cache(ns, ['new', 'old']).api;
    expect((await rotating.get('/a')).cache?.state).to.equal('hit');
    const newOnly = cache(ns, 'new').api;
    expect((await newOnly.get('/a')).cache?.state).to.equal('miss');
    expect(newOnly.cache.stats().errors).to.equal(1);
    // newOnly stored /a afresh, signed with "new": the rotating cache reads it too.
    expect((await rotating.get('/a')).cache?.state).to.equal('hit');
  });

  it('a planted redirect alias is not followed with secret', async () => {
    const ns = `${run}-${n++}`;
    const { api } = cache(ns, 'k1');
    const b = await api.get('/b');
    const probe = await api.get('/a', { cache: { mode: 'no-store' } });
    const aKey = probe.cache!.key;
    await raw.set(`${ns}::alias:${aKey}`, `axios-stash-kv/1 -\naxios-stash-alias/1\n${b.cache!.key}`);
    const a = await api.get('/a');
    expect(a.data).to.match(/body of \/a/);
    expect(api.cache.stats().errors).to.be.at.least(1);
  });

  it('credential digests in keys are HMACs under the secret: other secret, other key; anonymous keys unchanged', async () => {
    const ns = `${run}-${n++}`;
    const plain = cache(ns).api;
    const one = cache(ns, 'one').api;
    const two = cache(ns, 'two').api;
    const auth = { headers: { authorization: 'Bearer t0ken' }, cache: { mode: 'no-store' as const } };
    const keys = await Promise.all([plain, one, two].map((api) => api.get('/a', auth).then((r) => r.cache!.key)));
    expect(new Set(keys).size).to.equal(3);
    const anonymous = await Promise.all([plain, one, two].map((api) => api.get('/a', { cache: { mode: 'no-store' } }).then((r) => r.cache!.key)));
    expect(new Set(anonymous).size).to.equal(1);
  });

  it('refuses a bad secret with CacheOptionsError', () => {
    for (const secret of ['', [], [''], 42, ['ok', 7]]) {
      expect(() => setupCache(axios.create(), { secret: secret as never }), JSON.stringify(secret)).to.throw(CacheOptionsError, /`secret` must be a non-empty string/);
    }
  });
});
