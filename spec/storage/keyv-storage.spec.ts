/**
 * KeyvStorage over plain Keyv instances (memory Map stores, and stubs that fail the way real
 * adapters do): the conformance suite for both Keyv serializers, then what is specific to Keyv.
 */
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { Keyv } from 'keyv';
import { encodeEntry } from '../../lib/serializer.js';
import { keyvSerialization, keyvStorage, KeyvStorage, type InvalidValueInfo } from '../../lib/storage/keyv-storage.js';
import { expectSameEntry, keyvRaw, makeEntry, storeConformance, uniqueKey } from './conformance.js';

// A Map-backed Keyv clears its whole Map on clear() whatever the namespace (Keyv calls
// Map#clear), so each cache gets a Map of its own.
storeConformance('keyv (Map, default JSON serializer)', () => keyvStorage(new Keyv({ store: new Map(), namespace: 'ns' })), {
  raw: keyvRaw,
  ttlGranularity: 100,
});
storeConformance('keyv (Map, keyvSerialization)', () => keyvStorage(new Keyv({ store: new Map(), ...keyvSerialization })), {
  raw: keyvRaw,
  ttlGranularity: 100,
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

/** A minimal Keyv store adapter whose behaviour each test adjusts. */
class StubStore extends EventEmitter {
  opts = { dialect: 'stub', url: 'stub://' };
  namespace?: string;
  map = new Map<string, unknown>();
  client?: { isOpen: boolean; isReady: boolean };
  failSet: 'throw' | 'swallow' | false = false;
  failGet: 'throw' | 'swallow' | false = false;
  failClear: 'swallow' | false = false;
  disconnected = false;
  async get(key: string) {
    if (this.failGet === 'throw') throw new Error('get failed');
    if (this.failGet === 'swallow') {
      this.emit('error', new Error('get failed quietly'));
      return undefined;
    }
    return this.map.get(key);
  }
  async set(key: string, value: unknown) {
    if (this.failSet === 'throw') throw new Error('set failed');
    if (this.failSet === 'swallow') {
      // @keyv/redis without throwOnErrors: emit, then resolve as if written
      this.emit('error', new Error('set failed quietly'));
      return undefined;
    }
    this.map.set(key, value);
    return true;
  }
  async delete(key: string) {
    return this.map.delete(key);
  }
  async clear() {
    if (this.failClear) {
      this.emit('error', new Error('clear failed quietly'));
      return;
    }
    this.map.clear();
  }
  async disconnect() {
    this.disconnected = true;
  }
}

describe('KeyvStorage', () => {
  describe('lifetimes', () => {
    it('stores nothing for a lifetime that has already run out, and drops what was there', async () => {
      const storage = keyvStorage(new Keyv());
      await storage.set('k', makeEntry(), 60_000);
      await storage.setAlias('k', 't', 60_000);
      await storage.set('k', makeEntry(), 0);
      await storage.setAlias('k', 't', -5);
      expect(await storage.get('k')).to.equal(undefined);
      expect(await storage.getAlias('k')).to.equal(undefined);
      await storage.set('never', makeEntry(), -1);
      expect(await storage.get('never')).to.equal(undefined);
    });

    it('refuses a ttl that is not a number', async () => {
      const storage = keyvStorage(new Keyv());
      expect(await rejection(storage.set('k', makeEntry(), Number.NaN))).to.be.instanceOf(TypeError);
      expect(await rejection(storage.set('k', makeEntry(), '5' as unknown as number))).to.be.instanceOf(TypeError);
    });

    it('hands Keyv whole milliseconds (Redis PX takes integers) and no expiry for Infinity', async () => {
      const store = new StubStore();
      const seen: Array<number | undefined> = [];
      const set = store.set.bind(store);
      store.set = async (key: string, value: unknown, ttl?: number) => {
        seen.push(ttl);
        return set(key, value);
      };
      const storage = keyvStorage(new Keyv({ store }));
      await storage.set('a', makeEntry(), 1500.2);
      await storage.set('b', makeEntry(), Infinity);
      await storage.set('c', makeEntry(), 1e300);
      expect(seen).to.deep.equal([1501, undefined, undefined]);
    });

    it("does not let the Keyv's default ttl shorten an Infinity entry", async function () {
      this.timeout(10_000);
      const storage = keyvStorage(new Keyv({ ttl: 300 }));
      await storage.set('forever', makeEntry(), Infinity);
      await sleep(800);
      expectSameEntry(await storage.get('forever'), makeEntry());
    });
  });

  describe('a write counts only when known to have happened', () => {
    it('rejects when the store throws (Keyv resolves false)', async () => {
      const store = new StubStore();
      store.failSet = 'throw';
      const storage = keyvStorage(new Keyv({ store }));
      const error = await rejection(storage.set('k', makeEntry(), 60_000));
      expect(error.message).to.match(/refused the write.*set failed/);
    });

    it('rejects with the cause when the Keyv throws on errors', async () => {
      const store = new StubStore();
      store.failSet = 'throw';
      const storage = keyvStorage(new Keyv({ store, throwOnErrors: true }));
      expect((await rejection(storage.set('k', makeEntry(), 60_000))).message).to.equal('set failed');
    });

    it('rejects when the store swallows the error and only emits it (as @keyv/redis does)', async () => {
      const store = new StubStore();
      store.failSet = 'swallow';
      const storage = keyvStorage(new Keyv({ store }));
      expect((await rejection(storage.set('k', makeEntry(), 60_000))).message).to.match(/not confirmed.*set failed quietly/);
      expect((await rejection(storage.setAlias('k', 't', 60_000))).message).to.match(/not confirmed/);
    });

    it('rejects every call while a node-redis-like client is open but not ready', async () => {
      const store = new StubStore();
      store.client = { isOpen: true, isReady: false };
      const storage = keyvStorage(new Keyv({ store }));
      expect((await rejection(storage.set('k', makeEntry(), 60_000))).message).to.match(/offline/);
      expect((await rejection(storage.get('k'))).message).to.match(/offline/);
      store.client.isReady = true;
      await storage.set('k', makeEntry(), 60_000);
      expectSameEntry(await storage.get('k'), makeEntry());
    });

    it('rejects clear() when the store swallowed its failure', async () => {
      const store = new StubStore();
      store.failClear = 'swallow';
      const storage = keyvStorage(new Keyv({ store }));
      expect((await rejection(storage.clear())).message).to.match(/clear not confirmed/);
    });
  });

  describe('reads', () => {
    it('rejects a read whose failure the store only emitted', async () => {
      const store = new StubStore();
      store.failGet = 'swallow';
      const storage = keyvStorage(new Keyv({ store }));
      expect((await rejection(storage.get('k'))).message).to.match(/read failed.*get failed quietly/);
    });

    it('rejects a failing read when the Keyv throws on errors (Keyv hides it otherwise)', async () => {
      const store = new StubStore();
      store.failGet = 'throw';
      expect(await keyvStorage(new Keyv({ store })).get('k')).to.equal(undefined);
      expect((await rejection(keyvStorage(new Keyv({ store, throwOnErrors: true })).get('k'))).message).to.equal('get failed');
    });

    it('reports unreadable values through onInvalid, and they read as misses', async () => {
      const seen: InvalidValueInfo[] = [];
      const keyv = new Keyv({ store: new Map(), namespace: 'ns' });
      const storage = keyvStorage(keyv, { onInvalid: (info) => seen.push(info) });
      const valid = encodeEntry(makeEntry());
      await keyv.set('entry:v2', `axios-stash/2 devalue/6${valid.slice(valid.indexOf('\n'))}`);
      await keyv.set('entry:cut', valid.slice(0, -4));
      await keyv.set('alias:odd', 'not an alias');
      (keyv.store as Map<string, unknown>).set('ns:entry:json', '{not json'); // Keyv's JSON.parse throws
      expect(await storage.get('v2')).to.equal(undefined);
      expect(await storage.get('cut')).to.equal(undefined);
      expect(await storage.getAlias('odd')).to.equal(undefined);
      expect(await storage.get('json')).to.equal(undefined);
      expect(seen.map(({ key, collection, kind }) => `${collection}:${key}:${kind}`)).to.deep.equal([
        'entry:v2:version',
        'entry:cut:damaged',
        'alias:odd:foreign',
        'entry:json:damaged',
      ]);
    });

    it('reports values with a damaged or missing wrapper behind keyvSerialization too', async () => {
      const seen: string[] = [];
      const map = new Map<string, string>();
      const storage = keyvStorage(new Keyv({ store: map, ...keyvSerialization }), { onInvalid: (i) => seen.push(`${i.key}:${i.kind}`) });
      map.set('keyv:entry:bare', 'garbage');
      map.set('keyv:entry:wrapper', `axios-stash-kv/1 soon\n${encodeEntry(makeEntry())}`);
      map.set('keyv:entry:inner', 'axios-stash-kv/1 -\naxios-stash/1 devalue/6\n[{}]\n');
      for (const key of ['bare', 'wrapper', 'inner']) expect(await storage.get(key), key).to.equal(undefined);
      expect(seen).to.deep.equal(['bare:foreign', 'wrapper:foreign', 'inner:damaged']);
    });

    it('survives an onInvalid that throws, and lets it be set later', async () => {
      const keyv = new Keyv();
      const storage = keyvStorage(keyv, { onInvalid: () => { throw new Error('reporter broke'); } });
      await keyv.set('entry:x', 'garbage');
      expect(await storage.get('x')).to.equal(undefined);
      let told = 0;
      storage.onInvalid = () => told++;
      expect(await storage.get('x')).to.equal(undefined);
      expect(told).to.equal(1);
    });

    it('reads values written by a default-serializer Keyv through keyvSerialization', async () => {
      const map = new Map();
      await keyvStorage(new Keyv({ store: map })).set('k', makeEntry('moved'), 60_000);
      expectSameEntry(await keyvStorage(new Keyv({ store: map, ...keyvSerialization })).get('k'), makeEntry('moved'));
    });
  });

  describe('keys()', () => {
    it('skips values of other namespaces and foreign keys of its own', async () => {
      const map = new Map();
      const mine = new Keyv({ store: map, namespace: 'mine' });
      const theirs = new Keyv({ store: map, namespace: 'theirs' });
      const storage = keyvStorage(mine);
      await storage.set('a', makeEntry(), 60_000);
      await storage.setAlias('b', 'a', 60_000);
      await mine.set('unrelated', 'x');
      await keyvStorage(theirs).set('c', makeEntry(), 60_000);
      const keys: string[] = [];
      for await (const key of storage.keys()) keys.push(key);
      expect(keys).to.deep.equal(['a']);
    });

    it('fails clearly for a store that cannot iterate', async () => {
      const store = new StubStore();
      const storage = keyvStorage(new Keyv({ store }));
      const iterate = async () => {
        for await (const key of storage.keys()) void key;
      };
      expect((await rejection(iterate())).message).to.match(/cannot list its keys/);
    });
  });

  describe('lifecycle', () => {
    it('waits for a Keyv given as a promise', async () => {
      let resolve!: (k: Keyv) => void;
      const storage = new KeyvStorage(new Promise<Keyv>((r) => (resolve = r)));
      const pending = storage.set('k', makeEntry(), 60_000);
      resolve(new Keyv());
      await pending;
      expectSameEntry(await storage.get('k'), makeEntry());
    });

    it('rejects every call when the Keyv promise fails, and close() resolves', async () => {
      const storage = new KeyvStorage(Promise.reject(new Error('no database')));
      await sleep(10); // no unhandled rejection meanwhile
      expect((await rejection(storage.get('k'))).message).to.equal('no database');
      expect((await rejection(storage.set('k', makeEntry(), 1000))).message).to.equal('no database');
      await storage.close();
    });

    it('disconnects the Keyv on close(), or runs the close given', async () => {
      const store = new StubStore();
      await keyvStorage(new Keyv({ store })).close();
      expect(store.disconnected).to.equal(true);
      const other = new StubStore();
      let closed = false;
      await keyvStorage(new Keyv({ store: other }), { close: async () => { closed = true; } }).close();
      expect([closed, other.disconnected]).to.deep.equal([true, false]);
    });

    it('prunes expired values of its namespace', async function () {
      this.timeout(10_000);
      const storage = keyvStorage(new Keyv({ store: new Map(), ...keyvSerialization }));
      await storage.set('old', makeEntry(), 200);
      await storage.setAlias(uniqueKey(), 'old', 200);
      await storage.set('new', makeEntry(), 60_000);
      await sleep(500);
      expect(await storage.prune()).to.equal(2);
      expect(await storage.prune()).to.equal(0);
      expectSameEntry(await storage.get('new'), makeEntry());
    });
  });
});

describe('KeyvStorage: decoded entries are reused only while the stored value is unchanged', () => {
  it('a value replaced by another writer on the same store is read afresh', async () => {
    const store = new Map();
    const reader = keyvStorage(new Keyv({ store, ...keyvSerialization }));
    const writer = keyvStorage(new Keyv({ store, ...keyvSerialization }));
    const key = uniqueKey();
    await writer.set(key, makeEntry('one', { status: 200 }), 60_000);
    const first = await reader.get(key);
    expect(await reader.get(key)).to.equal(first); // same raw value: the decoded entry is reused
    await writer.set(key, makeEntry('two', { status: 203 }), 60_000);
    expect((await reader.get(key))?.status).to.equal(203);
    await writer.delete(key);
    expect(await reader.get(key)).to.equal(undefined);
  });
});
