/**
 * keyvStorage over @keyv/postgres. Its pg Pool is shared by the whole process and disconnect()
 * ends it: caches close with a no-op, and the pool is ended once, after the table is dropped.
 */
import { KeyvPostgres } from '@keyv/postgres';
import { Keyv } from 'keyv';
import type { CacheStore } from '../../lib/storage/contract.js';
import { keyvStorage } from '../../lib/storage/keyv-storage.js';
import { scenarioSuite } from './suite.js';

const URI = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const table = `stash_scenarios_${process.pid}_${Date.now().toString(36)}`;
// No `_` or `%` in namespaces: @keyv/postgres' clear() puts them in a LIKE pattern unescaped.
const run = `scn-${process.pid}`;
const namespaces = new WeakMap<CacheStore, string>();
let n = 0;
function open(namespace = `${run}-${n++}`): CacheStore {
  const store = keyvStorage(new Keyv({ store: new KeyvPostgres({ uri: URI, table }), namespace }), { close: async () => {} });
  namespaces.set(store, namespace);
  return store;
}

scenarioSuite('postgres', () => open(), {
  reopen: (store) => open(namespaces.get(store)),
  cleanup: async () => {
    const store = new KeyvPostgres({ uri: URI, table });
    await store.query(`DROP TABLE IF EXISTS ${table}`);
    await store.disconnect();
  },
});
