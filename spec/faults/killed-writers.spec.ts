/**
 * Writers SIGKILLed mid-write (SQLite, file): every entry left reads back whole (old or new, never
 * torn or unreadable), and the file store removes the temp files of dead writers when it is
 * opened, so kills never pile up orphans (before, 20 kills left 42 files, 14 MB, until a prune 10
 * minutes later). Kills: FAULT_KILLS (default 6). Real processes, killed after 30-150 ms of writing.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CacheStore } from '../../lib/index.js';
import { forkFixture } from './fixtures/fork.js';
import { bodyFor, openStore, type StoreAt } from './fixtures/stores.js';

const KILLS = Number(process.env.FAULT_KILLS ?? 6);

async function killMidWrite(at: StoreAt, afterMs: number): Promise<void> {
  const { child } = forkFixture('writer.ts', at);
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  await new Promise((resolve) => setTimeout(resolve, afterMs));
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(child.pid!, 'SIGKILL');
  await exited;
}

/** Reads every entry: each must decode and carry the body derived from its own URL. */
async function checkEntries(store: CacheStore): Promise<number> {
  let count = 0;
  for await (const key of store.keys()) {
    const entry = await store.get(key); // rejects (UnreadableValueError) for a torn value
    expect(entry, key).to.not.equal(undefined);
    expect(Buffer.from(entry!.body).equals(bodyFor(entry!.url, entry!.body.byteLength)), `${key} body`).to.equal(true);
    count++;
  }
  return count;
}

const temps = async (dir: string): Promise<string[]> => (await readdir(dir)).filter((name) => name.startsWith('.tmp-'));

describe(`faults: writers SIGKILLed mid-write (${KILLS} kills per store, real processes)`, function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'axios-stash-kill-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SQLite: 0 torn or unreadable entries', async () => {
    const at: StoreAt = { backend: 'sqlite', location: join(dir, 'killed.sqlite') };
    for (let i = 0; i < KILLS; i++) await killMidWrite(at, 30 + ((i * 37) % 120));
    const store = openStore(at);
    expect(await checkEntries(store)).to.be.greaterThan(0);
    await store.close?.();
  });

  it('file: 0 torn or unreadable entries; at most one orphan per killed writer, and none once the store is opened', async () => {
    const files = join(dir, 'files');
    const at: StoreAt = { backend: 'file', location: files };
    let orphansSeen = 0;
    for (let i = 0; i < KILLS; i++) {
      await killMidWrite(at, 30 + ((i * 37) % 120));
      const left = await temps(files);
      // Each writer writes one file at a time: at most one orphan per killed writer (temp files
      // are named `.tmp-<pid>-…`). A writer killed before its opening finished removing its
      // predecessors' orphans leaves those too, each still one per writer.
      const perWriter = new Map<string, number>();
      for (const name of left) perWriter.set(name.split('-')[1]!, (perWriter.get(name.split('-')[1]!) ?? 0) + 1);
      expect(Math.max(0, ...perWriter.values()), `orphans per writer after kill ${i + 1}: ${left.join(', ')}`).to.be.at.most(1);
      orphansSeen += left.length;
    }
    const store = openStore(at);
    expect(await checkEntries(store)).to.be.greaterThan(0);
    expect(await temps(files), 'orphans after opening').to.deep.equal([]);
    // Kills land mid-write often enough to leave orphans for the opening to remove (not a test that cannot fail).
    expect(orphansSeen).to.be.greaterThan(0);
    await store.close?.();
  });
});
