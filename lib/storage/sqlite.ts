/**
 * sqliteStorage: a SQLite file through @keyv/sqlite (an optional peer, loaded at the factory call).
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
import { loadDriver } from './driver.js';
import { checkOptions, integer, matching, nonEmptyString, optionalFunction } from './factory-options.js';
import { keyvStorage, type KeyvStorage, type KeyvStorageOptions } from './keyv-storage.js';
import { keyvSerialization } from './kv-wire-format.js';

export interface SqliteStorageOptions {
  /** Database file (created if missing); `:memory:` for a private in-memory database. Default `http-cache.sqlite`. */
  path?: string;
  /** How long (ms) a writer waits for another process' lock before failing. Default 5000. */
  busyTimeout?: number;
  /** Table holding this cache ([A-Za-z_][A-Za-z0-9_]*). Default `http_cache`. */
  table?: string;
  /** Also told about every unreadable stored value (each read of one rejects with UnreadableValueError). */
  onInvalid?: KeyvStorageOptions['onInvalid'];
}

interface KeyvSqliteStore {
  query(sql: string, ...params: unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}
type KeyvSqliteModule = { KeyvSqlite: new (options: Record<string, unknown>) => KeyvSqliteStore };

const NAMESPACE = 'axios-stash';
const TABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * @throws CacheOptionsError for a bad or unknown option; MissingDriverError when @keyv/sqlite is
 * not installed (or cannot load).
 */
export function sqliteStorage(options?: SqliteStorageOptions): KeyvStorage {
  const checked = checkOptions('sqliteStorage', options, ['path', 'busyTimeout', 'table', 'onInvalid']);
  const path = nonEmptyString('sqliteStorage.path', checked.path, 'http-cache.sqlite');
  const busyTimeout = integer('sqliteStorage.busyTimeout', checked.busyTimeout, 0, 5000);
  const table = matching('sqliteStorage.table', checked.table, TABLE_PATTERN, 'http_cache');
  const onInvalid = optionalFunction('sqliteStorage.onInvalid', checked.onInvalid);
  const { KeyvSqlite } = loadDriver<KeyvSqliteModule>('@keyv/sqlite', 'sqliteStorage');
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
  return keyvStorage(ready, { onInvalid });
}
