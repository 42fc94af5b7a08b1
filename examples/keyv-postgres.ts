/**
 * Any Keyv store: here PostgreSQL through @keyv/postgres (MySQL, MongoDB, DynamoDB, etcd ... work
 * the same way). Passing `keyvSerialization` stores entries as plain strings, skipping Keyv's
 * JSON layer (about 2x cheaper for large bodies); a Keyv with its default serializer works too.
 */
import axios from 'axios';
import KeyvPostgres from '@keyv/postgres';
import { Keyv } from 'keyv';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { keyvSerialization, keyvStorage, setupCache } from 'axios-stash';

const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=60' }).end('hello from the origin'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

const uri = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const keyv = new Keyv({ store: new KeyvPostgres({ uri, table: 'axios_stash_example' }), ...keyvSerialization });
const api = setupCache(axios.create({ baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }), {
  storage: keyvStorage(keyv),
});

console.log('first:', (await api.get('/')).cache?.state);
console.log('second:', (await api.get('/')).cache?.state);
await api.cache.clear();
await api.cache.close();
server.close();
