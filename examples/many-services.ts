/**
 * Many services, one cache: several processes (think replicas of a service) share one Redis with
 * `coordinate: true` and a `secret`. All of them ask for the same cold URL at once; the origin
 * answers once, and every other caller, in every process, gets that answer from the cache.
 *
 *   npx tsx examples/many-services.ts      (needs Redis on 127.0.0.1:6379, or REDIS_URL;
 *                                           SERVICES=4 processes, CALLERS=25 callers each)
 */
import axios from 'axios';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setupCache } from 'axios-stash';
import { redisStorage } from 'axios-stash/redis';

const namespace = process.env.NAMESPACE ?? 'axios-stash-many-services';
const SERVICES = Number(process.env.SERVICES ?? 4);
const CALLERS = Number(process.env.CALLERS ?? 25);

/** Every service's cache: the same Redis, namespace and secret; `coordinate` across processes. */
function cachedApi(baseURL: string) {
  return setupCache(axios.create({ baseURL, timeout: 5000 }), {
    storage: redisStorage({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace, coordinate: true }),
    // Shared by every service (from your secret store); a list rotates: ['new', 'old'].
    secret: process.env.CACHE_SECRET ?? 'example-secret-change-me',
  });
}

if (process.argv[2] === 'service') {
  const api = cachedApi(process.argv[3]!);
  process.send!('ready');
  process.once('message', async () => {
    const states = await Promise.all(Array.from({ length: CALLERS }, () => api.get('/report').then((r) => r.cache?.state)));
    const count = (s: string) => states.filter((x) => x === s).length;
    console.log(`service ${process.pid}: ${CALLERS} callers, ${count('miss')} miss, ${count('hit')} hit`);
    await api.cache.close();
    process.exit(0);
  });
} else {
  let served = 0;
  const origin = createServer((_req, res) => {
    served++;
    // A slow report: without coordination every process would ask for it.
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end('{"total":42}'), 200);
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  const admin = cachedApi(baseURL);
  await admin.cache.clear();

  const services = Array.from({ length: SERVICES }, () => fork(fileURLToPath(import.meta.url), ['service', baseURL], { execArgv: process.execArgv }));
  await Promise.all(services.map((s) => new Promise((resolve) => s.once('message', resolve))));
  for (const s of services) s.send('go'); // all at once: a stampede on a cold URL
  await Promise.all(services.map((s) => new Promise((resolve) => s.on('exit', resolve))));
  console.log(`origin served ${served} request(s) for ${SERVICES * CALLERS} callers in ${SERVICES} processes`);
  await admin.cache.clear();
  await admin.cache.close();
  origin.close();
}
