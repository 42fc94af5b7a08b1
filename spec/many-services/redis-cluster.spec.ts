/**
 * Redis Cluster, for real: six `redis-server` nodes (three masters, three replicas) on free
 * loopback ports, started once for this file (it takes seconds) and stopped by PID.
 * Sizes: CLUSTER_URLS (URLs per load pass, default 12), CLUSTER_ROUNDS (default 40).
 */
import { expect } from 'chai';
import axios from 'axios';
import { setupCache } from '../../lib/setup.js';
import { redisStorage } from '../../lib/storage/redis.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { keyvRaw } from '../storage/keyv-raw.js';
import { RedisCluster } from '../storage/fixtures/redis-cluster.js';
import { stampedeSpecs } from './fixtures/stampede.js';
import { startFleet, startOrigin, type Origin, type Worker } from './fixtures/fleet.js';

const URLS = Number(process.env.CLUSTER_URLS ?? 12);
const ROUNDS = Number(process.env.CLUSTER_ROUNDS ?? 40);
const STORE_TIMEOUT = 300;

describe('Redis Cluster (six local nodes)', function () {
  this.timeout(120_000);
  const cluster = new RedisCluster();
  const run = `stash-cluster-${process.pid}-${Date.now().toString(36)}`;
  let n = 0;
  before(async () => {
    await cluster.start();
  });
  after(async () => {
    await cluster.stop();
  });

  describe('the store contract, on a cluster (entries, aliases, iteration by SCAN on every master)', () => {
    const namespaces = new WeakMap<CacheStore, string>();
    const open = (namespace = `${run}-${n++}`): CacheStore => {
      const store = redisStorage({ cluster: { rootNodes: cluster.rootNodes }, namespace, coordinate: true });
      namespaces.set(store, namespace);
      return store;
    };
    storeConformance('redis cluster', () => open(), {
      reopen: (s) => open(namespaces.get(s)),
      raw: keyvRaw,
      nativeExpiry: true,
      leases: true,
      // 10 MB values through the cluster cost seconds; 1 MB proves the same path.
      maxBodyBytes: 1024 * 1024,
    });

    it('leases on a cluster: one holder, compare-and-renew, release notifies another process', async () => {
      const a = open();
      const b = open(namespaces.get(a));
      try {
        const released: Array<[string, boolean]> = [];
        const unsubscribe = await b.onLeaseReleased!((key, stored) => released.push([key, stored]));
        // Keys spread over slots (and masters): none needs another's slot.
        for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
          expect(await a.acquireLease!(key, 'ta', 1000)).to.equal(true);
          expect(await b.acquireLease!(key, 'tb', 1000)).to.equal(false);
          expect(await b.renewLease!(key, 'tb', 1000)).to.equal(false);
          expect(await a.renewLease!(key, 'ta', 1000)).to.equal(true);
          expect(await b.leaseHeld!(key)).to.equal(true);
          await b.releaseLease!(key, 'tb', true); // not b's lease: stays
          expect(await a.leaseHeld!(key)).to.equal(true);
          await a.releaseLease!(key, 'ta', key !== 'k5');
          expect(await b.leaseHeld!(key)).to.equal(false);
        }
        for (let i = 0; i < 100 && released.length < 5; i++) await new Promise((r) => setTimeout(r, 20));
        // Announced by the holder only, once each, with whether an entry was stored.
        expect([...released].sort(([a], [b]) => (a < b ? -1 : 1))).to.deep.equal([['k1', true], ['k2', true], ['k3', true], ['k4', true], ['k5', false]]);
        unsubscribe();
      } finally {
        await a.clear();
        await a.close!();
        await b.close!();
      }
    });
  });

  /** Tag sets of a namespace left on any master. */
  async function tagSets(namespace: string): Promise<string[]> {
    const { createClient } = await import('@keyv/redis');
    const found: string[] = [];
    for (const port of await cluster.masters()) {
      const node = createClient({ url: `redis://127.0.0.1:${port}` });
      await node.connect();
      for await (const keys of node.scanIterator({ MATCH: `${namespace}::tag:*` })) found.push(...keys);
      await node.close();
    }
    return found;
  }

  it('tags on a cluster: delete({ tag }) finds its entries on every master', async () => {
    const origin = await startOrigin(0, 'max-age=600');
    const api = setupCache(axios.create({ baseURL: origin.url }), { storage: redisStorage({ cluster: { rootNodes: cluster.rootNodes }, namespace: `${run}-tags` }) });
    try {
      for (let i = 0; i < 12; i++) await api.get(`/t${i}`, { cache: { tags: [i % 2 ? 'odd' : 'even'] } });
      expect(await api.cache.delete({ tag: 'odd' })).to.equal(6);
      const states = [];
      for (let i = 0; i < 12; i++) states.push((await api.get(`/t${i}`)).cache?.state);
      expect(states).to.deep.equal(Array.from({ length: 12 }, (_, i) => (i % 2 ? 'miss' : 'hit')));
      // clear() removes the tag sets too, from every master (SCAN per master, one key per UNLINK).
      expect(await api.cache.clear()).to.equal(true);
      expect(await tagSets(`${run}-tags`)).to.deep.equal([]);
    } finally {
      await api.cache.clear();
      await api.cache.close();
      await origin.close();
    }
  });

  describe('coordinate on a cluster', function () {
    stampedeSpecs(() => ({ cluster: { rootNodes: cluster.rootNodes } }));
  });

  describe('a master SIGKILLed during a load run of two processes', () => {
    let origin: Origin;
    let fleet: Worker[] = [];
    before(async () => {
      origin = await startOrigin(0, 'max-age=600');
      fleet = await startFleet(2, {
        cluster: { rootNodes: cluster.rootNodes },
        namespace: `${run}-failover`,
        coordinate: false,
        storeTimeout: STORE_TIMEOUT,
      });
    });
    after(async () => {
      await fleet[0]?.clear();
      await Promise.all(fleet.map((w) => w.close()));
      await origin.close();
    });

    it('every request succeeds, none waits past the store time-out, and caching resumes once a replica is promoted (real timers: failover)', async () => {
      const urls = Array.from({ length: URLS }, (_, i) => (i % 2 ? `${origin.url}/fixed-${i}` : `${origin.url}/r{round}-${i}`));
      for (const w of fleet) w.load(urls, ROUNDS, 100);
      await fleet[0]!.next((m) => ((m as { progress?: number }).progress ?? 0) >= 3);
      const [victim] = await cluster.masters();
      await cluster.kill(victim!);
      const runs = await Promise.all(fleet.map((w) => w.loadDone()));
      const outcomes = runs.flatMap((r) => r.outcomes);
      expect(outcomes).to.have.length(2 * URLS * ROUNDS);
      expect(outcomes.filter((o) => !o.ok), 'failed requests').to.deep.equal([]);
      // The origin answers at once; a request's own store calls are each bounded by storeTimeout.
      expect(outcomes.filter((o) => o.ms > STORE_TIMEOUT * 3 + 200).length, 'requests that waited past the store time-outs').to.equal(0);
      // The store failed for a while (its errors were counted, not thrown).
      expect(runs.reduce((sum, r) => sum + r.stats.errors, 0)).to.be.greaterThan(0);

      // Caching resumes by itself: nothing is restarted or reconfigured, the clients rediscover.
      await cluster.waitOk();
      const fresh = Array.from({ length: URLS }, (_, i) => `${origin.url}/after-{round}-${i}`);
      let resumed = false;
      for (let attempt = 0; attempt < 40 && !resumed; attempt++) {
        const probe = fresh.map((u) => u.replace('{round}', `p${attempt}`));
        fleet[0]!.load(probe, 1, 0);
        await fleet[0]!.loadDone();
        fleet[1]!.load(probe, 1, 0);
        const second = await fleet[1]!.loadDone();
        resumed = second.outcomes.every((o) => o.ok && o.state === 'hit');
        if (!resumed) await new Promise((r) => setTimeout(r, 250));
      }
      expect(resumed, 'the second process hits every URL the first stored after the failover').to.equal(true);
    });
  });
});
