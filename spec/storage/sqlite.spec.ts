import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CacheStore } from '../../lib/storage/contract.js';
import type { KeyvStorage } from '../../lib/storage/keyv-storage.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { keyvRaw, makeEntry, storeConformance, uniqueKey } from './conformance.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-sqlite-'));
const file = path.join(dir, 'cache.sqlite');
// Every factory call is a cache of its own: a new table in the same file, so clear() isolation
// is tested between two caches that share one database.
const tables = new WeakMap<CacheStore, string>();
let n = 0;
function open(table = `t${n++}`): CacheStore {
  const store = sqliteStorage({ path: file, table });
  tables.set(store, table);
  return store;
}

after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', () => open(), { reopen: (s) => open(tables.get(s)), raw: keyvRaw });

describe('sqliteStorage', () => {
  it('switches the database to WAL', async () => {
    const store = sqliteStorage({ path: file, table: 'wal_check' });
    try {
      const keyv = await store.getKeyv();
      const rows = (await keyv.store.query('PRAGMA journal_mode')) as Array<{ journal_mode: string }>;
      expect(rows[0]!.journal_mode).to.equal('wal');
    } finally {
      await store.close();
    }
  });

  it('releases the file on close (no -wal/-shm left behind)', async () => {
    const own = path.join(dir, 'closing.sqlite');
    const store = sqliteStorage({ path: own });
    await store.set('k', makeEntry(), 60_000);
    await store.close();
    expect(readdirSync(dir).filter((f) => f.startsWith('closing.sqlite'))).to.deep.equal(['closing.sqlite']);
    rmSync(own);
  });

  it('rejects calls when the database cannot be opened, and close() still resolves', async () => {
    const store: KeyvStorage = sqliteStorage({ path: path.join(dir, 'missing-dir', 'x.sqlite') });
    let failed: unknown;
    await store.set(uniqueKey(), makeEntry(), 60_000).catch((e: unknown) => (failed = e));
    expect(failed).to.be.instanceOf(Error);
    let getFailed: unknown;
    await store.get('k').catch((e: unknown) => (getFailed = e));
    expect(getFailed).to.be.instanceOf(Error);
    await store.close();
  });

  it('refuses a table name @keyv/sqlite would silently rewrite', () => {
    expect(() => sqliteStorage({ path: file, table: 'my-cache' })).to.throw(TypeError, /table/);
    expect(() => sqliteStorage({ path: file, busyTimeout: -1 })).to.throw(TypeError, /busyTimeout/);
  });

  it('prunes expired rows', async function () {
    this.timeout(10_000);
    const store = sqliteStorage({ path: file, table: 'prune_check' });
    try {
      await store.set('old', makeEntry(), 300);
      await store.setAlias('old', 'x', 300);
      await store.set('new', makeEntry(), 60_000);
      await new Promise((r) => setTimeout(r, 800));
      expect(await store.prune()).to.equal(2);
      const keyv = await store.getKeyv();
      const rows = (await keyv.store.query('SELECT key FROM prune_check')) as Array<{ key: string }>;
      expect(rows.map((r) => r.key)).to.deep.equal(['axios-stash:entry:new']);
    } finally {
      await store.clear();
      await store.close();
    }
  });
});
