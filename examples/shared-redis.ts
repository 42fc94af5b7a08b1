/**
 * One Redis cache shared by separate processes (think: several services or replicas). Each
 * process has its own axios instance; with the same `redisStorage` settings (URL, namespace) and
 * the same key options, an entry stored by one is a hit in the others.
 *
 *   npx tsx examples/shared-redis.ts      (needs Redis on 127.0.0.1:6379, or REDIS_URL)
 */
import axios from 'axios';
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setupCache } from 'axios-stash';
import { redisStorage } from 'axios-stash/redis';

const namespace = process.env.NAMESPACE ?? 'axios-stash-example';

/** What every service does: its own instance, the shared store. */
function cachedApi(baseURL: string) {
  return setupCache(axios.create({ baseURL }), {
    storage: redisStorage({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace }),
    ttl: '10m',
  });
}

if (process.argv[2] === 'worker') {
  // A second process: it asks for the same URL and reports where the answer came from.
  const api = cachedApi(process.argv[3]!);
  const res = await api.get('/prices');
  console.log(`worker (pid ${process.pid}): cached=${res.cached} state=${res.cache?.state} data=${JSON.stringify(res.data)}`);
  await api.cache.close();
} else {
  let served = 0;
  const server = createServer((_req, res) => {
    served++;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ price: 42, servedBy: process.pid }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api = cachedApi(baseURL);
  await api.cache.clear();
  const res = await api.get('/prices');
  console.log(`main (pid ${process.pid}): cached=${res.cached} state=${res.cache?.state}`);
  // The entry is written after the response is returned: wait for it before the worker looks.
  await api.cache.idle();

  const worker = fork(fileURLToPath(import.meta.url), ['worker', baseURL], { execArgv: process.execArgv });
  await new Promise((resolve) => worker.on('exit', resolve));
  console.log(`origin served ${served} request(s) for two processes`);
  await api.cache.clear();
  await api.cache.close();
  server.close();
}
