/**
 * KeyvStorage over plain Keyv instances (memory Map stores, and stubs that fail the way real
 * adapters do): the conformance suite for both Keyv serializers, then what is specific to Keyv.
 */
import { EventEmitter } from 'node:events';
import { expect } from 'chai';
import { Keyv } from 'keyv';
import { CacheOptionsError, StoreWriteError, UnreadableValueError, isAxiosStashError } from '../../lib/errors.js';
import { encodeEntry } from '../../lib/serializer.js';
import { keyvOf, keyvStorage, storeKeyOf } from '../../lib/storage/keyv-storage.js';
import { keyvSerialization } from '../../lib/storage/kv-wire-format.js';
import type { InvalidValueInfo } from '../../lib/storage/contract.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { assertSameEntry as expectSameEntry, makeEntry, uniqueKey } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const redirect = (target: string) => ({ kind: 'redirect', target }) as const;

// A Map-backed Keyv clears its whole Map on clear() whatever the namespace (Keyv calls
// Map#clear), so each cache gets a Map of its own.
storeConformance('keyv (Map, default JSON serializer)', () => keyvStorage(new Keyv({ store: new Map(), namespace: 'ns' })), {
  raw: keyvRaw,
  ttlGranularity: 100,
  broken: () => keyvStorage(Promise.reject(new Error('no database'))),
});
storeConformance('keyv (Map, keyvSerialization)', () => keyvStorage(new Keyv({ store: new Map(), ...keyvSerialization })), {
  raw: keyvRaw,
  ttlGranularity: 100,
  broken: () => {
    const store = new StubStore();
    store.failGet = store.failSet = 'throw';
    store.failClear = 'swallow';
    return keyvStorage(new Keyv({ store, ...keyvSerialization }));
  },
});

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

describe('keyvStorage', () => {
  describe('lifetimes', () => {
    it('refuses a lifetime that is not a number', async () => {
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

    it("does not let the Keyv's default ttl shorten an Infinity entry (real timer, 30 ms)", async () => {
      const storage = keyvStorage(new Keyv({ ttl: 5 }));
      await storage.set('forever', makeEntry(), Infinity);
      await sleep(30);
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
      const error = await rejection(storage.setAlias('k', redirect('t'), 60_000));
      expect(error).to.be.instanceOf(StoreWriteError);
      expect(error.message).to.match(/not confirmed/);
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

    it('rejects unreadable values with UnreadableValueError, and tells onInvalid too', async () => {
      const seen: InvalidValueInfo[] = [];
      const keyv = new Keyv({ store: new Map(), namespace: 'ns' });
      const storage = keyvStorage(keyv, { onInvalid: (info) => seen.push(info) });
      const valid = encodeEntry(makeEntry());
      await keyv.set('entry:v2', `axios-stash/2 devalue/6${valid.slice(valid.indexOf('\n'))}`);
      await keyv.set('entry:cut', valid.slice(0, -4));
      await keyv.set('alias:odd', 'not an alias');
      (keyv.store as Map<string, unknown>).set('ns:entry:json', '{not json'); // Keyv's JSON.parse throws
      const errors = [await rejection(storage.get('v2')), await rejection(storage.get('cut')), await rejection(storage.getAlias('odd')), await rejection(storage.get('json'))];
      for (const error of errors) {
        expect(error).to.be.instanceOf(UnreadableValueError);
        expect(isAxiosStashError(error)).to.equal(true);
      }
      expect(errors.map((e) => (e as UnreadableValueError).info)).to.deep.equal(seen);
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
      for (const key of ['bare', 'wrapper', 'inner']) expect(await rejection(storage.get(key)), key).to.be.instanceOf(UnreadableValueError);
      expect(seen).to.deep.equal(['bare:foreign', 'wrapper:foreign', 'inner:damaged']);
    });

    it('rejects with UnreadableValueError even when onInvalid throws', async () => {
      const keyv = new Keyv();
      const storage = keyvStorage(keyv, { onInvalid: () => { throw new Error('reporter broke'); } });
      await keyv.set('entry:x', 'garbage');
      expect(await rejection(storage.get('x'))).to.be.instanceOf(UnreadableValueError);
      expect(storage).to.not.have.property('onInvalid');
    });

    it('reads a stored JSON value without a Keyv `value` as foreign, not as absent', async () => {
      const map = new Map<string, unknown>();
      const storage = keyvStorage(new Keyv({ store: map }));
      map.set('keyv:entry:obj', '{"a":1}');
      const error = (await rejection(storage.get('obj'))) as UnreadableValueError;
      expect(error.info).to.deep.include({ key: 'obj', collection: 'entry', kind: 'foreign' });
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
      await storage.setAlias('b', redirect('a'), 60_000);
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
      const storage = keyvStorage(new Promise<Keyv>((r) => (resolve = r)));
      const pending = storage.set('k', makeEntry(), 60_000);
      resolve(new Keyv());
      await pending;
      expectSameEntry(await storage.get('k'), makeEntry());
    });

    it('rejects every call when the Keyv promise fails, and close() resolves', async () => {
      const storage = keyvStorage(Promise.reject(new Error('no database')));
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

    it('closes once however often close() is called', async () => {
      const store = new StubStore();
      let closes = 0;
      const storage = keyvStorage(new Keyv({ store }), { close: async () => void closes++ });
      await Promise.all([storage.close(), storage.close()]);
      await storage.close();
      expect(closes).to.equal(1);
    });

    it('prunes unreadable values of its collections, keeps live entries of other format majors, and leaves other keys of the namespace alone (real timer, a few ms)', async () => {
      const map = new Map<string, unknown>();
      const keyv = new Keyv({ store: map, ...keyvSerialization });
      const storage = keyvStorage(keyv);
      await storage.set('good', makeEntry(), 60_000);
      // Services still on format 0 or already on 2 read these: live ones stay, expired ones go.
      await keyv.set('entry:old-format', 'axios-stash/0 devalue/4\n{}\n');
      await keyv.set('entry:next-format', 'axios-stash/2 devalue/7\n{}\n', 60_000);
      await keyv.set('entry:next-format-expired', 'axios-stash/2 devalue/7\n{}\n', 1);
      await keyv.set('entry:foreign', 'axios-stash but not an envelope');
      await keyv.set('alias:odd', 'not an alias');
      await keyv.set('unrelated', 'someone else');
      await new Promise((r) => setTimeout(r, 5));
      expect(await storage.prune()).to.equal(3);
      expect([...map.keys()].sort()).to.deep.equal(['keyv:entry:good', 'keyv:entry:next-format', 'keyv:entry:old-format', 'keyv:unrelated']);
    });
  });
});

describe('keyvStorage: options and test hooks', () => {
  it('refuses something that is not a Keyv, and bad or unknown options, with CacheOptionsError', () => {
    expect(() => keyvStorage(new Map() as never)).to.throw(CacheOptionsError, /`keyvStorage.keyv` must be a Keyv instance/);
    expect(() => keyvStorage(undefined as never)).to.throw(CacheOptionsError, /keyvStorage.keyv/);
    expect(() => keyvStorage(new Keyv(), { onInvalid: 'log' as never })).to.throw(CacheOptionsError, /`keyvStorage.onInvalid` must be a function/);
    expect(() => keyvStorage(new Keyv(), { namespace: 'x' } as never)).to.throw(CacheOptionsError, /unknown option `keyvStorage.namespace`/);
  });

  it('exposes no Keyv or key layout on the store itself: specs use keyvOf() and storeKeyOf()', async () => {
    const keyv = new Keyv();
    const storage = keyvStorage(keyv);
    expect(storage).to.not.have.property('getKeyv');
    expect(storage).to.not.have.property('storeKey');
    expect(await keyvOf(storage)).to.equal(keyv);
    expect(storeKeyOf('entry', 'k')).to.equal('entry:k');
    expect(storeKeyOf('alias', 'k')).to.equal('alias:k');
    expect(() => keyvOf({} as never)).to.throw(TypeError);
  });
});

describe('keyvStorage: decoded entries are reused only while the stored value is unchanged', () => {
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
