import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CacheStore } from '../../lib/storage/contract.js';
import { type SqliteDriver, sqliteStorage } from '../../lib/storage/sqlite.js';
import { scenarioSuite } from './suite.js';

// One database file per suite (in a temp dir made on first use, so a run that skips the suite
// leaves nothing behind), one table per cache; a second instance reopens the same file and table.
// Run once per driver: better-sqlite3 (the default, titled plainly) and @keyv/sqlite.
for (const driver of ['better-sqlite3', '@keyv/sqlite'] as const satisfies readonly SqliteDriver[]) {
  let dir: string | undefined;
  const tables = new WeakMap<CacheStore, string>();
  let n = 0;
  const open = (table = `scenario_${n++}`): CacheStore => {
    dir ??= mkdtempSync(path.join(tmpdir(), 'axios-stash-scenarios-sqlite-'));
    const store = sqliteStorage({ path: path.join(dir, 'cache.sqlite'), table, driver });
    tables.set(store, table);
    return store;
  };

  scenarioSuite(driver === 'better-sqlite3' ? 'sqlite' : `sqlite (${driver})`, () => open(), {
    reopen: (store) => open(tables.get(store)),
    cleanup: () => dir && rmSync(dir, { recursive: true, force: true }),
  });
}
