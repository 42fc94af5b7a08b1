/**
 * Quick start: a local origin server (no internet needed), an axios instance whose cache lives
 * in a SQLite file, and three requests. Run it twice (`npm run example`): the second run is
 * answered from http-cache.sqlite and the origin serves nothing.
 */
import axios from 'axios';
import { createServer } from 'node:http';
import { setupCache } from 'axios-stash';
import { sqliteStorage } from 'axios-stash/sqlite';

// An origin that sends no caching headers, like many JSON APIs, and counts what it serves. A
// fixed port keeps the URL, and so the cache key, the same from one run to the next.
const port = Number(process.env.PORT ?? 47_123);
let served = 0;
const server = createServer((_req, res) => {
  served++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: 'world', servedAt: new Date().toISOString() }));
});
await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

// The API sends no Cache-Control, so HTTP alone would not cache it: `ttl` gives such responses a
// lifetime. Responses that carry caching headers follow them instead.
const api = setupCache(axios.create({ baseURL: `http://127.0.0.1:${port}` }), {
  storage: sqliteStorage({ path: process.env.CACHE_FILE ?? 'http-cache.sqlite' }),
  ttl: '5m',
});

for (const attempt of [1, 2, 3]) {
  const res = await api.get('/greeting');
  console.log(`request ${attempt}: cached=${res.cached} state=${res.cache?.state} age=${res.cache?.age}s data=${JSON.stringify(res.data)}`);
}
console.log(`origin served ${served} request(s); cache stats: ${JSON.stringify(api.cache.stats())}`);
await api.cache.close();
server.close();
