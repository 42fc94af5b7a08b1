/**
 * Opens the store `--store` names, loading only that store's driver, and proves it answers
 * before any command runs, so that an unreachable store fails fast with a message naming it.
 *
 * Why a probe of our own: every call through `api.cache` goes through the guarded store, which
 * turns failures into empty answers (a cache must never fail a request). A CLI must do the
 * opposite, so it asks the raw store once, with a deadline, before handing it to setupCache, and
 * records every store error reported during the command (see `failures`).
 */
import axios from 'axios';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { CacheStore } from '../storage/contract.js';
import { setupCache } from '../setup.js';
import type { CliCache } from './cache-api.js';
import { CliError, ExitCode } from './exit-codes.js';
import { cacheFromManager } from './manager-adapter.js';
import type { StoreSpec } from './store-spec.js';

export interface OpenedCache {
  readonly cache: CliCache;
  /** The store as messages name it (`sqlite:./http-cache.sqlite`, a Redis URL without its password). */
  readonly label: string;
  /** Store errors reported since it was opened (each an operation and a message). */
  readonly failures: readonly string[];
  /** Stored values read since it was opened that are not entries of this format (skipped, not failures: `prune` removes them). */
  readonly unreadable: number;
  /** Calls `listener` for each entry removed (progress of a long removal). */
  onRemoved(listener: () => void): void;
  /** Bytes the store occupies on disk (SQLite file and its WAL, the file store's directory); undefined for Redis. */
  diskBytes(): Promise<number | undefined>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** How long opening may take before the store counts as unreachable (ms). */
  connectTimeout: number;
}

/** A key no entry has (keys are SHA-256 hex): reading it proves the store answers. */
const PROBE_KEY = '0'.repeat(64);
/** Bulk operations (clear, prune, a scan) on a big store take long; the store already answered the probe. */
const OPERATION_TIMEOUT_MS = 10 * 60_000;
/** close() of a client that never connected may not settle: the process must still end. */
const CLOSE_GRACE_MS = 500;

export async function openStore(spec: StoreSpec, options: OpenOptions): Promise<OpenedCache> {
  await mustExist(spec);
  const store = await createStore(spec, options);
  await probe(store, spec, options.connectTimeout);
  const failures: string[] = [];
  let unreadable = 0;
  const api = setupCache(axios.create(), { storage: store, storeTimeout: OPERATION_TIMEOUT_MS });
  api.cache.on('error', (event) => {
    // Another format version or a damaged value is the store answering, not failing.
    if ((event.error as Error | undefined)?.name === 'UnreadableValueError') unreadable++;
    else failures.push(event.message);
  });
  return {
    cache: cacheFromManager(api.cache),
    label: spec.label,
    failures,
    get unreadable() {
      return unreadable;
    },
    onRemoved(listener) {
      api.cache.on('invalidate', () => listener());
    },
    diskBytes: () => diskBytes(spec),
    close: () => closeWithin(() => api.cache.close(), CLOSE_GRACE_MS),
  };
}

/** A missing SQLite file or cache directory is a typo or an empty cache: say so rather than create one. */
async function mustExist(spec: StoreSpec): Promise<void> {
  if (spec.kind === 'redis') return;
  const path = spec.kind === 'sqlite' ? spec.path : spec.dir;
  const found = await stat(path).catch(() => undefined);
  const wanted = spec.kind === 'sqlite' ? 'file' : 'directory';
  if (found === undefined) {
    throw new CliError(ExitCode.STORE_UNAVAILABLE, `${spec.label}: no such ${wanted} (${resolve(path)}); nothing is cached there yet, or --store has a typo`);
  }
  if (spec.kind === 'sqlite' ? !found.isFile() : !found.isDirectory()) {
    throw new CliError(ExitCode.STORE_UNAVAILABLE, `${spec.label}: ${resolve(path)} is not a ${wanted}`);
  }
}

/** Imports only the entry of this store's backend, so only its driver is loaded. */
async function createStore(spec: StoreSpec, options: OpenOptions): Promise<CacheStore> {
  try {
    switch (spec.kind) {
      case 'sqlite': {
        const { sqliteStorage } = await import('../sqlite.js');
        return sqliteStorage({ path: spec.path, ...(spec.table === undefined ? {} : { table: spec.table }) });
      }
      case 'file': {
        const { fileStorage } = await import('../file.js');
        return fileStorage({ dir: spec.dir });
      }
      case 'redis': {
        const { redisStorage } = await import('../redis.js');
        return redisStorage({
          url: spec.url,
          connectTimeout: options.connectTimeout,
          ...(spec.namespace === undefined ? {} : { namespace: spec.namespace }),
        });
      }
    }
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    const message = (error as Error | undefined)?.message ?? String(error);
    if (name === 'MissingDriverError') throw new CliError(ExitCode.MISSING_DRIVER, `${spec.label}: ${message}`, { cause: error });
    if (name === 'CacheOptionsError') throw new CliError(ExitCode.USAGE, `${spec.label}: ${message.replace(/^axios-stash: /, '')}`, { cause: error });
    throw new CliError(ExitCode.STORE_UNAVAILABLE, `cannot open ${spec.label}: ${message}`, { cause: error });
  }
}

async function probe(store: CacheStore, spec: StoreSpec, timeout: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((done) => {
    // A store that accepts the connection but never answers (a paused server) would hang: the
    // deadline is what makes "never hang" true. The margin lets the driver's own connect
    // time-out (the same value) fail first, with its more precise message.
    timer = setTimeout(() => done('timeout'), timeout + 500);
  });
  try {
    const outcome = await Promise.race([store.get(PROBE_KEY).then(() => 'ok' as const), deadline]);
    if (outcome === 'timeout') throw new Error(`no answer within ${timeout} ms`);
  } catch (error) {
    await closeWithin(() => store.close?.() ?? Promise.resolve(), CLOSE_GRACE_MS);
    const reason = error instanceof Error ? error.message : String(error);
    const detail = reason.trim() === '' ? 'the store did not answer' : reason;
    throw new CliError(ExitCode.STORE_UNAVAILABLE, `cannot reach ${spec.label}: ${detail}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

async function closeWithin(close: () => Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const grace = new Promise<void>((done) => {
    timer = setTimeout(done, ms);
    timer.unref();
  });
  await Promise.race([close().catch(() => {}), grace]);
  clearTimeout(timer);
}

async function diskBytes(spec: StoreSpec): Promise<number | undefined> {
  if (spec.kind === 'redis') return undefined;
  if (spec.kind === 'sqlite') {
    // WAL mode: recent writes live in the -wal file until a checkpoint.
    const sizes = await Promise.all(['', '-wal', '-shm'].map((suffix) => stat(spec.path + suffix).then((s) => s.size, () => 0)));
    return sizes.reduce((a, b) => a + b, 0);
  }
  const { readdir } = await import('node:fs/promises');
  let total = 0;
  for (const dirent of await readdir(spec.dir, { withFileTypes: true, recursive: true })) {
    if (dirent.isFile()) total += (await stat(resolve(dirent.parentPath, dirent.name)).catch(() => undefined))?.size ?? 0;
  }
  return total;
}
