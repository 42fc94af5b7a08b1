import axios from 'axios';
import { expect } from 'chai';
import { type CacheEvent, type CacheStore, memoryStorage } from '../../lib/index.js';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { countingJson, useServer } from '../helpers/server.js';

/** A memory store seen through I/O (not in-process, so the guard times its calls), whose calls can be made to hang or fail. */
function controllableStore() {
  const inner = memoryStorage();
  const calls: string[] = [];
  let mode: 'ok' | 'hang' | 'reject' = 'ok';
  let writes: 'ok' | 'hang' = 'ok';
  const pendingWrites: Array<() => void> = [];
  const call = <T>(name: string, run: () => Promise<T>, isWrite = false): Promise<T> => {
    calls.push(name);
    if (mode === 'reject') return Promise.reject(new Error('connection refused'));
    if (mode === 'hang') return new Promise<T>(() => undefined);
    if (isWrite && writes === 'hang') return new Promise<T>((resolve) => pendingWrites.push(() => void run().then(resolve)));
    return run();
  };
  const store: CacheStore = {
    get: (k) => call('get', () => inner.get(k)),
    set: (k, e, l) => call('set', () => inner.set(k, e, l), true),
    delete: (k) => call('delete', () => inner.delete(k), true),
    getAlias: (k) => call('getAlias', () => inner.getAlias(k)),
    setAlias: (k, a, l) => call('setAlias', () => inner.setAlias(k, a, l), true),
    deleteAlias: (k) => call('deleteAlias', () => inner.deleteAlias(k), true),
    clear: () => call('clear', () => inner.clear()),
    keys: () => inner.keys(),
  };
  return {
    store,
    calls,
    set mode(value: 'ok' | 'hang' | 'reject') {
      mode = value;
    },
    set writes(value: 'ok' | 'hang') {
      writes = value;
    },
    releaseWrites: () => pendingWrites.splice(0).forEach((release) => release()),
  };
}

describe('adapter: a failing store costs (almost) nothing', () => {
  const ctx = useServer();
  let seq = 0;

  it('a hanging store: the first request waits one store time-out in all, then the breaker sends the rest straight to the network (real 30 ms time-outs)', async () => {
    const p = `/hang-${++seq}`;
    ctx.server.route(p, countingJson());
    const store = controllableStore();
    store.mode = 'hang';
    const clock = new TestClock();
    const events: CacheEvent[] = [];
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { ttl: '1m', storage: store.store, storeTimeout: 30, debug: (e) => events.push(e) });
    const responses = [];
    for (let i = 0; i < 5; i++) responses.push(await api.get(p));
    expect(responses.map((r) => r.data.n)).to.deep.equal([1, 2, 3, 4, 5]);
    // One time-out waited by the first request (its entry read, which opened the breaker: its
    // alias read and its write were skipped); the other four did not touch the store.
    expect(api.cache.health().timeouts).to.equal(1);
    expect(store.calls).to.deep.equal(['get']);
    const health = api.cache.health();
    expect(health.ok).to.equal(false);
    expect(health.state).to.equal('down');
    expect(health.lastError?.name).to.equal('StoreTimeoutError');
    expect(health.lastErrorAt).to.equal(clock.t);
    expect(events.filter((e) => e.type === 'store-down')).to.have.length(1);
    await api.cache.idle();
  });

  it('the reads of one request share one storeTimeout: a slow entry read leaves the alias read only the rest (real 40 ms time-out)', async () => {
    const p = `/budget-${++seq}`;
    ctx.server.route(p, countingJson());
    const inner = memoryStorage();
    const slow = <T>(value: Promise<T>) => new Promise<T>((resolve) => setTimeout(() => void value.then(resolve), 25));
    let aliasReads = 0;
    const store: CacheStore = {
      get: (k) => slow(inner.get(k)),
      getAlias: (k) => {
        aliasReads++;
        return slow(inner.getAlias(k));
      },
      set: (k, e, l) => inner.set(k, e, l),
      delete: (k) => inner.delete(k),
      setAlias: (k, a, l) => inner.setAlias(k, a, l),
      deleteAlias: (k) => inner.deleteAlias(k),
      clear: () => inner.clear(),
      keys: () => inner.keys(),
    };
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), new TestClock(), { ttl: '1m', storage: store, storeTimeout: 40 });
    await api.get(p);
    // 25 ms for the entry read, 15 ms left of 40 for the alias read (which takes 25): one time-out.
    // With a time-out per call, both reads would have answered and none timed out.
    expect(aliasReads).to.equal(1);
    expect(api.cache.health().timeouts).to.equal(1);
    await api.cache.idle();
  });

  it('a slow store is not a down one: a read that times out while other calls answer keeps the breaker closed (real 40 ms time-out)', async () => {
    const slowPath = `/slow-${++seq}`;
    const fastPath = `/fast-${seq}`;
    ctx.server.route(slowPath, countingJson());
    ctx.server.route(fastPath, countingJson());
    const inner = memoryStorage();
    let first = true;
    const store: CacheStore = {
      ...inner,
      inProcess: undefined,
      // The first read hangs (a store queueing under load); the others answer.
      get: (k) => {
        if (first) {
          first = false;
          return new Promise(() => undefined);
        }
        return inner.get(k);
      },
      keys: () => inner.keys(),
    };
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), new TestClock(), { ttl: '1m', storage: store, storeTimeout: 40 });
    const slow = api.get(slowPath);
    await api.get(fastPath);
    await slow;
    await api.cache.idle();
    expect(api.cache.health()).to.include({ ok: true, state: 'up', timeouts: 1 });
    expect(api.cache.health().lastError?.name).to.equal('StoreTimeoutError');
    expect((await api.get(slowPath)).cached, 'caching goes on').to.equal(true);
  });

  it('writes never delay the response: it arrives while the write is still pending; idle() waits for it', async () => {
    const p = `/write-after-${++seq}`;
    ctx.server.route(p, countingJson());
    const store = controllableStore();
    store.writes = 'hang';
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), new TestClock(), { ttl: '1m', storage: store.store, storeTimeout: 60_000 });
    const first = await api.get(p);
    expect(first.data).to.deep.equal({ n: 1 });
    expect(api.cache.stats().stores).to.equal(0);
    let idle = false;
    const waiting = api.cache.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(idle).to.equal(false);
    store.releaseWrites();
    await waiting;
    expect(api.cache.stats().stores).to.equal(1);
    expect((await api.get(p)).cached).to.equal(true);
  });

  it('after the back-off window one probe finds the store back, and caching resumes by itself; each change is reported once', async () => {
    const p = `/probe-${++seq}`;
    ctx.server.route(p, countingJson());
    const store = controllableStore();
    store.mode = 'reject';
    const clock = new TestClock();
    const events: CacheEvent[] = [];
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { ttl: '1m', storage: store.store, debug: (e) => events.push(e) });
    await api.get(p);
    await api.cache.idle();
    const callsWhenDown = store.calls.length;
    for (let i = 0; i < 3; i++) await api.get(p);
    expect(store.calls.length, 'no store call while down').to.equal(callsWhenDown);
    expect(ctx.server.count(p)).to.equal(4);

    // The window ends, the store is still down: one probe, then a doubled window.
    clock.advance(1000);
    await api.get(p);
    await api.get(p);
    expect(store.calls.length - callsWhenDown, 'one probe').to.equal(1);
    expect(api.cache.health().retryAt).to.equal(clock.t + 2000);

    store.mode = 'ok';
    clock.advance(2000);
    const probe = await api.get(p);
    expect(probe.cached).to.equal(false);
    await api.cache.idle();
    expect(api.cache.health()).to.include({ ok: true, state: 'up' });
    const hit = await api.get(p);
    expect(hit.cached).to.equal(true);
    expect(events.filter((e) => e.type === 'store-down')).to.have.length(1);
    expect(events.filter((e) => e.type === 'store-up')).to.have.length(1);
  });

  it('the first store failure emits one process warning, even without debug, and only once per cache', async () => {
    const p = `/warn-${++seq}`;
    ctx.server.route(p, countingJson());
    const warnings: Error[] = [];
    const listener = (warning: Error) => warnings.push(warning);
    process.on('warning', listener);
    try {
      const store = controllableStore();
      store.mode = 'reject';
      const clock = new TestClock();
      const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { ttl: '1m', storage: store.store });
      await api.get(p);
      store.mode = 'ok';
      clock.advance(1000);
      await api.get(p);
      await api.cache.idle();
      expect(api.cache.health().ok).to.equal(true);
      store.mode = 'reject';
      await api.get(p);
      await api.cache.idle();
      expect(api.cache.health().ok).to.equal(false);
      // process.emitWarning is delivered on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      const ours = warnings.filter((w) => (w as { code?: string }).code === 'AXIOS_STASH_STORE_DOWN');
      expect(ours).to.have.length(1);
      expect(ours[0]!.message).to.match(/connection refused/);
    } finally {
      process.off('warning', listener);
    }
  });

  it('an unreadable value is counted and reported but does not open the breaker: that store answered', async () => {
    const p = `/garbage-${++seq}`;
    ctx.server.route(p, countingJson());
    const inner = memoryStorage();
    const store: CacheStore = { ...inner, inProcess: undefined, get: async () => ({ not: 'an entry' }) as never, keys: () => inner.keys() };
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), new TestClock(), { ttl: '1m', storage: store });
    await api.get(p);
    await api.cache.idle();
    await api.get(p);
    expect(api.cache.stats().errors).to.equal(2);
    expect(api.cache.health()).to.include({ ok: true, state: 'up', timeouts: 0 });
  });
});

describe('adapter: the single-flight race', () => {
  const ctx = useServer();

  it('a lookup that misses just before a flight of its key stores its answer uses that answer: one origin request', async () => {
    ctx.server.route('/race', countingJson());
    const inner = memoryStorage();
    // The second request's entry read is held until the first request's write has landed, then
    // answers what it saw before: nothing (as a store read that was just too early does).
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let reads = 0;
    const store: CacheStore = {
      ...inner,
      inProcess: undefined,
      get: async (k) => {
        const n = ++reads;
        const before = await inner.get(k);
        if (n === 2) await gate;
        return before;
      },
      keys: () => inner.keys(),
    };
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), new TestClock(), { ttl: '1m', storage: store });
    const first = api.get('/race');
    const second = api.get('/race');
    const a = await first;
    await api.cache.idle();
    expect(api.cache.stats().stores).to.equal(1);
    release();
    const b = await second;
    expect(a.data).to.deep.equal({ n: 1 });
    expect(b.data).to.deep.equal({ n: 1 });
    expect(b.cached).to.equal(true);
    expect(ctx.server.count('/race')).to.equal(1);
  });
});
