/**
 * The real stores the CLI specs run against, each a fresh, empty cache per call: the store for
 * setupCache and the command-line arguments that name the same cache.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CacheStore } from '../../lib/storage/contract.js';
import { fileStorage } from '../../lib/storage/file.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';

export interface CliCacheUnderTest {
  storage: CacheStore;
  /** `--store …` (and `--namespace …`) naming the same cache. */
  args: string[];
}

export interface CliBackend {
  name: string;
  create(): CliCacheUnderTest;
  cleanup(): void;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `${process.pid}-${Date.now().toString(36)}`;
let n = 0;

function tempRoot(label: string): { path: () => string; cleanup: () => void } {
  let dir: string | undefined;
  return {
    path: () => (dir ??= mkdtempSync(join(tmpdir(), `axios-stash-cli-${label}-`))),
    cleanup: () => {
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    },
  };
}

const sqliteDir = tempRoot('sqlite');
const fileDir = tempRoot('file');

export const backends: CliBackend[] = [
  {
    // Several caches in one SQLite file, one table each: --namespace picks the table.
    name: 'sqlite',
    create() {
      const path = join(sqliteDir.path(), 'http-cache.sqlite');
      const table = `cli_${n++}`;
      return { storage: sqliteStorage({ path, table }), args: ['--store', `sqlite:${path}`, '--namespace', table] };
    },
    cleanup: sqliteDir.cleanup,
  },
  {
    name: 'file',
    create() {
      const dir = join(fileDir.path(), `cache-${n++}`);
      return { storage: fileStorage({ dir }), args: ['--store', `file:${dir}`] };
    },
    cleanup: fileDir.cleanup,
  },
  {
    // Several caches in one Redis, one key prefix each: --namespace picks the prefix.
    name: 'redis',
    create() {
      const namespace = `stash-cli-${run}-${n++}`;
      return { storage: redisStorage({ url: REDIS_URL, namespace }), args: ['--store', REDIS_URL, '--namespace', namespace] };
    },
    cleanup() {},
  },
];
