/**
 * maxEntries / maxBytes of the SQLite (both drivers) and file stores: eviction of the least
 * recently written entries, reported as `evict` events and in stats, and a soak that keeps the
 * database file and the cache directory within the bound. The soak's size comes from
 * AXIOS_STASH_SOAK_WRITES (default 400 writes of 4 KB).
 */
import axios from 'axios';
import { expect } from 'chai';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type CacheEvent, type CacheStore, setupCache } from '../../lib/index.js';
import { fileStorage } from '../../lib/storage/file.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { makeEntry, patternBytes } from '../../lib/testing/fixtures.js';
import { useServer } from '../helpers/server.js';

const SOAK_WRITES = Number(process.env.AXIOS_STASH_SOAK_WRITES ?? 400);

interface Backend {
  name: string;
  open(limits: { maxEntries?: number; maxBytes?: number }): CacheStore;
  /** Bytes the backend occupies on disk now (after close() for SQLite: the WAL is checkpointed). */
  diskBytes(): number;
}

function backends(): Backend[] {
  const sqlite = (driver: 'better-sqlite3' | '@keyv/sqlite'): Backend => {
    let dir = '';
    let n = 0;
    return {
      name: `sqlite (${driver})`,
      open(limits) {
        dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-limits-'));
        return sqliteStorage({ path: path.join(dir, `cache-${n++}.sqlite`), driver, ...limits });
      },
      diskBytes: () => readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0),
    };
  };
  let dir = '';
  return [
    sqlite('better-sqlite3'),
    sqlite('@keyv/sqlite'),
    {
      name: 'file',
      open(limits) {
        dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-limits-'));
        return fileStorage({ dir, ...limits });
      },
      diskBytes: () => readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0),
    },
  ];
}

describe('store limits: maxEntries and maxBytes', function () {
  this.timeout(60_000);
  const ctx = useServer();
  let seq = 0;

  for (const backend of backends()) {
    describe(backend.name, () => {
      it('maxEntries keeps the most recently written entries and reports each eviction', async () => {
        const store = backend.open({ maxEntries: 5 });
        const api = setupCache(axios.create({ baseURL: ctx.server.url }), { storage: store, ttl: '1h' });
        const evicted: CacheEvent[] = [];
        api.cache.on('evict', (e) => evicted.push(e));
        const paths: string[] = [];
        for (let i = 0; i < 12; i++) {
          const p = `/limit-entries-${++seq}`;
          ctx.server.route(p, (_req, res) => void res.writeHead(200).end(`body ${i}`));
          paths.push(p);
          await api.get(p);
          await api.cache.idle(); // one write at a time, so "least recently written" is this order
        }
        const kept = [];
        for await (const e of api.cache.entries()) kept.push(e.url.slice(ctx.server.url.length));
        expect(kept.sort()).to.deep.equal(paths.slice(-5).sort());
        expect(api.cache.stats().evictions).to.equal(7);
        expect(evicted).to.have.length(7);
        expect(evicted.every((e) => /^[0-9a-f]{64}$/.test(e.key!) && e.bytes! > 0)).to.equal(true);
        expect((await api.get(paths[0]!)).cached).to.equal(false);
        expect((await api.get(paths[11]!)).cached).to.equal(true);
        await api.cache.clear();
        await api.cache.close();
      });

      it('maxBytes keeps the stored bytes within the bound', async () => {
        const maxBytes = 48 * 1024;
        const store = backend.open({ maxBytes });
        const api = setupCache(axios.create({ baseURL: ctx.server.url }), { storage: store, ttl: '1h' });
        const body = Buffer.from(patternBytes(10 * 1024));
        const paths: string[] = [];
        for (let i = 0; i < 10; i++) {
          const p = `/limit-bytes-${++seq}`;
          ctx.server.route(p, (_req, res) => void res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body));
          paths.push(p);
          await api.get(p);
          await api.cache.idle();
        }
        const kept = [];
        for await (const e of api.cache.entries()) kept.push(e);
        expect(kept.length).to.be.within(2, 4);
        expect(kept.map((e) => e.url.slice(ctx.server.url.length))).to.include(paths[9]);
        expect(api.cache.stats().evictions).to.equal(10 - kept.length);
        await api.cache.clear();
        await api.cache.close();
      });

      it(`the store stays within maxBytes on disk over ${SOAK_WRITES} writes of 4 KB`, async () => {
        const maxBytes = 64 * 1024;
        const store = backend.open({ maxBytes });
        const body = patternBytes(4 * 1024);
        for (let i = 0; i < SOAK_WRITES; i++) await store.set(`soak-${i}`, makeEntry(body, { url: `https://soak.example/${i}` }), 3_600_000);
        let listed = 0;
        for await (const _ of store.list!()) listed++;
        await store.close?.();
        const written = SOAK_WRITES * body.byteLength;
        // SQLite keeps freed pages for reuse and a file per table and index; the bound is on the
        // live entries, and the file stays a small multiple of it whatever was written.
        expect(backend.diskBytes(), `on disk after ${written} bytes written`).to.be.below(maxBytes * 4 + 128 * 1024);
        expect(listed).to.be.within(1, Math.ceil(maxBytes / body.byteLength));
      });
    });
  }
});

after(() => {
  // Temp dirs of this spec.
  for (const name of readdirSync(tmpdir())) if (name.startsWith('axios-stash-limits-')) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
});
