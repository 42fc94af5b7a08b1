/**
 * keyvStorage over @keyv/postgres, with Keyv's default (JSON) serializer: proves that any Keyv
 * store adapter works behind KeyvStorage, with no code of ours for it.
 *
 * @keyv/postgres 2 keeps one pg Pool per process (per URI) shared by every KeyvPostgres instance,
 * and disconnect() ends that shared pool: the caches here are closed with a no-op and the pool is
 * ended once, after the table is dropped.
 */
import { expect } from 'chai';
import { KeyvPostgres } from '@keyv/postgres';
import { Keyv } from 'keyv';
import { keyvOf, keyvStorage, type KeyvStorage } from '../../lib/storage/keyv-storage.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { assertSameEntry as expectSameEntry, makeEntry } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';

const URI = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const table = `stash_test_${process.pid}_${Date.now().toString(36)}`;
// Namespaces avoid `_` and `%`: @keyv/postgres' clear() puts the namespace in a LIKE pattern
// unescaped (its iterator escapes it).
const run = `stash-${process.pid}`;
const namespaces = new WeakMap<KeyvStorage, string>();
let n = 0;

function open(namespace = `${run}-${n++}`): KeyvStorage {
  const keyv = new Keyv({ store: new KeyvPostgres({ uri: URI, table }), namespace });
  const storage = keyvStorage(keyv, { close: async () => {} });
  namespaces.set(storage, namespace);
  return storage;
}

storeConformance('postgres (keyvStorage over @keyv/postgres)', () => open(), {
  reopen: (s) => open(namespaces.get(s as KeyvStorage)),
  raw: keyvRaw,
  timeout: 60_000,
  // Nothing listens on port 1: every query fails to connect (ECONNREFUSED), at once.
  broken: () => keyvStorage(new Keyv({ store: new KeyvPostgres({ uri: 'postgresql://postgres@127.0.0.1:1/test', table }), namespace: 'broken' }), { close: async () => {} }),
});

describe('keyvStorage over @keyv/postgres', () => {
  after(async () => {
    const store = new KeyvPostgres({ uri: URI, table });
    await store.query(`DROP TABLE IF EXISTS ${table}`);
    await store.disconnect();
  });

  it('stores the entry as Keyv JSON text in the table', async () => {
    const storage = open();
    await storage.set('k', makeEntry(), 60_000);
    const store = (await keyvOf(storage)).store as KeyvPostgres;
    const rows = (await store.query(`SELECT key, value FROM ${table} WHERE key = $1`, [`${namespaces.get(storage)}:entry:k`])) as Array<{ value: string }>;
    expect(rows).to.have.length(1);
    expect(JSON.parse(rows[0]!.value).value).to.match(/^axios-stash\/1 devalue\/6\n/);
    expectSameEntry(await storage.get('k'), makeEntry());
    await storage.clear();
  });
});
