import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CacheStore } from '../../lib/storage/contract.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { scenarioSuite } from './suite.js';

// One database file per suite, one table per cache; a second instance reopens the same file and table.
const dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-scenarios-sqlite-'));
const file = path.join(dir, 'cache.sqlite');
const tables = new WeakMap<CacheStore, string>();
let n = 0;
function open(table = `scenario_${n++}`): CacheStore {
  const store = sqliteStorage({ path: file, table });
  tables.set(store, table);
  return store;
}

scenarioSuite('sqlite', () => open(), {
  reopen: (store) => open(tables.get(store)),
  cleanup: () => rmSync(dir, { recursive: true, force: true }),
});
