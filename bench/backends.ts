/**
 * Issue 4 figures, per backend (SQLite, filesystem, Redis, PostgreSQL through keyvStorage, and
 * memory for reference): hit and miss+store for 1 KB JSON and 1 MB binary bodies, against
 * axios-cache-interceptor on the same kind of Keyv store in the same run, with a bare `keyv.get`
 * of the stored value as the floor; and 100 concurrent cold requests, counting what reaches the
 * origin. A backend whose server is not reachable is reported and skipped.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import KeyvPostgres from '@keyv/postgres';
import KeyvRedis from '@keyv/redis';
import KeyvSqlite from '@keyv/sqlite';
import axios, { type AxiosRequestConfig } from 'axios';
import { buildStorage, setupCache as setupAci, type StorageValue } from 'axios-cache-interceptor';
import { Keyv } from 'keyv';
import { type CacheStore, keyvSerialization, keyvStorage, memoryStorage, NEVER_EXPIRE, setupCache } from 'axios-stash';
import { fileStorage, KeyvFile } from 'axios-stash/file';
import { redisStorage } from 'axios-stash/redis';
import { sqliteStorage } from 'axios-stash/sqlite';
import Database from 'better-sqlite3';
import { KeyvBetterSqlite, openBetterSqlite } from '../lib/storage/better-sqlite-store.js';
import { binaryBody, compare, jsonBody, report, startOrigin } from './harness.js';

const REDIS = 'redis://127.0.0.1:6379';
const POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';

interface Backend {
  name: string;
  /** Our storage, fresh and empty. */
  ours: () => CacheStore;
  /** A Keyv on the same kind of store for axios-cache-interceptor (its default JSON serializer). */
  theirs: () => Keyv;
  /** A bare Keyv over the very store `ours` writes to, for the raw-get floor. */
  raw?: () => Keyv;
}

export async function backendsBench(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-bench-'));
  const run = `${process.pid}`;
  const backends: Backend[] = [
    { name: 'memory', ours: () => memoryStorage(), theirs: () => new Keyv() },
    {
      name: 'sqlite',
      ours: () => sqliteStorage({ path: path.join(dir, 'ours.sqlite') }),
      // sqliteStorage runs on better-sqlite3: the same adapter and Keyv layout it builds.
      raw: () => {
        const db = openBetterSqlite(Database, path.join(dir, 'ours.sqlite'), 'http_cache', 20);
        return new Keyv({ store: new KeyvBetterSqlite(db, 'http_cache', 20), namespace: 'axios-stash', serialize: undefined, deserialize: keyvSerialization.deserialize } as never);
      },
      theirs: () => new Keyv({ store: new KeyvSqlite({ uri: `sqlite://${path.join(dir, 'aci.sqlite')}`, busyTimeout: 5000 }) }),
    },
    {
      name: 'file',
      ours: () => fileStorage({ dir: path.join(dir, 'ours-files') }),
      theirs: () => new Keyv({ store: new KeyvFile({ dir: path.join(dir, 'aci-files') }) }),
    },
    {
      name: 'redis',
      ours: () => redisStorage({ url: REDIS, namespace: `bench-ours-${run}` }),
      // Keyv hands its own namespace (default 'keyv') to the store: it must be ours.
      raw: () => new Keyv({ store: new KeyvRedis(REDIS, { namespace: `bench-ours-${run}`, keyPrefixSeparator: '::' }), namespace: `bench-ours-${run}`, useKeyPrefix: false, ...keyvSerialization }),
      theirs: () => new Keyv({ store: new KeyvRedis(REDIS), namespace: `bench-aci-${run}`, useKeyPrefix: false }),
    },
    {
      name: 'postgres (keyvStorage)',
      ours: () => keyvStorage(new Keyv({ store: new KeyvPostgres({ uri: POSTGRES, table: `bench_ours_${run}` }), throwOnErrors: true, ...keyvSerialization })),
      theirs: () => new Keyv({ store: new KeyvPostgres({ uri: POSTGRES, table: `bench_aci_${run}` }) }),
    },
  ];
  const bodies = {
    '/json-1k': { body: jsonBody(1024), type: 'application/json' },
    '/bin-1m': { body: binaryBody(1024 * 1024), type: 'application/octet-stream' },
  };
  const origin = await startOrigin(bodies);
  const cases: Array<{ label: string; path: keyof typeof bodies; config: AxiosRequestConfig; hits: number; misses: number }> = [
    { label: '1 KB JSON', path: '/json-1k', config: {}, hits: 300, misses: 200 },
    { label: '1 MB binary', path: '/bin-1m', config: { responseType: 'arraybuffer' }, hits: 20, misses: 15 },
  ];

  for (const backend of backends) {
    let ours: CacheStore;
    let theirs: Keyv;
    try {
      ours = backend.ours();
      theirs = backend.theirs();
      await theirs.set('bench-probe', 1);
      if ((await theirs.get('bench-probe')) !== 1) throw new Error('store did not answer');
    } catch (error) {
      console.log(`\n${backend.name}: skipped (${(error as Error).message})`);
      continue;
    }
    const aciStorage = buildStorage({
      find: async (key) => (await theirs.get(key)) as StorageValue | undefined,
      set: async (key, value) => void (await theirs.set(key, value)),
      remove: async (key) => void (await theirs.delete(key)),
      clear: async () => theirs.clear(),
    });
    const stash = setupCache(axios.create({ baseURL: origin.url }), { ttl: NEVER_EXPIRE, storage: ours, storeTimeout: 10_000 });
    const aci = setupAci(axios.create({ baseURL: origin.url }), { storage: aciStorage, ttl: 3_600_000, interpretHeader: false });

    for (const c of cases) {
      const first = await stash.get(c.path, c.config);
      await aci.get(c.path, c.config as never);
      // The floor reads our stored value with a bare Keyv over the same store (opened by the bench).
      const storeKey = `entry:${first.cache!.key}`;
      const ourKeyv = backend.raw?.();
      if (ourKeyv && (await ourKeyv.get(storeKey)) === undefined) throw new Error(`bench invariant: the raw floor of ${backend.name} does not find our entry`);
      const floor = ourKeyv && storeKey ? { name: 'floor: bare keyv.get of the entry', run: () => ourKeyv.get(storeKey) } : undefined;
      const hits = await compare(
        [
          ...(floor ? [floor] : []),
          { name: 'axios-stash hit', run: () => stash.get(c.path, c.config) },
          { name: 'axios-cache-interceptor hit', run: () => aci.get(c.path, c.config as never) },
        ],
        c.hits,
      );
      report(`${backend.name}: ${c.label} hit`, hits, floor ? floor.name : 'axios-stash hit');
      const ratio = hits.find((r) => r.name === 'axios-cache-interceptor hit')!.us / hits.find((r) => r.name === 'axios-stash hit')!.us;
      console.log(`  axios-cache-interceptor / axios-stash: ${ratio.toFixed(2)}x`);

      const plain = axios.create({ baseURL: origin.url });
      let i = 0;
      const misses = await compare(
        [
          { name: 'plain axios', run: () => plain.get(`${c.path}?p=${i++}`, c.config) },
          { name: 'axios-stash miss + store', run: () => stash.get(`${c.path}?s=${i++}`, c.config) },
          { name: 'axios-cache-interceptor miss + store', run: () => aci.get(`${c.path}?a=${i++}`, c.config as never) },
        ],
        c.misses,
      );
      report(`${backend.name}: ${c.label} miss + store`, misses, 'plain axios');
    }

    // 100 concurrent cold requests: how many reach the origin?
    const before = origin.count();
    await Promise.all(Array.from({ length: 100 }, () => stash.get('/json-1k?cold=stash')));
    const oursReached = origin.count() - before;
    const beforeAci = origin.count();
    await Promise.all(Array.from({ length: 100 }, () => aci.get('/json-1k?cold=aci')));
    const theirsReached = origin.count() - beforeAci;
    console.log(`\n${backend.name}: 100 concurrent cold requests reached the origin: axios-stash ${oursReached}, axios-cache-interceptor ${theirsReached}`);
    if (stash.cache.stats().errors > 0) console.log(`  note: ${stash.cache.stats().errors} store errors during the run`);

    await stash.cache.clear();
    await theirs.clear().catch(() => undefined);
    await stash.cache.close();
    await theirs.disconnect().catch(() => undefined);
  }
  origin.server.close();
  rmSync(dir, { recursive: true, force: true });
}
