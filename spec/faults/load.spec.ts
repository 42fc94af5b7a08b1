/**
 * Four processes x 50 concurrent requests on one store (SQLite, file, Redis): no request fails, no
 * entry is corrupt, and each URL reaches the origin at most once per process. Before the
 * single-flight race was closed, 4-12 % of URLs were fetched twice in one process, and under four
 * processes one URL reached the origin up to 13 times.
 *
 * Sizes: FAULT_LOAD_PROCESSES (4), FAULT_LOAD_CONCURRENCY (50), FAULT_LOAD_URLS (40),
 * FAULT_LOAD_ROUNDS (3), FAULT_BODY_BYTES (2048). Real processes and a real origin.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { freePort, RedisServer } from '../storage/fixtures/redis-server.js';
import { forkFixture } from './fixtures/fork.js';
import type { LoadConfig } from './fixtures/load-worker.js';
import { type Backend, bodyFor, openStore, type StoreAt } from './fixtures/stores.js';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const PROCESSES = env('FAULT_LOAD_PROCESSES', 4);
const CONCURRENCY = env('FAULT_LOAD_CONCURRENCY', 50);
const URLS = env('FAULT_LOAD_URLS', 40);
const ROUNDS = env('FAULT_LOAD_ROUNDS', 3);
const BODY = env('FAULT_BODY_BYTES', 2048);

interface Result {
  pid: number;
  failures: number;
  requests: number;
  errors: string[];
  stats: { errors: number };
  health: { timeouts: number };
}

/** An origin that answers each path with its own body, fresh for an hour, and counts per process. */
async function countingOrigin(): Promise<{ url: string; counts: Map<string, number>; server: Server }> {
  const counts = new Map<string, number>();
  const server = createServer((req, res) => {
    const id = `${req.url} ${req.headers['x-worker']}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
    // A little latency, so concurrent requests of one URL overlap as they do in production.
    setTimeout(() => res.writeHead(200, { 'cache-control': 'max-age=3600', 'content-type': 'application/octet-stream' }).end(bodyFor(req.url!, BODY)), 5);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, counts, server };
}

describe(`faults: ${PROCESSES} processes x ${CONCURRENCY} concurrent requests on one store (real processes)`, function () {
  this.timeout(120_000);
  let dir: string;
  let redis: RedisServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'axios-stash-load-'));
    redis = new RedisServer(await freePort());
    await redis.start();
  });
  after(async () => {
    await redis?.kill();
    await rm(dir, { recursive: true, force: true });
  });

  for (const backend of ['sqlite', 'file', 'redis'] as Backend[]) {
    it(`${backend}: 0 failed requests, 0 corrupt entries, at most one origin request per URL per process`, async () => {
      const origin = await countingOrigin();
      try {
        const at: StoreAt = {
          backend,
          location: backend === 'sqlite' ? join(dir, 'load.sqlite') : backend === 'file' ? join(dir, 'files') : redis.url,
          namespace: `load-${Date.now()}`,
        };
        const paths = Array.from({ length: URLS }, (_, i) => `/load/${backend}/${i}`);
        const config: LoadConfig = { ...at, origin: origin.url, paths, rounds: ROUNDS, concurrency: CONCURRENCY };
        const results = (await Promise.all(Array.from({ length: PROCESSES }, () => forkFixture('load-worker.ts', config).result))) as Result[];

        const failures = results.reduce((n, r) => n + r.failures, 0);
        expect(failures, results.flatMap((r) => r.errors).join('\n')).to.equal(0);
        expect(results.reduce((n, r) => n + r.requests, 0)).to.equal(PROCESSES * URLS * ROUNDS);
        // At most one origin request per URL per process. A read that times out (a store slowed
        // by load past storeTimeout) goes to the origin for that one request: time-outs may cost
        // one extra origin request each, never a multiple (the breaker does not open for a store
        // that answers slowly, and a lookup that misses joins the flight that just stored).
        for (const result of results) {
          const extra = [...origin.counts].filter(([id]) => id.endsWith(` ${result.pid}`)).reduce((n, [, count]) => n + count - 1, 0);
          const repeated = [...origin.counts].filter(([id, n]) => id.endsWith(` ${result.pid}`) && n > 1).map(([id, n]) => `${id}: ${n}`);
          expect(extra, `process ${result.pid} waited ${result.health.timeouts} store time-outs; repeated: ${repeated.join(', ')}`).to.be.at.most(result.health.timeouts);
        }
        if (process.env.FAULT_REPORT) console.log(JSON.stringify({ backend, timeouts: results.map((r) => r.health.timeouts), most: Math.max(...origin.counts.values()) }));

        // Every stored entry reads back whole and for its own URL.
        const api = setupCache(axios.create({ baseURL: origin.url }), { storage: openStore(at) });
        let found = 0;
        for (const path of paths) {
          const res = await api.get(path, { responseType: 'arraybuffer', cache: { mode: 'only-if-cached' }, validateStatus: () => true });
          if (res.status === 504) continue;
          found++;
          expect(Buffer.from(res.data as ArrayBuffer).equals(bodyFor(path, BODY)), path).to.equal(true);
        }
        expect(api.cache.stats().errors, 'unreadable entries').to.equal(0);
        expect(found).to.be.greaterThan(0);
        await api.cache.clear();
        await api.cache.close();
      } finally {
        origin.server.closeAllConnections();
        origin.server.close();
      }
    });
  }
});
