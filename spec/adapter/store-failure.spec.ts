import axios from 'axios';
import { expect } from 'chai';
import { Keyv } from 'keyv';
import { type CacheEvent, type CacheStore, keyvSerialization, keyvStorage, setupCache } from '../../lib/index.js';
import { countingJson, useServer } from '../helpers/server.js';

/** A store whose every call fails the way real clients fail: throwing, rejecting or hanging. */
function brokenStore(how: 'throw' | 'reject' | 'hang' | 'garbage'): CacheStore {
  const fail = (): Promise<never> => {
    if (how === 'throw') throw new Error('store exploded');
    if (how === 'reject') return Promise.reject(new Error('store rejected'));
    return new Promise<never>(() => undefined);
  };
  const garbage = async () => ({ not: 'an entry' }) as never;
  return {
    get: how === 'garbage' ? garbage : fail,
    set: how === 'garbage' ? async () => undefined : fail,
    delete: fail,
    getAlias: how === 'garbage' ? async () => undefined : fail,
    setAlias: how === 'garbage' ? async () => undefined : fail,
    deleteAlias: fail,
    clear: fail,
    keys: async function* () {
      yield* [] as string[];
      await fail();
    },
  };
}

describe('adapter: a store that fails never fails a request', () => {
  const ctx = useServer();
  let seq = 0;

  for (const how of ['throw', 'reject', 'hang', 'garbage'] as const) {
    it(`store that ${how}s: the request succeeds from the network, the failure is counted and logged${how === 'hang' ? ' (real store time-out, 30 ms a call)' : ''}`, async () => {
      const p = `/broken-${how}-${++seq}`;
      ctx.server.route(p, countingJson());
      const events: CacheEvent[] = [];
      const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
        ttl: '1m',
        storage: brokenStore(how),
        storeTimeout: 30,
        debug: (e) => events.push(e),
      });
      const first = await api.get(p);
      // Its write over, the entry is no longer in this process's memory: the next read goes to the store.
      await api.cache.idle();
      const second = await api.get(p);
      expect(first.data).to.deep.equal({ n: 1 });
      expect(second.data).to.deep.equal({ n: 2 });
      expect(second.cached).to.equal(false);
      expect(api.cache.stats().errors).to.be.greaterThan(0);
      expect(api.cache.stats().stores).to.equal(how === 'garbage' ? 2 : 0);
      expect(events.some((e) => e.type === 'error')).to.equal(true);
      expect(await api.cache.clear()).to.equal(false);
    });
  }

  it('a throwing debug logger does not fail the request either', async () => {
    const p = `/logger-${++seq}`;
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      ttl: '1m',
      debug: () => {
        throw new Error('logger broke');
      },
    });
    await api.get(p);
    expect((await api.get(p)).cached).to.equal(true);
  });

  it('a throwing filter does not fail the request; the response is not stored', async () => {
    const p = `/filter-${++seq}`;
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      ttl: '1m',
      filter: () => {
        throw new Error('filter broke');
      },
    });
    await api.get(p);
    expect((await api.get(p)).cached).to.equal(false);
  });
});

describe('adapter: an unreadable stored value', () => {
  const ctx = useServer();

  it('is a miss, replaced on the next store, and counted and reported, never thrown', async () => {
    ctx.server.route('/damaged', countingJson());
    const keyv = new Keyv({ store: new Map(), ...keyvSerialization });
    const storage = keyvStorage(keyv);
    const events: CacheEvent[] = [];
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', storage, debug: (e) => events.push(e) });
    const first = await api.get('/damaged');
    await api.cache.idle();
    // Entries live under `entry:<key>` in the Keyv (lib/storage/keyv-storage.ts).
    await keyv.set(`entry:${first.cache!.key}`, 'axios-stash/9 devalue/99\n{}\n');
    const second = await api.get('/damaged');
    expect(second.cached).to.equal(false);
    expect(second.data).to.deep.equal({ n: 2 });
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.some((e) => e.type === 'error' && /unreadable stored entry/.test(e.message))).to.equal(true);
    const third = await api.get('/damaged');
    expect(third.cached).to.equal(true);
    expect(third.data).to.deep.equal({ n: 2 });
  });
});
