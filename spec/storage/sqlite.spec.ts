import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import axios from 'axios';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { CacheOptionsError, StoreTimeoutError, StoreWriteError } from '../../lib/errors.js';
import { setupCache } from '../../lib/index.js';
import type { CacheEvent } from '../../lib/report.js';
import { KeyvBetterSqlite } from '../../lib/storage/better-sqlite-store.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import { keyvOf } from '../../lib/storage/keyv-storage.js';
import { type SqliteDriver, sqliteStorage } from '../../lib/storage/sqlite.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { makeEntry, uniqueKey } from '../../lib/testing/fixtures.js';
import { useServer } from '../helpers/server.js';
import { keyvRaw } from './keyv-raw.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-sqlite-'));
const file = path.join(dir, 'cache.sqlite');
after(() => rmSync(dir, { recursive: true, force: true }));

/** Rows of a query on the database behind a store, whichever driver it runs on. */
async function sql(store: CacheStore, query: string): Promise<Array<Record<string, unknown>>> {
  const keyv = await keyvOf(store);
  if (keyv.store instanceof KeyvBetterSqlite) return keyv.store.db.prepare(query).all() as Array<Record<string, unknown>>;
  return (await keyv.store.query(query)) as Array<Record<string, unknown>>;
}

const label = (driver: SqliteDriver): string => (driver === 'better-sqlite3' ? 'sqlite' : `sqlite (${driver})`);

for (const driver of ['better-sqlite3', '@keyv/sqlite'] as const) {
  // Every factory call is a cache of its own: a new table in the same file, so clear() isolation
  // is tested between two caches that share one database.
  const tables = new WeakMap<CacheStore, string>();
  let n = 0;
  const prefix = driver === 'better-sqlite3' ? 'b' : 'k';
  const open = (table = `${prefix}${n++}`): CacheStore => {
    const store = sqliteStorage({ path: file, table, driver });
    tables.set(store, table);
    return store;
  };

  storeConformance(label(driver), () => open(), {
    reopen: (s) => open(tables.get(s)),
    raw: keyvRaw,
    broken: () => sqliteStorage({ path: path.join(dir, 'missing-dir', 'x.sqlite'), driver }),
  });

  describe(`sqliteStorage, driver ${driver}`, () => {
    it('switches the database to WAL', async () => {
      const store = sqliteStorage({ path: file, table: `${prefix}_wal_check`, driver });
      try {
        expect((await sql(store, 'PRAGMA journal_mode'))[0]!.journal_mode).to.equal('wal');
      } finally {
        await store.close();
      }
    });

    it('releases the file on close (no -wal/-shm left behind)', async () => {
      const own = path.join(dir, `closing-${prefix}.sqlite`);
      const store = sqliteStorage({ path: own, driver });
      await store.set('k', makeEntry(), 60_000);
      await store.close();
      expect(readdirSync(dir).filter((f) => f.startsWith(`closing-${prefix}.sqlite`))).to.deep.equal([`closing-${prefix}.sqlite`]);
      rmSync(own);
    });

    it('rejects calls when the database cannot be opened, and close() still resolves', async () => {
      const store = sqliteStorage({ path: path.join(dir, 'missing-dir', 'x.sqlite'), driver });
      let failed: unknown;
      await store.set(uniqueKey(), makeEntry(), 60_000).catch((e: unknown) => (failed = e));
      expect(failed).to.be.instanceOf(Error);
      let getFailed: unknown;
      await store.get('k').catch((e: unknown) => (getFailed = e));
      expect(getFailed).to.be.instanceOf(Error);
      await store.close();
    });

    it('prunes expired rows (real timer, a few ms)', async () => {
      const table = `${prefix}_prune_check`;
      const store = sqliteStorage({ path: file, table, driver });
      try {
        await store.set('old', makeEntry(), 5);
        await store.setAlias('old', { kind: 'redirect', target: 'x' }, 5);
        await store.set('new', makeEntry(), 60_000);
        await new Promise((r) => setTimeout(r, 20));
        expect(await store.prune!()).to.equal(2);
        expect((await sql(store, `SELECT key FROM ${table}`)).map((r) => r.key)).to.deep.equal(['axios-stash:entry:new']);
      } finally {
        await store.clear();
        await store.close();
      }
    });
  });
}

describe('sqliteStorage', () => {
  it('runs on better-sqlite3 by default, with bodies stored as bytes (a BLOB), not base64', async () => {
    const store = sqliteStorage({ path: file, table: 'default_driver' });
    try {
      expect((await keyvOf(store)).store).to.be.instanceOf(KeyvBetterSqlite);
      const body = Buffer.from('\u0000\u00ffbinary body ✓');
      await store.set('k', makeEntry(body), 60_000);
      const [row] = await sql(store, `SELECT typeof(value) AS type, value FROM default_driver WHERE key = 'axios-stash:entry:k'`);
      expect(row!.type).to.equal('blob');
      const stored = row!.value as Buffer;
      expect(stored.subarray(stored.length - body.length)).to.deep.equal(body);
      expect(Buffer.from((await store.get('k'))!.body)).to.deep.equal(body);
    } finally {
      await store.close();
    }
  });

  it('checkpoints the WAL from its timer, not inside the write that crosses 1000 pages (better-sqlite3)', async () => {
    const own = path.join(dir, 'checkpoint.sqlite');
    const store = sqliteStorage({ path: own });
    try {
      const adapter = (await keyvOf(store)).store as KeyvBetterSqlite;
      const body = new Uint8Array(16 * 1024).fill(7);
      for (let i = 0; i < 300; i++) await store.set(`k${i}`, makeEntry(body), 60_000); // ~1,300 pages
      // SQLite's default (1000 pages) would have checkpointed and restarted the log by now.
      expect(statSync(`${own}-wal`).size).to.be.greaterThan(1100 * (4096 + 24)); // frames of a page and a 24-byte header
      adapter.checkpoint(); // what the timer runs once a second
      const [after] = adapter.db.pragma('wal_checkpoint(PASSIVE)') as Array<{ log: number; checkpointed: number }>;
      expect(after!.checkpointed).to.equal(after!.log);
    } finally {
      await store.close();
      rmSync(own, { force: true });
    }
  });

  it('reads the entries @keyv/sqlite wrote in the same table after a switch to better-sqlite3', async () => {
    const before = sqliteStorage({ path: file, table: 'switched', driver: '@keyv/sqlite' });
    await before.set('kept', makeEntry('from @keyv/sqlite'), 60_000);
    await before.setAlias('kept', { kind: 'redirect', target: 'elsewhere' }, 60_000);
    await before.close();
    const after = sqliteStorage({ path: file, table: 'switched' });
    try {
      expect(Buffer.from((await after.get('kept'))!.body).toString()).to.equal('from @keyv/sqlite');
      expect(await after.getAlias('kept')).to.deep.equal({ kind: 'redirect', target: 'elsewhere' });
      await after.set('new', makeEntry('from better-sqlite3'), 60_000);
      expect(Buffer.from((await after.get('new'))!.body).toString()).to.equal('from better-sqlite3');
    } finally {
      await after.close();
    }
  });

  describe('a write that meets a locked database', () => {
    const origin = useServer();

    it('is skipped and reported (no store time-out waited), and the request still succeeds from the network', async () => {
      const table = 'locked_check';
      const lockedFile = path.join(dir, 'locked.sqlite');
      const store = sqliteStorage({ path: lockedFile, table, busyTimeout: 5 });
      const events: CacheEvent[] = [];
      const api = setupCache(axios.create({ baseURL: origin.server.url }), { storage: store, ttl: 60_000, storeTimeout: 2000, debug: (e) => events.push(e) });
      origin.server.route('/locked', (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
      await store.get('open-it'); // the table exists before the other connection takes the lock
      const other = new Database(lockedFile);
      try {
        other.exec('BEGIN IMMEDIATE'); // another connection holds the write lock
        const response = await api.get('/locked');
        expect(response.data).to.deep.equal({ ok: true });
        expect(response.cached).to.equal(false);
        await api.cache.idle(); // the write follows the response
        const stats = api.cache.stats();
        expect(stats.errors).to.equal(1);
        expect(stats.stores).to.equal(0);
        const failure = events.find((e) => e.type === 'error');
        expect(failure?.operation).to.equal('set');
        expect(failure?.error).to.be.instanceOf(StoreWriteError);
        expect(failure?.error).not.to.be.instanceOf(StoreTimeoutError);
        expect(String(failure?.message)).to.match(/database is locked by another connection; write skipped after 5 ms/);
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      // Nothing was half-written: the next request is a miss again, and this time it is stored.
      await api.get('/locked');
      await api.cache.idle();
      expect(origin.server.count('/locked')).to.equal(2);
      expect(api.cache.stats().stores).to.equal(1);
      await api.get('/locked');
      expect(origin.server.count('/locked')).to.equal(2);
      await store.close();
    });
  });

  it('refuses bad and unknown options with CacheOptionsError, before opening anything', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ path: '' }, /`sqliteStorage.path` must be a non-empty string; got ""/],
      [{ path: 42 }, /`sqliteStorage.path` must be a non-empty string; got 42/],
      // @keyv/sqlite would silently strip it to `mycache`
      [{ path: file, table: 'my-cache' }, /`sqliteStorage.table` must be a string matching/],
      [{ path: file, busyTimeout: -1 }, /`sqliteStorage.busyTimeout` must be a non-negative integer; got -1/],
      [{ path: file, busyTimeout: '5s' }, /sqliteStorage.busyTimeout/],
      [{ path: file, busyTimeout: 5000 }, /`sqliteStorage.busyTimeout` must be at most 1000 ms with better-sqlite3/],
      [{ path: file, driver: 'sqlite3' }, /`sqliteStorage.driver` must be one of 'better-sqlite3', '@keyv\/sqlite'; got "sqlite3"/],
      [{ path: file, onInvalid: true }, /`sqliteStorage.onInvalid` must be a function/],
      [{ path: file, wal: true }, /unknown option `sqliteStorage.wal`; the options of sqliteStorage are path, driver, busyTimeout, table, onInvalid/],
      [[file], /`sqliteStorage` must be an options object/],
    ];
    for (const [options, message] of cases) {
      expect(() => sqliteStorage(options as never), JSON.stringify(options)).to.throw(CacheOptionsError, message);
    }
    // @keyv/sqlite waits for a lock without holding the event loop: a long busy timeout is fine there.
    expect(() => sqliteStorage({ path: path.join(dir, 'long-wait.sqlite'), driver: '@keyv/sqlite', busyTimeout: 5000 }).close()).not.to.throw();
    expect(readdirSync(dir).filter((f) => f.includes('cache') && !f.startsWith('cache.sqlite'))).to.deep.equal([]);
  });
});
