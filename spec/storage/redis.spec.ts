import { expect } from 'chai';
import { createClient } from '@keyv/redis';
import { CacheOptionsError } from '../../lib/errors.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import type { KeyvStorage } from '../../lib/storage/keyv-storage.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { assertSameEntry as expectSameEntry, makeEntry } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';
import { freePort, RedisServer } from './fixtures/redis-server.js';

const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
// One namespace per cache per run, so parallel runs and other users of the server stay apart.
const run = `stash-test-${process.pid}-${Date.now().toString(36)}`;
const namespaces = new WeakMap<CacheStore, string>();
let n = 0;
function open(namespace = `${run}-${n++}`): KeyvStorage {
  // With coordinate: the suite's lease group runs too (nothing else changes for a store).
  const store = redisStorage({ url: URL, namespace, coordinate: true });
  namespaces.set(store, namespace);
  return store;
}

/** Keys this run left in the shared server (should be none: every test clears its caches). */
async function leftovers(): Promise<string[]> {
  const client = createClient({ url: URL });
  await client.connect();
  try {
    return await client.keys(`${run}*`);
  } finally {
    await client.close();
  }
}

storeConformance('redis', () => open(), {
  reopen: (s) => open(namespaces.get(s)),
  raw: keyvRaw,
  nativeExpiry: true,
  leases: true,
  // Port 1: connections are refused at once; the first call waits connectTimeout for the first connection.
  broken: () => redisStorage({ url: 'redis://127.0.0.1:1', namespace: `${run}-broken`, connectTimeout: 50 }),
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Settles `promise` or fails the test if it takes longer than `ms` (a hang detector, not a speed test). */
async function settlesWithin<T>(promise: Promise<T>, ms: number, what: string): Promise<{ value?: T; error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('redisStorage', () => {
  after(async () => {
    expect(await leftovers(), 'keys left in Redis').to.deep.equal([]);
  });

  it('stores under <namespace>::entry:<key>, once prefixed, with a native expiry', async () => {
    const store = open();
    const namespace = namespaces.get(store)!;
    const client = createClient({ url: URL });
    await client.connect();
    try {
      await store.set('k', makeEntry(), 60_000);
      await store.set('forever', makeEntry(), Infinity);
      await store.setAlias('a', { kind: 'redirect', target: 'k' }, 30_000);
      expect((await client.keys(`${namespace}*`)).sort()).to.deep.equal(
        [`${namespace}::alias:a`, `${namespace}::entry:forever`, `${namespace}::entry:k`].sort(),
      );
      const ttl = await client.pTTL(`${namespace}::entry:k`);
      expect(ttl).to.be.within(1, 60_000);
      expect(await client.pTTL(`${namespace}::entry:forever`)).to.equal(-1);
    } finally {
      await store.clear();
      await store.close();
      await client.close();
    }
  });

  it('uses a client it is given and leaves it open on close()', async () => {
    const client = createClient({ url: URL, disableOfflineQueue: true });
    const namespace = `${run}-given`;
    const store = redisStorage({ client, namespace });
    await store.set('k', makeEntry(), 60_000);
    expectSameEntry(await store.get('k'), makeEntry());
    await store.clear();
    await store.close();
    expect(client.isOpen).to.equal(true);
    expect(await client.ping()).to.equal('PONG');
    await client.close();
  });

  it('refuses a namespace that would reach into others', () => {
    for (const namespace of ['a:b', 'a*', 'a?', '[a]', '', 'a b']) {
      expect(() => redisStorage({ namespace }), namespace).to.throw(CacheOptionsError, /`redisStorage.namespace` must be a string matching/);
    }
  });

  it('refuses bad and unknown options with CacheOptionsError, before connecting', () => {
    const client = createClient({ url: URL });
    const cases: Array<[unknown, RegExp]> = [
      // node-redis would throw its own TypeError (ERR_INVALID_URL / Invalid protocol) at createClient or connect
      [{ url: 'not-a-url' }, /`redisStorage.url` must be a redis:\/\/ or rediss:\/\/ URL .*; got "not-a-url"/],
      [{ url: 'http://127.0.0.1:6379' }, /redisStorage.url/],
      [{ url: 'redis://127.0.0.1:6379/db1' }, /redisStorage.url/],
      [{ url: 6379 }, /redisStorage.url/],
      [{ connectTimeout: 0 }, /`redisStorage.connectTimeout` must be an integer >= 1; got 0/],
      // Removed: node-redis 5 never dropped a command written to a paused server.
      [{ commandTimeout: 100 }, /unknown option `redisStorage.commandTimeout`/],
      [{ client: {} }, /`redisStorage.client` must be a node-redis client/],
      [{ client, url: URL }, /`redisStorage.url` must be left out when `client` is given/],
      [{ onInvalid: 'warn' }, /`redisStorage.onInvalid` must be a function/],
      // An unknown option used to fall back silently to 127.0.0.1:6379.
      [{ clusterNodes: ['redis://127.0.0.1:7000'] }, /unknown option `redisStorage.clusterNodes`; the options of redisStorage are url, client, namespace, connectTimeout, onInvalid, cluster, coordinate, coordinateTimeout/],
      [{ cluster: { rootNodes: [] } }, /`redisStorage.cluster` must be \{ rootNodes: \[\{ url: 'redis:\/\/host:port' \}/],
      [{ cluster: { rootNodes: [{ url: 'http://x:1' }] } }, /redisStorage.cluster/],
      [{ cluster: { rootNodes: [{ url: 'redis://127.0.0.1:7000' }], nodes: 3 } }, /redisStorage.cluster.nodes/],
      [{ cluster: { rootNodes: [{ url: 'redis://127.0.0.1:7000' }] }, url: URL }, /`redisStorage.url` must be left out when `cluster` is given/],
      [{ client, cluster: { rootNodes: [{ url: 'redis://127.0.0.1:7000' }] } }, /`redisStorage.cluster` must be left out when `client` is given/],
      [{ coordinate: 'yes' }, /`redisStorage.coordinate` must be true or false/],
      [{ coordinate: true, coordinateTimeout: 0 }, /`redisStorage.coordinateTimeout` must be an integer >= 1/],
      [{ coordinateTimeout: 1000 }, /`redisStorage.coordinateTimeout` must be left out unless `coordinate: true`/],
    ];
    for (const [options, message] of cases) {
      expect(() => redisStorage(options as never), JSON.stringify(options)).to.throw(CacheOptionsError, message);
    }
    expect(client.isOpen).to.equal(false);
  });

  describe('when the server fails', function () {
    this.timeout(60_000);
    let server: RedisServer;
    let store: KeyvStorage | undefined;

    beforeEach(async () => {
      server = new RedisServer(await freePort());
    });
    afterEach(async () => {
      await store?.close().catch(() => {});
      store = undefined;
      await server.kill();
    });

    it('rejects writes and answers reads at once while it is down, and works again once it is back (real server restart)', async () => {
      await server.start();
      store = redisStorage({ url: server.url, namespace: 'fault', connectTimeout: 1000 });
      await store.set('k', makeEntry('before'), 60_000);
      expectSameEntry(await store.get('k'), makeEntry('before'));

      await server.kill();
      // The write must not be reported as done: it rejects (whether the client has noticed the
      // dead socket yet or not). Nothing may hang.
      const write = await settlesWithin(store.set('k2', makeEntry(), 60_000), 10_000, 'set while down');
      expect(write.error, 'set while down').to.be.instanceOf(Error);
      const read = await settlesWithin(store.get('k'), 10_000, 'get while down');
      expect(read.value, 'get while down').to.equal(undefined); // resolves undefined or rejects
      const alias = await settlesWithin(store.setAlias('a', { kind: 'redirect', target: 'k' }, 60_000), 10_000, 'setAlias while down');
      expect(alias.error).to.be.instanceOf(Error);

      await server.start(); // same port, empty (no persistence)
      const deadline = Date.now() + 30_000;
      for (;;) {
        const attempt = await settlesWithin(store.set('k', makeEntry('after'), 60_000), 10_000, 'set after restart');
        if (!attempt.error) break;
        if (Date.now() > deadline) throw new Error(`never recovered: ${String(attempt.error)}`);
        await sleep(50);
      }
      expectSameEntry(await store.get('k'), makeEntry('after'));
      expect(await store.get('k2')).to.equal(undefined);
    });

    it('fails fast, without hanging, when the server was never up, and connects when it comes up (real server start)', async () => {
      store = redisStorage({ url: server.url, namespace: 'never', connectTimeout: 500 });
      const write = await settlesWithin(store.set('k', makeEntry(), 60_000), 10_000, 'set to a server never up');
      expect(write.error).to.be.instanceOf(Error);
      const read = await settlesWithin(store.get('k'), 10_000, 'get from a server never up');
      expect(read.value).to.equal(undefined);
      const keys = await settlesWithin((async () => {
        for await (const key of store!.keys()) void key;
      })(), 10_000, 'keys() from a server never up');
      expect(keys.error).to.be.instanceOf(Error);
      const clear = await settlesWithin(store.clear(), 10_000, 'clear() on a server never up');
      expect(clear.error).to.be.instanceOf(Error);

      await server.start();
      const deadline = Date.now() + 30_000;
      while ((await settlesWithin(store.set('k', makeEntry(), 60_000), 10_000, 'set once up')).error) {
        if (Date.now() > deadline) throw new Error('never connected');
        await sleep(50);
      }
      expectSameEntry(await store.get('k'), makeEntry());
    });
  });
});

describe('redisStorage leaves nothing behind', () => {
  it('has cleared every namespace of this run', async () => {
    await sleep(0);
    expect(await leftovers()).to.deep.equal([]);
  });
});
