/**
 * A Keyv store adapter over better-sqlite3: what sqliteStorage() uses by default. KeyvStorage sits
 * on a Keyv over it like over every other backend; this file only moves rows.
 *
 * Why its own adapter rather than @keyv/sqlite: that one runs on the asynchronous `sqlite3`
 * binding (a thread-pool round trip per query: ~90 µs for a 1 KB get here) and stores JSON text,
 * so a body travels as base64. better-sqlite3 answers a prepared primary-key SELECT within the
 * call (a few µs) and binds BLOBs, so entries are stored in the envelope's byte variant.
 *
 * Table layout: `key` (Keyv's `namespace:key`), `value` (BLOB for entries, TEXT for aliases),
 * `expires` (ms since epoch, NULL: none) and `wrapped` (1: the row is Keyv's `{ value, expires }`
 * split into columns; NULL/0: `value` is a whole serialized Keyv record, as @keyv/sqlite writes
 * them). The first two columns are @keyv/sqlite's own, and a table it created gets the other two
 * added, so a cache can move from `driver: '@keyv/sqlite'` to this one and keep its entries.
 *
 * Facts about better-sqlite3 12 this file depends on:
 * - Every call is synchronous and holds the event loop: a write that meets another connection's
 *   lock sleeps in SQLite's busy handler for up to `timeout` ms, the whole process with it. So the
 *   busy timeout is short (sqliteStorage's `busyTimeout`), and SQLITE_BUSY is a skipped write,
 *   reported by the guard like any store failure; nothing here retries.
 * - `new Database(path)` throws at once when the file cannot be opened (missing directory): the
 *   factory opens it inside a promise, so each call rejects instead of the factory throwing.
 * - A BLOB comes back as a Buffer that owns its memory (a new allocation per read), TEXT as a string.
 * - close() checkpoints the WAL and removes the -wal/-shm files when it is the last connection.
 * - With synchronous=NORMAL a WAL commit does not fsync, but SQLite's automatic checkpoint (run
 *   inside the commit that crosses `wal_autocheckpoint`, 1000 pages) fsyncs the WAL and the
 *   database: measured here, it made an average 1 KB write cost 160 µs instead of 41 µs, paid by
 *   whichever request's write crossed the line. So checkpoints run from a timer instead (PASSIVE:
 *   never waits for readers or writers), once a second when something was written, and fsync once
 *   per second rather than every ~300 writes; a high `wal_autocheckpoint` stays as a bound on the
 *   WAL should the timer not get to run.
 */
import { Buffer } from 'node:buffer';
import { systemClock } from '../clock.js';
import { StoreBusyError } from '../errors.js';

/** The parts of better-sqlite3's API used here (its types are a devDependency only). */
export interface SqliteStatement {
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number };
  all(...params: unknown[]): unknown[];
}
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  exec(sql: string): unknown;
  close(): unknown;
  readonly open: boolean;
}
export type BetterSqliteModule = new (path: string, options?: { timeout?: number }) => SqliteDatabase;

interface Row {
  key?: string;
  value: unknown;
  expires: number | null;
  wrapped: number | null;
}

/** Keyv's unit of storage, as Keyv hands it to a store when it serializes nothing. */
type KeyvRecord = { value?: unknown; expires?: number | undefined };

/** Rows per query when listing: keyset pages, so deleting while listing never skips a row. */
const PAGE = 200;
/** How often the WAL is checkpointed when something was written (see above). */
const CHECKPOINT_INTERVAL_MS = 1000;
/** SQLite's own checkpoint, inside a commit, only past this many WAL pages (~40 MB). */
const AUTOCHECKPOINT_PAGES = 10_000;

/** Opens the database file: WAL, synchronous=NORMAL, the table; throws what better-sqlite3 throws. */
export function openBetterSqlite(Database: BetterSqliteModule, path: string, table: string, busyTimeout: number): SqliteDatabase {
  // Opening takes locks too (switching to WAL, creating the table): several processes opening one
  // new file at once met `database is locked` within the short request-time busyTimeout, and that
  // store then failed every call for the life of the process. So opening waits longer (once, at
  // open), and the short timeout applies from then on.
  const db = new Database(path, { timeout: Math.max(busyTimeout, OPEN_BUSY_TIMEOUT_MS) });
  try {
    // WAL: readers never wait for the writer. synchronous=NORMAL is the usual WAL pairing: no
    // corruption on a crash, at most the last commits lost on power failure, no fsync per write.
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    db.exec(`CREATE TABLE IF NOT EXISTS "${table}" (key VARCHAR(255) PRIMARY KEY, value BLOB, expires INTEGER, wrapped INTEGER)`);
    // A table @keyv/sqlite created has (key, value) only.
    const columns = new Set((db.prepare(`PRAGMA table_info("${table}")`).all() as Array<{ name: string }>).map((c) => c.name));
    for (const column of ['expires', 'wrapped']) {
      if (!columns.has(column)) db.exec(`ALTER TABLE "${table}" ADD COLUMN ${column} INTEGER`);
    }
    db.pragma(`busy_timeout = ${busyTimeout}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** How long opening the database waits for other connections' locks (it blocks, but only once). */
const OPEN_BUSY_TIMEOUT_MS = 5000;

export class KeyvBetterSqlite {
  /** Set by Keyv to its namespace; clear() and iterator() stay inside it. */
  namespace: string | undefined;
  /** Keyv looks for `opts` on adapters; the dialect names what this is. */
  readonly opts: { dialect: 'sqlite'; table: string };
  readonly #select: SqliteStatement;
  readonly #upsert: SqliteStatement;
  readonly #delete: SqliteStatement;
  readonly #deleteRange: SqliteStatement;
  readonly #firstPage: SqliteStatement;
  readonly #nextPage: SqliteStatement;
  readonly #deleteExpired: SqliteStatement;
  /** Writes since the last checkpoint. */
  #writes = 0;
  readonly #checkpoints: ReturnType<typeof setInterval>;

  constructor(
    /** The open database (for specs and the bench: pragmas, a second look at the file). */
    readonly db: SqliteDatabase,
    table: string,
    private readonly busyTimeout: number,
  ) {
    this.opts = { dialect: 'sqlite', table };
    const t = `"${table}"`;
    this.#select = db.prepare(`SELECT value, expires, wrapped FROM ${t} WHERE key = ?`);
    this.#upsert = db.prepare(
      `INSERT INTO ${t} (key, value, expires, wrapped) VALUES (?, ?, ?, ?) ` +
        'ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires, wrapped = excluded.wrapped',
    );
    this.#delete = db.prepare(`DELETE FROM ${t} WHERE key = ?`);
    // A key range rather than LIKE: LIKE is case-insensitive and `_` is a wildcard in it.
    this.#deleteRange = db.prepare(`DELETE FROM ${t} WHERE key >= ? AND key < ?`);
    const columns = `SELECT key, value, expires, wrapped FROM ${t}`;
    this.#firstPage = db.prepare(`${columns} WHERE key >= ? AND key < ? ORDER BY key LIMIT ${PAGE}`);
    this.#nextPage = db.prepare(`${columns} WHERE key > ? AND key < ? ORDER BY key LIMIT ${PAGE}`);
    this.#deleteExpired = db.prepare(`DELETE FROM ${t} WHERE key >= ? AND key < ? AND wrapped = 1 AND expires <= ?`);
    this.#checkpoints = setInterval(() => this.checkpoint(), CHECKPOINT_INTERVAL_MS);
    this.#checkpoints.unref?.(); // never keeps the process alive
  }

  /** Copies the WAL into the database if anything was written since the last time. */
  checkpoint(): void {
    if (this.#writes === 0 || !this.db.open) return;
    this.#writes = 0;
    try {
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // Another connection is checkpointing, or the file went away: the next tick tries again.
    }
  }

  /** Keyv's record for a row we wrote; a whole serialized record (a string) for any other row. */
  get(key: string): KeyvRecord | unknown {
    const row = this.#select.get(key) as Row | undefined;
    return row === undefined ? undefined : fromRow(row);
  }

  set(key: string, data: unknown): void {
    let params: [unknown, number | null, number];
    if (typeof data === 'object' && data !== null && !(data instanceof Uint8Array) && 'value' in data) {
      const { value, expires } = data as KeyvRecord;
      params = [bindable(value), typeof expires === 'number' ? expires : null, 1];
    } else {
      params = [bindable(data), null, 0];
    }
    try {
      this.#upsert.run(key, ...params);
      this.#writes++;
    } catch (error) {
      if ((error as { code?: string })?.code === 'SQLITE_BUSY') {
        // Another connection holds the write lock beyond busyTimeout: the write is skipped (and
        // reported by the guard), never retried here, since every wait blocks the event loop.
        throw new StoreBusyError(`database is locked by another connection; write skipped after ${this.busyTimeout} ms`, { cause: error });
      }
      throw error;
    }
  }

  delete(key: string): boolean {
    this.#writes++;
    return this.#delete.run(key).changes > 0;
  }

  clear(): void {
    this.#writes++;
    this.#deleteRange.run(...keyRange(this.namespace));
  }

  has(key: string): boolean {
    return this.#select.get(key) !== undefined;
  }

  /** Deletes rows this adapter wrote whose expiry has passed; resolves how many went. */
  prune(now = systemClock()): number {
    this.#writes++;
    return this.#deleteExpired.run(...keyRange(this.namespace), now).changes;
  }

  /** `[key, record]` of every row of the namespace, in key order, a page at a time. */
  async *iterator(namespace?: string): AsyncGenerator<[string, unknown]> {
    const [from, to] = keyRange(namespace);
    let rows = this.#firstPage.all(from, to) as Row[];
    while (true) {
      for (const row of rows) yield [row.key!, fromRow(row)];
      if (rows.length < PAGE) return;
      rows = this.#nextPage.all(rows[rows.length - 1]!.key!, to) as Row[];
    }
  }

  disconnect(): void {
    clearInterval(this.#checkpoints);
    if (this.db.open) this.db.close();
  }
}

function fromRow(row: Row): unknown {
  if (row.wrapped !== 1) return row.value;
  return { value: row.value, expires: row.expires ?? undefined };
}

/** better-sqlite3 binds Buffers as BLOBs, and not other typed arrays. */
function bindable(value: unknown): unknown {
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}

/**
 * Keys of a namespace: from `ns:` (inclusive) to `ns;` (exclusive), `;` being the code after `:`;
 * every key without one (keys are ASCII here: SHA-256 hex behind a fixed prefix).
 */
function keyRange(namespace: string | undefined): [string, string] {
  return namespace ? [`${namespace}:`, `${namespace};`] : ['', '\u{10ffff}'];
}
