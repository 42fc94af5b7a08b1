/**
 * What a SQLite cache keeps beside its entries, for both drivers (better-sqlite3 and @keyv/sqlite):
 * a tag index, a listing that pages by key, and optional size limits. Everything is plain SQL run
 * through a small runner, so a driver only says how to run a statement.
 *
 * Tables, next to the cache's table `<t>`:
 * - `<t>_tags (tag, key)`: one row per tag of an entry, written before the entry itself (so a
 *   crash in between leaves an extra row, never a missing one); a trigger on `<t>` drops a key's
 *   rows when its entry row is deleted, by whichever process or driver deletes it. Rows of an entry
 *   stored again without a tag stay until a delete by that tag checks the entry and passes it by.
 * - `<t>_usage (seq, key, bytes)` and `<t>_totals (entries, bytes)`, only when a limit is set:
 *   triggers on `<t>` keep them exact on every insert, update and delete of an entry row, from any
 *   connection, so a write checks the totals in one single-row read and evicts the rows with the
 *   lowest `seq` (the least recently written) only when a limit is passed: no scan per write.
 *   `bytes` is the stored value's size (body plus metadata), `length(CAST(value AS BLOB))`, which is
 *   bytes for the BLOBs of better-sqlite3 and for the text of @keyv/sqlite alike.
 *
 * SQLite facts relied on: an UPSERT that hits its conflict fires UPDATE triggers, not INSERT ones;
 * triggers run inside the writing statement's transaction, so the totals never disagree with the
 * rows; `GLOB` is case-sensitive with `*` as its only wildcard here (keys are ASCII hex behind a
 * fixed prefix), unlike `LIKE`.
 */
import type { CacheEntry } from '../entry.js';
import type { Eviction } from './contract.js';
import type { StoreExtension } from './keyv-storage.js';

/** How a driver runs a statement; `all` resolves the rows. */
export interface SqlRunner {
  all(sql: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  run(sql: string, params?: unknown[]): Promise<void>;
}

export interface SqlLimits {
  /** Most entries kept. */
  maxEntries?: number | undefined;
  /** Most bytes of stored values kept. */
  maxBytes?: number | undefined;
}

/** Rows per page of a listing or a tag lookup. */
const PAGE = 200;
/** Victims read per round of eviction. */
const EVICT_BATCH = 64;

/**
 * The tag index, listing and limits of the cache table `table` whose Keyv keys start with
 * `keyPrefix` (`axios-stash:`). `rowToRaw` turns a selected `value` row (with the driver's other
 * columns) into the raw value KeyvStorage reads. `ready` resolves the runner once the database is
 * open; the tables and triggers are created then.
 */
export function sqliteExtension(
  ready: Promise<SqlRunner>,
  table: string,
  keyPrefix: string,
  rowToRaw: (row: Record<string, unknown>) => unknown,
  valueColumns: string,
  limits: SqlLimits,
): StoreExtension {
  const t = `"${table}"`;
  const tags = `"${table}_tags"`;
  const usage = `"${table}_usage"`;
  const totals = `"${table}_totals"`;
  const entryGlob = `'${keyPrefix}entry:*'`;
  const limited = limits.maxEntries !== undefined || limits.maxBytes !== undefined;

  const initialised = ready.then(async (sql) => {
    await sql.run(`CREATE TABLE IF NOT EXISTS ${tags} (tag TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tag, key)) WITHOUT ROWID`);
    await sql.run(`CREATE INDEX IF NOT EXISTS "${table}_tags_by_key" ON ${tags} (key)`);
    await sql.run(`CREATE TRIGGER IF NOT EXISTS "${table}_tags_gc" AFTER DELETE ON ${t} BEGIN DELETE FROM ${tags} WHERE key = OLD.key; END`);
    if (limited) await createUsage(sql);
    return sql;
  });
  // A failed init rejects every later call (reported by the guard); keep it from being unhandled meanwhile.
  initialised.catch(() => {});

  async function createUsage(sql: SqlRunner): Promise<void> {
    const size = (column: string) => `length(CAST(${column} AS BLOB))`;
    await sql.run(`CREATE TABLE IF NOT EXISTS ${usage} (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, bytes INTEGER NOT NULL)`);
    await sql.run(`CREATE TABLE IF NOT EXISTS ${totals} (id INTEGER PRIMARY KEY CHECK (id = 1), entries INTEGER NOT NULL, bytes INTEGER NOT NULL)`);
    const existing = await sql.all(`SELECT count(*) AS n FROM ${totals}`);
    if (Number(existing[0]?.n ?? 0) === 0) {
      // First limited open of this table: account for the rows already there, oldest first.
      await sql.run(`INSERT OR IGNORE INTO ${usage} (key, bytes) SELECT key, ${size('value')} FROM ${t} WHERE key GLOB ${entryGlob} ORDER BY rowid`);
      await sql.run(`INSERT OR IGNORE INTO ${totals} (id, entries, bytes) SELECT 1, count(*), coalesce(sum(bytes), 0) FROM ${usage}`);
    }
    await sql.run(
      `CREATE TRIGGER IF NOT EXISTS "${table}_usage_insert" AFTER INSERT ON ${t} WHEN NEW.key GLOB ${entryGlob} BEGIN ` +
        // (A usage row can only be left over by a row deleted while the triggers were missing.)
        `UPDATE ${totals} SET entries = entries + (CASE WHEN EXISTS (SELECT 1 FROM ${usage} WHERE key = NEW.key) THEN 0 ELSE 1 END), ` +
        `bytes = bytes + ${size('NEW.value')} - coalesce((SELECT bytes FROM ${usage} WHERE key = NEW.key), 0) WHERE id = 1; ` +
        `INSERT OR REPLACE INTO ${usage} (key, bytes) VALUES (NEW.key, ${size('NEW.value')}); END`,
    );
    await sql.run(
      `CREATE TRIGGER IF NOT EXISTS "${table}_usage_update" AFTER UPDATE OF value ON ${t} WHEN NEW.key GLOB ${entryGlob} BEGIN ` +
        `UPDATE ${totals} SET bytes = bytes - coalesce((SELECT bytes FROM ${usage} WHERE key = OLD.key), 0) + ${size('NEW.value')}, ` +
        `entries = entries + (CASE WHEN EXISTS (SELECT 1 FROM ${usage} WHERE key = OLD.key) THEN 0 ELSE 1 END) WHERE id = 1; ` +
        `DELETE FROM ${usage} WHERE key = OLD.key; ` +
        `INSERT INTO ${usage} (key, bytes) VALUES (NEW.key, ${size('NEW.value')}); END`,
    );
    await sql.run(
      `CREATE TRIGGER IF NOT EXISTS "${table}_usage_delete" AFTER DELETE ON ${t} WHEN OLD.key GLOB ${entryGlob} BEGIN ` +
        `UPDATE ${totals} SET entries = entries - 1, bytes = bytes - (SELECT bytes FROM ${usage} WHERE key = OLD.key) ` +
        `WHERE id = 1 AND EXISTS (SELECT 1 FROM ${usage} WHERE key = OLD.key); ` +
        `DELETE FROM ${usage} WHERE key = OLD.key; END`,
    );
  }

  /** Keys in the table are `<keyPrefix><storeKey>`. */
  const tableKey = (storeKey: string) => keyPrefix + storeKey;
  const storeKeyOf = (key: string) => key.slice(keyPrefix.length);

  async function evict(): Promise<Eviction[]> {
    const sql = await initialised;
    const evicted: Eviction[] = [];
    for (;;) {
      const [row] = await sql.all(`SELECT entries, bytes FROM ${totals} WHERE id = 1`);
      const entries = Number(row?.entries ?? 0);
      const bytes = Number(row?.bytes ?? 0);
      const overEntries = limits.maxEntries === undefined ? 0 : entries - limits.maxEntries;
      const overBytes = limits.maxBytes === undefined ? 0 : bytes - limits.maxBytes;
      if (overEntries <= 0 && overBytes <= 0) return evicted;
      const victims = await sql.all(`SELECT key, bytes FROM ${usage} ORDER BY seq LIMIT ?`, [Math.max(1, Math.min(EVICT_BATCH, overEntries > 0 ? overEntries : EVICT_BATCH))]);
      if (victims.length === 0) return evicted;
      let freed = 0;
      let count = 0;
      for (const victim of victims) {
        const key = String(victim.key);
        // The delete trigger updates the totals and drops the key's usage and tag rows.
        await sql.run(`DELETE FROM ${t} WHERE key = ?`, [key]);
        evicted.push({ key: storeKeyOf(key), bytes: Number(victim.bytes) });
        freed += Number(victim.bytes);
        count++;
        if (count >= overEntries && freed >= overBytes) break;
      }
    }
  }

  return {
    async *scan(prefix: string) {
      const sql = await initialised;
      // Keyset pages over the primary key: rows deleted behind the cursor never shift the next page.
      const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      let after: string | undefined;
      for (;;) {
        const rows =
          after === undefined
            ? await sql.all(`SELECT key, ${valueColumns} FROM ${t} WHERE key >= ? AND key < ? ORDER BY key LIMIT ${PAGE}`, [prefix, end])
            : await sql.all(`SELECT key, ${valueColumns} FROM ${t} WHERE key > ? AND key < ? ORDER BY key LIMIT ${PAGE}`, [after, end]);
        for (const row of rows) yield [String(row.key), rowToRaw(row)] as [string, unknown];
        if (rows.length < PAGE) return;
        after = String(rows[rows.length - 1]!.key);
      }
    },

    async *keysWithTag(tag: string) {
      const sql = await initialised;
      let after = '';
      for (;;) {
        const rows = await sql.all(`SELECT key FROM ${tags} WHERE tag = ? AND key > ? ORDER BY key LIMIT ${PAGE}`, [tag, after]);
        for (const row of rows) yield storeKeyOf(String(row.key));
        if (rows.length < PAGE) return;
        after = String(rows[rows.length - 1]!.key);
      }
    },

    async beforeSet(storeKey: string, entry: CacheEntry) {
      const sql = await initialised;
      for (const tag of entry.tags ?? []) await sql.run(`INSERT OR IGNORE INTO ${tags} (tag, key) VALUES (?, ?)`, [tag, tableKey(storeKey)]);
    },

    ...(limited ? { afterSet: () => evict() } : {}),
  };
}
