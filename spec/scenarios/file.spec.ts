import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CacheStore } from '../../lib/storage/contract.js';
import { fileStorage } from '../../lib/storage/file.js';
import { scenarioSuite } from './suite.js';

// One directory per cache under a suite temp dir; a second instance opens the same directory.
const root = mkdtempSync(path.join(tmpdir(), 'axios-stash-scenarios-file-'));
const dirs = new WeakMap<CacheStore, string>();
let n = 0;
function open(dir = path.join(root, `cache-${n++}`)): CacheStore {
  const store = fileStorage({ dir });
  dirs.set(store, dir);
  return store;
}

scenarioSuite('file', () => open(), {
  reopen: (store) => open(dirs.get(store)),
  cleanup: () => rmSync(root, { recursive: true, force: true }),
});
