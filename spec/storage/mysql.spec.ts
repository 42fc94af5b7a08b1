/**
 * keyvStorage over @keyv/mysql (MariaDB here), with keyvSerialization: another Keyv adapter behind
 * keyvStorage with no code of ours for it.
 *
 * Facts about @keyv/mysql 2 relied on here (node_modules/@keyv/mysql/dist/index.js):
 * - It creates its table as `(id VARCHAR(255) PRIMARY KEY, value TEXT)`: TEXT holds 64 KB, so a
 *   1 MB entry fails with "Data too long". We create the table first, with LONGTEXT, and a binary
 *   NO PAD collation for the key: the server's default collation compares case-insensitively and
 *   ignores trailing spaces, so keys differing only in those would share a row. (MariaDB's
 *   `utf8mb4_bin` still ignores trailing spaces: it is PAD SPACE; `utf8mb4_nopad_bin` is not. On
 *   MySQL 8 the equivalent is `utf8mb4_0900_bin`.) Our own keys are lowercase hex, so this matters
 *   for the conformance suite's keys, not for the cache's.
 * - A 10 MB entry exceeds MariaDB's default `max_allowed_packet` (16 MB here: the INSERT carries
 *   the ~14 MB base64 value, escaped, twice for the upsert): maxBodyBytes is 1 MB.
 * - It keeps ONE mysql2 pool per process, for the last URI it was given: a KeyvMysql created with
 *   another URI replaces it (the old pool is never ended), and disconnect() ends the shared pool
 *   for every instance. So caches here close with a no-op, the pool is ended once after the suite,
 *   and there is no "broken" store on another URI (it would orphan the pool of the working one);
 *   postgres.spec.ts covers a pure-JavaScript SQL adapter whose server is down.
 * - clear() and iterator() match `namespace:%` with LIKE: namespaces avoid `_` and `%`.
 */
import { expect } from 'chai';
import { KeyvMysql } from '@keyv/mysql';
import { Keyv } from 'keyv';
import { keyvOf, keyvStorage, type KeyvStorage } from '../../lib/storage/keyv-storage.js';
import { keyvSerialization } from '../../lib/storage/kv-wire-format.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { assertSameEntry as expectSameEntry, makeEntry, patternBytes } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';

const URI = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';
const table = `stash_test_${process.pid}_${Date.now().toString(36)}`;
const run = `stash-${process.pid}`;
const namespaces = new WeakMap<KeyvStorage, string>();
let n = 0;

function open(namespace = `${run}-${n++}`): KeyvStorage {
  const keyv = new Keyv({ store: new KeyvMysql({ uri: URI, table }), namespace, ...keyvSerialization });
  const storage = keyvStorage(keyv, { close: async () => {} });
  namespaces.set(storage, namespace);
  return storage;
}

/** Runs SQL on the shared pool through a KeyvMysql on a scratch table (it creates that table first). */
async function sql(statement: string): Promise<unknown> {
  const scratch = new KeyvMysql({ uri: URI, table: `${table}_scratch` });
  return scratch.query(statement);
}

storeConformance('mysql (keyvStorage over @keyv/mysql)', () => open(), {
  reopen: (s) => open(namespaces.get(s as KeyvStorage)),
  raw: keyvRaw,
  timeout: 60_000,
  maxBodyBytes: 1024 * 1024,
  setup: async () => {
    await sql(`CREATE TABLE IF NOT EXISTS \`${table}\` (id VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin PRIMARY KEY, value LONGTEXT)`);
  },
});

describe('keyvStorage over @keyv/mysql', () => {
  after(async () => {
    await sql(`DROP TABLE IF EXISTS \`${table}\``);
    await sql(`DROP TABLE IF EXISTS \`${table}_scratch\``);
    await new KeyvMysql({ uri: URI, table: `${table}_scratch` }).disconnect();
  });

  it('stores a 1 MB entry in the LONGTEXT table, in our layout', async function () {
    this.timeout(60_000);
    const storage = open();
    const entry = makeEntry(patternBytes(1024 * 1024, 3));
    await storage.set('big', entry, 60_000);
    const store = (await keyvOf(storage)).store as KeyvMysql;
    const rows = (await store.query(`SELECT value FROM \`${table}\` WHERE id = '${namespaces.get(storage)}:entry:big'`)) as Array<{ value: string }>;
    expect(rows).to.have.length(1);
    expect(rows[0]!.value).to.match(/^axios-stash-kv\/1 \d+\naxios-stash\/1 devalue\/6\n/);
    expectSameEntry(await storage.get('big'), entry);
    await storage.clear();
  });

  it('keeps keys that differ only in case or trailing spaces apart (binary collation)', async () => {
    const storage = open();
    await storage.set('Key', makeEntry('upper'), 60_000);
    await storage.set('key', makeEntry('lower'), 60_000);
    await storage.set('key ', makeEntry('spaced'), 60_000);
    expectSameEntry(await storage.get('Key'), makeEntry('upper'));
    expectSameEntry(await storage.get('key'), makeEntry('lower'));
    expectSameEntry(await storage.get('key '), makeEntry('spaced'));
    await storage.clear();
  });
});
