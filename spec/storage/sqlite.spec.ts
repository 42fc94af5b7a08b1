import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CacheOptionsError } from '../../lib/errors.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import { keyvOf } from '../../lib/storage/keyv-storage.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { makeEntry, uniqueKey } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';

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

storeConformance('sqlite', () => open(), {
  reopen: (s) => open(tables.get(s)),
  raw: keyvRaw,
  broken: () => sqliteStorage({ path: path.join(dir, 'missing-dir', 'x.sqlite') }),
});

describe('sqliteStorage', () => {
  it('switches the database to WAL', async () => {
    const store = sqliteStorage({ path: file, table: 'wal_check' });
    try {
      const keyv = await keyvOf(store);
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
    const store = sqliteStorage({ path: path.join(dir, 'missing-dir', 'x.sqlite') });
    let failed: unknown;
    await store.set(uniqueKey(), makeEntry(), 60_000).catch((e: unknown) => (failed = e));
    expect(failed).to.be.instanceOf(Error);
    let getFailed: unknown;
    await store.get('k').catch((e: unknown) => (getFailed = e));
    expect(getFailed).to.be.instanceOf(Error);
    await store.close();
  });

  it('refuses bad and unknown options with CacheOptionsError, before opening anything', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ path: '' }, /`sqliteStorage.path` must be a non-empty string; got ""/],
      [{ path: 42 }, /`sqliteStorage.path` must be a non-empty string; got 42/],
      // @keyv/sqlite would silently strip it to `mycache`
      [{ path: file, table: 'my-cache' }, /`sqliteStorage.table` must be a string matching/],
      [{ path: file, busyTimeout: -1 }, /`sqliteStorage.busyTimeout` must be a non-negative integer; got -1/],
      [{ path: file, busyTimeout: '5s' }, /sqliteStorage.busyTimeout/],
      [{ path: file, onInvalid: true }, /`sqliteStorage.onInvalid` must be a function/],
      [{ path: file, wal: true }, /unknown option `sqliteStorage.wal`; the options of sqliteStorage are path, busyTimeout, table, onInvalid/],
      [[file], /`sqliteStorage` must be an options object/],
    ];
    for (const [options, message] of cases) {
      expect(() => sqliteStorage(options as never), JSON.stringify(options)).to.throw(CacheOptionsError, message);
    }
    expect(readdirSync(dir).filter((f) => f.includes('cache') && !f.startsWith('cache.sqlite'))).to.deep.equal([]);
  });

  it('prunes expired rows (real timer, a few ms)', async () => {
    const store = sqliteStorage({ path: file, table: 'prune_check' });
    try {
      await store.set('old', makeEntry(), 5);
      await store.setAlias('old', { kind: 'redirect', target: 'x' }, 5);
      await store.set('new', makeEntry(), 60_000);
      await new Promise((r) => setTimeout(r, 20));
      expect(await store.prune()).to.equal(2);
      const keyv = await keyvOf(store);
      const rows = (await keyv.store.query('SELECT key FROM prune_check')) as Array<{ key: string }>;
      expect(rows.map((r) => r.key)).to.deep.equal(['axios-stash:entry:new']);
    } finally {
      await store.clear();
      await store.close();
    }
  });
});
