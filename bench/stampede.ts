/**
 * Issue 10 figures:
 * 1. A multi-process stampede: STAMPEDE_PROCESSES (default 4) service processes x
 *    STAMPEDE_CONCURRENCY (default 25) callers ask for one cold URL at once, STAMPEDE_ROUNDS
 *    (default 5) times (a new URL each round), against an origin that takes 100 ms. Per contender:
 *    origin requests per round and the callers' p50 / p99 latency. axios-stash with and without
 *    `coordinate`, and axios-cache-interceptor, all on the same Redis.
 * 2. The hit cost on a Redis Cluster (six local nodes, started here) next to a single Redis.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import axios from 'axios';
import { setupCache } from 'axios-stash';
import { redisStorage } from 'axios-stash/redis';
import { RedisCluster } from '../spec/storage/fixtures/redis-cluster.js';
import { compare, jsonBody, report, startOrigin } from './harness.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = Number(process.env.STAMPEDE_PROCESSES ?? 4);
const CONCURRENCY = Number(process.env.STAMPEDE_CONCURRENCY ?? 25);
const ROUNDS = Number(process.env.STAMPEDE_ROUNDS ?? 5);
const WORKER = fileURLToPath(new URL('./stampede-worker.ts', import.meta.url));

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function startWorker(config: Record<string, string>): Promise<{ child: ChildProcess; next: () => Promise<Record<string, unknown>> }> {
  const child = fork(WORKER, [JSON.stringify(config)], { execArgv: ['--import', 'tsx'] });
  const queue: Array<Record<string, unknown>> = [];
  const waiting: Array<(m: Record<string, unknown>) => void> = [];
  child.on('message', (m: Record<string, unknown>) => (waiting.length ? waiting.shift()!(m) : queue.push(m)));
  const next = (): Promise<Record<string, unknown>> => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiting.push(r)));
  await next(); // ready
  return { child, next };
}

async function stampede(): Promise<void> {
  let originRequests = 0;
  const server = createServer((_req, res) => {
    originRequests++;
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"ok":true}'), 100);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`\nstampede: ${PROCESSES} processes x ${CONCURRENCY} callers, one cold URL, ${ROUNDS} rounds, origin 100 ms, one Redis`);
  console.log(`  ${'contender'.padEnd(36)} ${'origin req/round'.padStart(17)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
  for (const contender of ['stash-coordinate', 'stash', 'aci']) {
    const namespace = `bench-stampede-${process.pid}-${contender}`;
    const workers = await Promise.all(Array.from({ length: PROCESSES }, () => startWorker({ contender, redis: REDIS, namespace })));
    originRequests = 0;
    const latencies: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const w of workers) w.child.send({ cmd: 'burst', url: `${url}/${contender}-${round}`, concurrency: CONCURRENCY });
      for (const w of workers) latencies.push(...((await w.next()).latencies as number[]));
    }
    for (const w of workers) w.child.send({ cmd: 'close' });
    await Promise.all(workers.map((w) => new Promise((r) => w.child.once('exit', r))));
    const name = { 'stash-coordinate': 'axios-stash, coordinate: true', stash: 'axios-stash', aci: 'axios-cache-interceptor' }[contender]!;
    console.log(`  ${name.padEnd(36)} ${(originRequests / ROUNDS).toFixed(1).padStart(17)} ${percentile(latencies, 50).toFixed(1).padStart(8)} ${percentile(latencies, 99).toFixed(1).padStart(8)}`);
  }
  server.closeAllConnections();
  server.close();
}

async function clusterHits(): Promise<void> {
  const cluster = new RedisCluster();
  try {
    await cluster.start();
  } catch (error) {
    console.log(`\nredis cluster: skipped (${(error as Error).message})`);
    await cluster.stop();
    return;
  }
  const origin = await startOrigin({ '/json-1k': { body: jsonBody(1024), type: 'application/json' } });
  const namespace = `bench-cluster-${process.pid}`;
  const single = setupCache(axios.create({ baseURL: origin.url }), { ttl: 600_000, storage: redisStorage({ url: REDIS, namespace }) });
  const clustered = setupCache(axios.create({ baseURL: origin.url }), { ttl: 600_000, storage: redisStorage({ cluster: { rootNodes: cluster.rootNodes }, namespace }) });
  try {
    await single.get('/json-1k');
    await clustered.get('/json-1k');
    const results = await compare(
      [
        { name: 'axios-stash hit, one Redis', run: () => single.get('/json-1k') },
        { name: 'axios-stash hit, Redis Cluster (3 masters)', run: () => clustered.get('/json-1k') },
      ],
      300,
    );
    report('Redis Cluster: 1 KB JSON hit', results, 'axios-stash hit, one Redis');
  } finally {
    for (const api of [single, clustered]) {
      await api.cache.clear();
      await api.cache.close();
    }
    origin.server.closeAllConnections();
    origin.server.close();
    await cluster.stop();
  }
}

export async function stampedeBench(): Promise<void> {
  await stampede();
  await clusterHits();
}
