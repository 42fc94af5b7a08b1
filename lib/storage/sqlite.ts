/**
 * sqliteStorage: a SQLite file through better-sqlite3 (default; our Keyv store adapter in
 * better-sqlite-store.ts) or @keyv/sqlite (`driver: '@keyv/sqlite'`, or when it is the only one
 * installed). Both are optional peers, loaded at the factory call.
 *
 * Which one: better-sqlite3 answers a 1 KB hit in a few µs within the call and stores bodies as
 * BLOBs; @keyv/sqlite goes through the asynchronous sqlite3 binding (~90 µs per get) and stores
 * base64 text. But better-sqlite3 holds the event loop for each query, so its busy timeout is short
 * (a write that meets another connection's lock is skipped and reported), while @keyv/sqlite can
 * wait seconds for a lock without blocking anything.
 *
 * Facts about @keyv/sqlite 4 relied on here (node_modules/@keyv/sqlite/dist/index.js):
 * - `busyTimeout` is an option; WAL is not: it is switched on with `PRAGMA journal_mode=WAL`
 *   through the store's `query`, which waits for the connection and the CREATE TABLE.
 * - The table name is silently stripped to [A-Za-z0-9_] (`my-cache` becomes `mycache`), so we
 *   refuse such a name instead of writing somewhere unexpected.
 * - clear() deletes `WHERE key LIKE 'namespace:%'`; SQLite's LIKE is case-insensitive and treats
 *   `_` as a wildcard. Our namespace is fixed (`axios-stash`), and separate caches use separate
 *   tables, so neither matters here.
 * - iterator() pages with LIMIT/OFFSET (`iterationLimit`, default 10 rows per query, each with the
 *   full values): raised to 100 to cut round trips; keyvStorage's keys() never deletes mid-scan.
 * - If the file cannot be opened, every later query rejects with that error (and the store emits
 *   it): the storage stays broken until recreated, and the guard above reports each failure.
 */
import { Keyv } from 'keyv';
import { CacheOptionsError, MissingDriverError } from '../errors.js';
import { type BetterSqliteModule, KeyvBetterSqlite, openBetterSqlite, type SqliteDatabase, type SqliteStatement } from './better-sqlite-store.js';
import { loadDriver, loadInstalledDriver } from './driver.js';
import { checkOptions, integer, matching, nonEmptyString, optionalFunction } from './factory-options.js';
import { keyvBackedStorage, type KeyvStorage, type KeyvStorageOptions } from './keyv-storage.js';
import { keyvSerialization } from './kv-wire-format.js';
import { type SqlLimits, type SqlRunner, sqliteExtension } from './sql-index.js';

export type SqliteDriver = 'better-sqlite3' | '@keyv/sqlite';

export interface SqliteStorageOptions {
  /** Database file (created if missing); `:memory:` for a private in-memory database. Default `http-cache.sqlite`. */
  path?: string;
  /**
   * `better-sqlite3` (default when installed): synchronous, a hit in a few µs, bodies as BLOBs.
   * `@keyv/sqlite` (default when it is the only one installed): asynchronous, ~90 µs per read.
   */
  driver?: SqliteDriver;
  /**
   * How long (ms) a write waits for another connection's lock before it is skipped (and reported).
   * better-sqlite3 waits inside the call, holding the event loop: default 20, at most 1000.
   * @keyv/sqlite waits without blocking: default 5000.
   */
  busyTimeout?: number;
  /** Table holding this cache ([A-Za-z_][A-Za-z0-9_]*). Default `http_cache`. */
  table?: string;
  /** Also told about every unreadable stored value (each read of one rejects with UnreadableValueError). */
  onInvalid?: KeyvStorageOptions['onInvalid'];
  /**
   * Most entries kept: past it, the least recently written entries are evicted (each write checks
   * a running total kept by triggers; nothing is scanned). Default: unbounded.
   */
  maxEntries?: number;
  /**
   * Most bytes of stored entries (bodies plus metadata) kept: past it, the least recently written
   * entries are evicted. The file itself also holds aliases, the tag index and SQLite's free pages.
   * Default: unbounded.
   */
  maxBytes?: number;
}

interface KeyvSqliteStore {
  query(sql: string, ...params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}
type KeyvSqliteModule = { KeyvSqlite: new (options: Record<string, unknown>) => KeyvSqliteStore };

const NAMESPACE = 'axios-stash';
const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const DRIVERS: readonly SqliteDriver[] = ['better-sqlite3', '@keyv/sqlite'];
/** Longest busy timeout better-sqlite3 may spend holding the event loop. */
const MAX_BLOCKING_BUSY_TIMEOUT = 1000;

interface Settings {
  path: string;
  busyTimeout: number | undefined;
  table: string;
  onInvalid: KeyvStorageOptions['onInvalid'];
  limits: SqlLimits;
}

/**
 * @throws CacheOptionsError for a bad or unknown option; MissingDriverError when the driver asked
 * for (or, without `driver`, both) is not installed or cannot load.
 */
export function sqliteStorage(options?: SqliteStorageOptions): KeyvStorage {
  const checked = checkOptions('sqliteStorage', options, ['path', 'driver', 'busyTimeout', 'table', 'onInvalid', 'maxEntries', 'maxBytes']);
  const settings: Settings = {
    path: nonEmptyString('sqliteStorage.path', checked.path, 'http-cache.sqlite'),
    busyTimeout: integer('sqliteStorage.busyTimeout', checked.busyTimeout, 0),
    table: matching('sqliteStorage.table', checked.table, TABLE_PATTERN, 'http_cache'),
    onInvalid: optionalFunction('sqliteStorage.onInvalid', checked.onInvalid),
    limits: {
      maxEntries: integer('sqliteStorage.maxEntries', checked.maxEntries, 1),
      maxBytes: integer('sqliteStorage.maxBytes', checked.maxBytes, 1),
    },
  };
  const driver = checked.driver;
  if (driver !== undefined && !DRIVERS.includes(driver)) {
    throw new CacheOptionsError('sqliteStorage.driver', `one of ${DRIVERS.map((d) => `'${d}'`).join(', ')}`, driver);
  }
  if (driver === '@keyv/sqlite') return keyvSqliteStorage(loadDriver<KeyvSqliteModule>('@keyv/sqlite', 'sqliteStorage'), settings);
  if (driver === 'better-sqlite3') return betterSqliteStorage(loadDriver<BetterSqliteModule>('better-sqlite3', 'sqliteStorage'), settings);
  const better = loadInstalledDriver<BetterSqliteModule>('better-sqlite3', 'sqliteStorage');
  if (better !== undefined) return betterSqliteStorage(better, settings);
  const keyvSqlite = loadInstalledDriver<KeyvSqliteModule>('@keyv/sqlite', 'sqliteStorage');
  if (keyvSqlite !== undefined) return keyvSqliteStorage(keyvSqlite, settings);
  throw new MissingDriverError('Install better-sqlite3 (or @keyv/sqlite) to use sqliteStorage: npm i better-sqlite3');
}

function betterSqliteStorage(Database: BetterSqliteModule, { path, busyTimeout = 20, table, onInvalid, limits }: Settings): KeyvStorage {
  if (busyTimeout > MAX_BLOCKING_BUSY_TIMEOUT) {
    throw new CacheOptionsError(
      'sqliteStorage.busyTimeout',
      `at most ${MAX_BLOCKING_BUSY_TIMEOUT} ms with better-sqlite3 (the wait holds the event loop; use driver '@keyv/sqlite' to wait longer)`,
      busyTimeout,
    );
  }
  // Opened inside a promise: a file that cannot be opened makes every call reject (reported by
  // the guard), as with the other drivers, instead of throwing from the factory.
  let database: SqliteDatabase | undefined;
  const ready = (async () => {
    const store = new KeyvBetterSqlite(openBetterSqlite(Database, path, table, busyTimeout), table, busyTimeout);
    database = store.db;
    // No Keyv serializer: the adapter stores Keyv's { value, expires } as columns and the value as
    // it is (bytes for entries). Keyv hands strings to `deserialize` and anything else back as is,
    // so rows @keyv/sqlite wrote (our text layout, or Keyv's JSON) still read.
    return new Keyv({ store, namespace: NAMESPACE, throwOnErrors: true, serialize: undefined, deserialize: keyvSerialization.deserialize } as never);
  })();
  // inProcess: a synchronous driver answers before any time-out timer could fire, so racing one
  // would only add a timer to every hit (lib/storage/contract.ts).
  const extension = sqliteExtension(
    ready.then(() => betterSqliteRunner(database!)),
    table,
    `${NAMESPACE}:`,
    // The adapter's row layout (better-sqlite-store.ts): `wrapped` rows are Keyv's { value, expires }.
    (row) => (row.wrapped === 1 ? { value: row.value, expires: row.expires ?? undefined } : row.value),
    'value, expires, wrapped',
    limits,
  );
  return keyvBackedStorage(ready, { onInvalid }, { bytes: true, inProcess: true, extension });
}

/** Statements through better-sqlite3, prepared once each (it answers within the call). */
function betterSqliteRunner(db: SqliteDatabase): SqlRunner {
  const statements = new Map<string, SqliteStatement>();
  const prepared = (sql: string): SqliteStatement => {
    let statement = statements.get(sql);
    if (statement === undefined) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
  return {
    all: async (sql, params = []) => prepared(sql).all(...params) as Array<Record<string, unknown>>,
    run: async (sql, params = []) => void prepared(sql).run(...params),
  };
}

function keyvSqliteStorage({ KeyvSqlite }: KeyvSqliteModule, { path, busyTimeout = 5000, table, onInvalid, limits }: Settings): KeyvStorage {
  const store = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout, table, iterationLimit: 100 });
  const keyv = new Keyv({ store, namespace: NAMESPACE, throwOnErrors: true, ...keyvSerialization });
  // WAL: readers never wait for a writer, and writers from many processes queue on busyTimeout.
  // synchronous=NORMAL is the usual WAL pairing: no corruption on a crash, at most the last
  // commits lost on power failure, which a cache can afford, and no fsync per write.
  const ready = (async () => {
    try {
      await store.query('PRAGMA journal_mode=WAL');
      await store.query('PRAGMA synchronous=NORMAL');
    } catch (error) {
      await store.close().catch(() => {}); // release whatever did open; every call will reject
      throw error;
    }
    return keyv;
  })();
  const runner: SqlRunner = {
    all: async (sql, params = []) => (await store.query(sql, ...params)) as Array<Record<string, unknown>>,
    run: async (sql, params = []) => void (await store.query(sql, ...params)),
  };
  const extension = sqliteExtension(ready.then(() => runner), table, `${NAMESPACE}:`, (row) => row.value, 'value', limits);
  return keyvBackedStorage(ready, { onInvalid }, { extension });
}
