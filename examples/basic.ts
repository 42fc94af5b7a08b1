/**
 * Quick start: a local origin server (no internet needed), an axios instance with a cache, and
 * three requests. Run with `npm run example`.
 */
import axios from 'axios';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupCache } from 'axios-stash';

// An origin that sends no caching headers, like many JSON APIs, and counts its requests.
let served = 0;
const server = createServer((_req, res) => {
  served++;
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ hello: 'world', served }));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The API sends no Cache-Control, so HTTP alone would not cache it: `ttl` gives such responses
// a lifetime. Responses that do carry caching headers follow them instead.
const api = setupCache(axios.create({ baseURL: origin }), { ttl: '5m' });

for (const attempt of [1, 2, 3]) {
  const res = await api.get('/greeting');
  console.log(`request ${attempt}: cached=${res.cached} state=${res.cache?.state} age=${res.cache?.age}s data=${JSON.stringify(res.data)}`);
}
console.log(`origin served ${served} request(s); cache stats: ${JSON.stringify(api.cache.stats())}`);
server.close();
