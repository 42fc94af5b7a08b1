/**
 * What one process stores, a fresh process reads: the parent writes and a child (a new Node
 * process, spec/storage/fixtures/store-cli.ts) reads, then the other way round.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { CacheStore } from '../../lib/storage/contract.js';
import { fileStorage } from '../../lib/storage/file.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { describeEntry, writerEntry, type ReadResult } from './fixtures/store-cli.js';
import { runStoreCli } from './fixtures/run.js';

const dir = mkdtempSync(path.join(tmpdir(), 'axios-stash-persist-'));
const namespace = `stash-persist-${process.pid}-${Date.now().toString(36)}`;

const backends: Array<{ name: string; options: Record<string, string>; open: () => CacheStore }> = [
  { name: 'sqlite', options: { path: path.join(dir, 'cache.sqlite') }, open: () => sqliteStorage({ path: path.join(dir, 'cache.sqlite') }) },
  { name: 'file', options: { dir: path.join(dir, 'files') }, open: () => fileStorage({ dir: path.join(dir, 'files') }) },
  { name: 'redis', options: { namespace }, open: () => redisStorage({ namespace }) },
];

describe('persistence across processes', function () {
  this.timeout(60_000);

  after(async () => {
    const redis = redisStorage({ namespace });
    await redis.clear();
    await redis.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const backend of backends) {
    describe(backend.name, () => {
      it('a fresh process reads what this one stored', async () => {
        const store = backend.open();
        const entry = writerEntry(7, 0);
        await store.set('from-parent', entry, 600_000);
        await store.close?.();
        const read = (await runStoreCli([backend.name, JSON.stringify(backend.options), 'read', 'from-parent']).result) as ReadResult;
        expect(read).to.deep.equal(JSON.parse(JSON.stringify(describeEntry(entry))));
        expect(read.whole).to.equal(true);
      });

      it('this process reads what a finished process stored', async () => {
        await runStoreCli([backend.name, JSON.stringify(backend.options), 'write', 'from-child', '8', '1']).result;
        const store = backend.open();
        try {
          const read = describeEntry(await store.get('from-child'));
          expect(read).to.deep.equal(describeEntry(writerEntry(8, 0)));
          expect(read.whole).to.equal(true);
        } finally {
          await store.close?.();
        }
      });
    });
  }
});
