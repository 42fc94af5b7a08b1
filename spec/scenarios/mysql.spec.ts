/**
 * keyvStorage over @keyv/mysql (MariaDB). @keyv/mysql creates a TEXT value column (64 KB), so the
 * column is widened to LONGTEXT before the first cache opens (the large-body scenario stores
 * 256 KB). Its mysql2 pool is shared by the whole process and disconnect() ends it: caches close
 * with a no-op, and the pool is ended once, after the table is dropped.
 */
import KeyvMysql from '@keyv/mysql';
import { Keyv } from 'keyv';
import type { CacheStore } from '../../lib/storage/contract.js';
import { keyvStorage } from '../../lib/storage/keyv-storage.js';
import { scenarioSuite } from './suite.js';

const URI = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const table = `stash_scenarios_${process.pid}_${Date.now().toString(36)}`;
const run = `scn-${process.pid}`;
const namespaces = new WeakMap<CacheStore, string>();
let n = 0;
let ready: Promise<unknown> | undefined;

async function open(namespace = `${run}-${n++}`): Promise<CacheStore> {
  // query() waits for the store's own CREATE TABLE, so the ALTER always finds the table.
  ready ??= new KeyvMysql({ uri: URI, table }).query(`ALTER TABLE \`${table}\` MODIFY value LONGTEXT`);
  await ready;
  const store = keyvStorage(new Keyv({ store: new KeyvMysql({ uri: URI, table }), namespace }), { close: async () => {} });
  namespaces.set(store, namespace);
  return store;
}

scenarioSuite('mysql', () => open(), {
  reopen: (store) => open(namespaces.get(store)),
  cleanup: async () => {
    const store = new KeyvMysql({ uri: URI, table });
    await store.query(`DROP TABLE IF EXISTS \`${table}\``);
    await store.disconnect();
  },
});
