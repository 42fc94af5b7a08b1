import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CacheStore } from '../../lib/storage/contract.js';
import { fileStorage } from '../../lib/storage/file.js';
import { scenarioSuite } from './suite.js';

// One directory per cache under a suite temp dir (made on first use, so a run that skips the
// suite leaves nothing behind); a second instance opens the same directory.
let root: string | undefined;
const dirs = new WeakMap<CacheStore, string>();
let n = 0;
function newDir(): string {
  root ??= mkdtempSync(path.join(tmpdir(), 'axios-stash-scenarios-file-'));
  return path.join(root, `cache-${n++}`);
}
function open(dir = newDir()): CacheStore {
  const store = fileStorage({ dir });
  dirs.set(store, dir);
  return store;
}

scenarioSuite('file', () => open(), {
  reopen: (store) => open(dirs.get(store)),
  cleanup: () => root && rmSync(root, { recursive: true, force: true }),
});
