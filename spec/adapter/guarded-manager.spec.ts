/**
 * The user's store object is left alone, each instance reports only what its own calls met, and the
 * manager's listing, pruning and closing go through the guard like every other store call.
 */
import axios from 'axios';
import { expect } from 'chai';
import { type CacheEvent, type CacheStore, memoryStorage, setupCache, UnreadableValueError } from '../../lib/index.js';

/** A store whose every call after `hang()` never settles. */
function hangingStore(): CacheStore & { hang(): void } {
  const memory = memoryStorage();
  let hung = false;
  const never = new Promise<never>(() => {});
  const maybe = <T>(call: () => Promise<T>): Promise<T> => (hung ? never : call());
  return {
    get: (k) => maybe(() => memory.get(k)),
    set: (k, e, l) => maybe(() => memory.set(k, e, l)),
    delete: (k) => maybe(() => memory.delete(k)),
    getAlias: (k) => maybe(() => memory.getAlias(k)),
    setAlias: (k, a, l) => maybe(() => memory.setAlias(k, a, l)),
    deleteAlias: (k) => maybe(() => memory.deleteAlias(k)),
    clear: () => maybe(() => memory.clear()),
    keys: () => ({
      [Symbol.asyncIterator]: () => ({ next: () => (hung ? never : Promise.resolve({ done: true as const, value: undefined })) }),
    }),
    prune: () => maybe(async () => 0),
    close: () => maybe(async () => {}),
    hang: () => void (hung = true),
  };
}

describe('the guard around the store', () => {
  it('setupCache adds nothing to the store object it is given', () => {
    const store = memoryStorage();
    const before = Object.keys(store).sort();
    setupCache(axios.create(), { storage: store });
    setupCache(axios.create(), { storage: store });
    expect(Object.keys(store).sort()).to.deep.equal(before);
  });

  it('two instances sharing one store each count only the unreadable values they read themselves', async () => {
    const memory = memoryStorage();
    const store: CacheStore = {
      ...memory,
      get: async (key) => {
        throw new UnreadableValueError({ key, collection: 'entry', kind: 'damaged', error: 'test damage' });
      },
    };
    const events: CacheEvent[] = [];
    const reader = setupCache(axios.create({ adapter: async (config) => ({ data: 'x', status: 200, statusText: 'OK', headers: {}, config }) }), {
      storage: store,
      debug: (event) => events.push(event),
    });
    const bystander = setupCache(axios.create(), { storage: store });
    await reader.get('http://example.test/a');
    expect(reader.cache.stats().errors).to.equal(1);
    expect(bystander.cache.stats().errors).to.equal(0);
    const error = events.find((e) => e.type === 'error');
    expect(error?.message).to.match(/unreadable stored entry .* \(damaged\): test damage/);
  });

  it('keys() and close() of a store that stops answering end within the store time-out, reported', async () => {
    const store = hangingStore();
    const api = setupCache(axios.create(), { storage: store, storeTimeout: 30 });
    store.hang();
    const keys: string[] = [];
    for await (const key of api.cache.keys()) keys.push(key);
    expect(keys).to.deep.equal([]);
    expect(api.cache.stats().errors).to.equal(1);
    await api.cache.close();
    expect(api.cache.stats().errors).to.equal(2);
  });

  it('prune() of a store that throws resolves 0 and is reported', async () => {
    const store: CacheStore = { ...memoryStorage(), prune: async () => Promise.reject(new Error('prune broke')) };
    const events: CacheEvent[] = [];
    const api = setupCache(axios.create(), { storage: store, debug: (e) => events.push(e) });
    expect(await api.cache.prune()).to.equal(0);
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.map((e) => e.message)).to.include('store prune failed: prune broke');
  });
});
