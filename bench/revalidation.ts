/**
 * Issue 5 figures: a revalidated hit (the entry is stale, the origin answers 304, the stored body
 * is served) next to a fresh hit and a miss, all on memory storage with a 1 KB JSON body, and
 * plain axios for the network floor.
 */
import axios from 'axios';
import { setupCache } from 'axios-stash';
import { compare, jsonBody, report, startOrigin } from './harness.js';

export async function revalidationBench(): Promise<void> {
  const body = jsonBody(1024);
  const origin = await startOrigin({
    '/fresh': { body, type: 'application/json', headers: { 'cache-control': 'max-age=3600' } },
    // no-cache: stored, but validated on every use; the origin answers If-None-Match with 304.
    '/etag': { body, type: 'application/json', headers: { 'cache-control': 'no-cache', etag: '"v1"' } },
    '/miss': { body, type: 'application/json', headers: { 'cache-control': 'max-age=3600' } },
  });
  const api = setupCache(axios.create({ baseURL: origin.url }));
  // Misses on an instance of their own: a thousand new URLs would evict the others from the LRU.
  const cold = setupCache(axios.create({ baseURL: origin.url }));
  const plain = axios.create({ baseURL: origin.url });
  await api.get('/fresh');
  await api.get('/etag');
  let i = 0;
  const results = await compare(
    [
      { name: 'plain axios (200 from the origin)', run: () => plain.get('/fresh') },
      { name: 'fresh hit', run: () => api.get('/fresh') },
      { name: 'revalidated hit (304)', run: () => api.get('/etag') },
      { name: 'miss + store', run: () => cold.get(`/miss?i=${i++}`) },
    ],
    1000,
  );
  report('1 KB JSON, memory storage: fresh hit, revalidated hit, miss', results, 'plain axios (200 from the origin)');
  const revalidated = await api.get('/etag');
  if (revalidated.cache?.state !== 'revalidated') throw new Error(`bench invariant: expected a revalidated hit, got ${revalidated.cache?.state}`);
  origin.server.close();
}
