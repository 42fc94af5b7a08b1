/**
 * The manager at scale on SQLite and Redis: entries(), prune(), delete({ pattern }) and
 * delete({ tag }) over many entries complete with bounded memory (the listing streams, the tag
 * index answers without a scan), asserted on heap + external memory growth, never on time.
 *
 * Size from the environment: AXIOS_STASH_SCALE_ENTRIES (default 2000) entries of
 * AXIOS_STASH_SCALE_BODY bytes (default 16384). Run by hand with a million entries:
 *   AXIOS_STASH_SCALE_ENTRIES=1000000 AXIOS_STASH_SCALE_BODY=256 AXIOS_STASH_SCALE_REPORT=1 \
 *     npx mocha --config /tmp/mocharc.json spec/storage/scale.spec.ts
 * (AXIOS_STASH_SCALE_REPORT prints time and peak RSS of each operation.)
 */
import axios from 'axios';
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { type CacheStore, type CachedAxiosInstance, setupCache } from '../../lib/index.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { makeEntry, patternBytes } from '../../lib/testing/fixtures.js';

const N = Number(process.env.AXIOS_STASH_SCALE_ENTRIES ?? 2000);
const BODY = Number(process.env.AXIOS_STASH_SCALE_BODY ?? 16 * 1024);
const REPORT = process.env.AXIOS_STASH_SCALE_REPORT !== undefined;
/**
 * Live memory an operation may add while it runs, whatever N is: a few pages of rows, a batch of
 * keys. (At the default size the whole data set is 32 MB of bodies, more as base64 text: holding it would fail this.)
 */
const BOUND = 24 * 1024 * 1024;

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/**
 * Runs `operation` and resolves its result with the peak growth of live memory above the start:
 * each sample collects garbage first, so what is measured is what the operation holds.
 */
async function measured<T>(label: string, operation: (sample: () => void) => Promise<T>): Promise<{ result: T; growth: number }> {
  gc();
  const base = used();
  let peak = base;
  let peakRss = process.memoryUsage().rss;
  const sample = (): void => {
    gc();
    peak = Math.max(peak, used());
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  };
  // Each sample is a full GC: sampled too often on a loaded machine, collecting is all it would do.
  const timer = setInterval(sample, 500);
  const started = performance.now();
  try {
    const result = await operation(sample);
    sample();
    if (REPORT) console.log(`    ${label}: ${Math.round(performance.now() - started)} ms, peak RSS ${Math.round(peakRss / 1048576)} MB, growth ${Math.round((peak - base) / 1048576)} MB`);
    return { result, growth: peak - base };
  } finally {
    clearInterval(timer);
  }
}

async function fill(store: CacheStore): Promise<void> {
  const body = patternBytes(BODY);
  const writes: Array<Promise<void>> = [];
  for (let i = 0; i < N; i++) {
    const section = i % 2 === 0 ? 'users' : 'posts';
    // Every fourth entry expires at once (prune's work); the rest live an hour.
    const lifetime = i % 4 === 3 ? 1 : 3_600_000;
    const tags = i % 3 === 0 ? ['third'] : undefined;
    writes.push(store.set(`scale-${i}`, makeEntry(body, { url: `https://scale.example/${section}/${i}`, ...(tags ? { tags } : {}) }), lifetime));
    if (writes.length >= 256) await Promise.all(writes.splice(0));
  }
  await Promise.all(writes);
}

const expected = {
  live: Array.from({ length: N }, (_, i) => i).filter((i) => i % 4 !== 3),
};

function scaleSuite(name: string, open: () => CacheStore, cleanup: () => void): void {
  describe(`the manager at scale on ${name} (${N} entries of ${BODY} bytes)`, function () {
    this.timeout(Math.max(120_000, N * 2));
    let api: CachedAxiosInstance;

    before(async () => {
      const store = open();
      api = setupCache(axios.create(), { storage: store, storeTimeout: 60_000 });
      await api.cache.clear();
      await fill(store);
      await new Promise((resolve) => setTimeout(resolve, 5)); // (real timer: the 1 ms lifetimes run out)
    });
    after(async () => {
      await api.cache.clear();
      await api.cache.close();
      cleanup();
    });

    it('entries() streams every live entry with bounded memory', async () => {
      const { result, growth } = await measured('entries()', async (sample) => {
        let count = 0;
        for await (const _ of api.cache.entries()) if (++count % 1000 === 0) sample();
        return count;
      });
      expect(result).to.equal(expected.live.length);
      expect(growth).to.be.below(BOUND);
    });

    it('delete({ tag }) removes the tagged entries from the index with bounded memory', async () => {
      const { result, growth } = await measured('delete({ tag })', () => api.cache.delete({ tag: 'third' }));
      expect(result).to.equal(expected.live.filter((i) => i % 3 === 0).length);
      expect(growth).to.be.below(BOUND);
    });

    it('delete({ pattern }) removes the matching entries with bounded memory', async () => {
      const { result, growth } = await measured('delete({ pattern })', () => api.cache.delete({ pattern: 'scale.example/users/*' }));
      expect(result).to.equal(expected.live.filter((i) => i % 3 !== 0 && i % 2 === 0).length);
      expect(growth).to.be.below(BOUND);
    });

    it('prune() removes what expired with bounded memory, and the rest is still listed', async () => {
      const { growth } = await measured('prune()', () => api.cache.prune());
      expect(growth).to.be.below(BOUND);
      let left = 0;
      for await (const _ of api.cache.entries()) left++;
      expect(left).to.equal(expected.live.filter((i) => i % 3 !== 0 && i % 2 === 1).length);
    });
  });
}

let dir: string | undefined;
scaleSuite(
  'SQLite',
  () => {
    dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-scale-'));
    return sqliteStorage({ path: path.join(dir, 'cache.sqlite') });
  },
  () => dir && rmSync(dir, { recursive: true, force: true }),
);
scaleSuite(
  'Redis',
  () => redisStorage({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', namespace: `stash-scale-${process.pid}` }),
  () => {},
);
