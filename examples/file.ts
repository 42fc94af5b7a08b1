/**
 * Filesystem storage: one file per entry under a directory; writes are atomic (temp file, then
 * rename). The origin sends Cache-Control and an ETag, so HTTP decides: fresh for 2 seconds,
 * then revalidated with If-None-Match and answered by a 304.
 */
import axios from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupCache } from 'axios-stash';
import { fileStorage } from 'axios-stash/file';

const server = createServer((req, res) => {
  const etag = '"v1"';
  if (req.headers['if-none-match'] === etag) return void res.writeHead(304, { etag, 'cache-control': 'max-age=2' }).end();
  res.writeHead(200, { 'content-type': 'application/json', etag, 'cache-control': 'max-age=2' }).end('{"version":1}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const api = setupCache(axios.create({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }), {
  storage: fileStorage({ dir: process.env.CACHE_DIR ?? '.http-cache' }),
});

console.log('first:', (await api.get('/doc')).cache?.state); // miss
console.log('second:', (await api.get('/doc')).cache?.state); // hit
await new Promise((resolve) => setTimeout(resolve, 2100));
console.log('after max-age:', (await api.get('/doc')).cache?.state); // revalidated (304)
await api.cache.clear();
server.close();
