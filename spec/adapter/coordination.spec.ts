/**
 * lib/coordination.ts against a store with lease methods, two cache instances standing for two
 * processes (each has its own in-process flights). Waiting uses real timers (other processes do
 * not follow an injected clock): each test waits a few hundred ms at most, and says so.
 */
import axios, { CanceledError } from 'axios';
import { expect } from 'chai';
import type { CacheStore } from '../../lib/storage/contract.js';
import { memoryStorage } from '../../lib/storage/memory.js';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { sleep, useServer } from '../helpers/server.js';

/** memoryStorage with the contract's lease methods, as a Redis with `coordinate: true` would have them. */
function leasingStore(options: { failLeases?: boolean; coordinateTimeout?: number } = {}) {
  const store = memoryStorage();
  const leases = new Map<string, { token: string; until: number }>();
  const listeners = new Set<(key: string, stored: boolean) => void>();
  const held = (key: string): { token: string; until: number } | undefined => {
    const lease = leases.get(key);
    return lease !== undefined && lease.until > Date.now() ? lease : undefined;
  };
  const calls = { acquire: 0, release: [] as boolean[] };
  const leasing: Partial<CacheStore> = {
    async acquireLease(key, token, ms) {
      calls.acquire++;
      if (options.failLeases) throw new Error('lease store down');
      if (held(key)) return false;
      leases.set(key, { token, until: Date.now() + ms });
      return true;
    },
    async renewLease(key, token, ms) {
      if (held(key)?.token !== token) return false;
      leases.set(key, { token, until: Date.now() + ms });
      return true;
    },
    async releaseLease(key, token, stored) {
      if (held(key)?.token !== token) return;
      leases.delete(key);
      calls.release.push(stored);
      for (const l of listeners) l(key, stored);
    },
    async leaseHeld(key) {
      return held(key) !== undefined;
    },
    async onLeaseReleased(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    coordinateTimeout: options.coordinateTimeout,
  };
  return { store: Object.assign(store, leasing), calls };
}

describe('coordinate: cross-process single-flight (lib/coordination.ts)', () => {
  const ctx = useServer();
  let seq = 0;
  const clock = new TestClock();

  function route(delay: number, headers: Record<string, string>) {
    const path = `/coord-${++seq}`;
    let n = 0;
    ctx.server.route(path, async (_req, res) => {
      n++;
      await sleep(delay);
      // Date from the cache's clock: the origin's own would make a response aged by the clock's lead.
      res.writeHead(200, { 'content-type': 'application/json', date: clock.httpDate(), ...headers }).end(JSON.stringify({ n }));
    });
    return path;
  }
  /** Two "processes": two cache instances over one store. */
  function two(store: CacheStore) {
    return [0, 1].map(() => cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { storage: store }));
  }

  it('two processes, one cold URL: the origin sees one request; the other is answered by its entry (real timers, ~100 ms)', async () => {
    const { store } = leasingStore();
    const [a, b] = two(store);
    const path = route(100, { 'cache-control': 'max-age=60' });
    const [ra, rb] = await Promise.all([a!.get(path), b!.get(path)]);
    expect(ctx.server.count(path)).to.equal(1);
    expect([ra.data.n, rb.data.n]).to.deep.equal([1, 1]);
    expect([ra.cache?.state, rb.cache?.state].sort()).to.deep.equal(['hit', 'miss']);
  });

  it('a response that is not stored releases the lease at once, saying so: the waiter fetches for itself without waiting out the timeout (real timers, ~200 ms)', async () => {
    const { store, calls } = leasingStore({ coordinateTimeout: 5000 });
    const [a, b] = two(store);
    const path = route(100, { 'cache-control': 'no-store' });
    const pa = a!.get(path);
    await sleep(20); // a holds the lease
    const start = performance.now();
    const rb = await b!.get(path);
    await pa;
    expect(ctx.server.count(path)).to.equal(2);
    expect(rb.data.n).to.equal(2);
    expect(calls.release[0]).to.equal(false);
    // b acquired nothing: it fetched as soon as a's release said "not stored".
    expect(calls.acquire).to.equal(2);
    expect(performance.now() - start, 'waited for the 5 s coordinateTimeout').to.be.below(2500);
  });

  it("a waiter's own cancellation cancels only that waiter; its process's other caller still gets the entry (real timers, ~150 ms)", async () => {
    const { store } = leasingStore();
    const [a, b] = two(store);
    const path = route(150, { 'cache-control': 'max-age=60' });
    const pa = a!.get(path);
    await sleep(20);
    const controller = new AbortController();
    const cancelled = b!.get(path, { signal: controller.signal });
    const patient = b!.get(path);
    await sleep(20);
    controller.abort();
    const error = await cancelled.catch((e: unknown) => e);
    expect(error).to.be.instanceOf(CanceledError);
    const [ra, rb] = await Promise.all([pa, patient]);
    expect([ra.data.n, rb.data.n]).to.deep.equal([1, 1]);
    expect(rb.cache?.state).to.equal('hit');
    expect(ctx.server.count(path)).to.equal(1);
  });

  it('stale-while-revalidate across processes: both serve stale at once, only the lease holder refreshes (real timers, ~100 ms)', async () => {
    const { store } = leasingStore();
    const [a, b] = two(store);
    const path = route(80, { 'cache-control': 'max-age=10, stale-while-revalidate=600' });
    await a!.get(path);
    clock.advance(20_000);
    const [ra, rb] = await Promise.all([a!.get(path), b!.get(path)]);
    expect([ra.cache?.state, rb.cache?.state]).to.deep.equal(['stale', 'stale']);
    await Promise.all([a!.cache.idle(), b!.cache.idle()]);
    expect(ctx.server.count(path)).to.equal(2);
    const [fa, fb] = await Promise.all([a!.get(path), b!.get(path)]);
    expect([fa.cache?.state, fb.cache?.state, fa.data.n, fb.data.n]).to.deep.equal(['hit', 'hit', 2, 2]);
  });

  it('a store whose lease calls fail means "fetch": every request succeeds, the failures are counted', async () => {
    const { store } = leasingStore({ failLeases: true });
    const [a, b] = two(store);
    const path = route(50, { 'cache-control': 'max-age=60' });
    const responses = await Promise.all([a!.get(path), b!.get(path)]);
    expect(responses.map((r) => r.status)).to.deep.equal([200, 200]);
    expect(ctx.server.count(path)).to.equal(2);
    expect(a!.cache.stats().errors + b!.cache.stats().errors).to.equal(2);
  });
});
