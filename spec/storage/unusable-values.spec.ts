/**
 * Every stored value the cache cannot use is a miss that is counted in stats().errors and reported,
 * never a silent miss: random bytes as a SQLite BLOB, a cache file without its header line, an
 * entry claiming another URL or method (spec/adapter/key-function.spec.ts has the custom-key case).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import Database from 'better-sqlite3';
import { expect } from 'chai';
import { type CacheEvent, type CacheStore, memoryStorage, setupCache } from '../../lib/index.js';
import { fileStorage } from '../../lib/storage/file.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { countingJson, useServer } from '../helpers/server.js';

describe('stored values the cache cannot use are counted and reported', () => {
  const ctx = useServer();
  let dir: string;
  let seq = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'axios-stash-unusable-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Stores one response, lets `damage` change what was stored, and asks again. */
  async function afterDamage(storage: CacheStore, damage: (key: string) => Promise<void>) {
    const p = `/unusable-${++seq}`;
    ctx.server.route(p, countingJson());
    const events: CacheEvent[] = [];
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', storage, debug: (e) => events.push(e) });
    const first = await api.get(p);
    await api.cache.idle();
    await damage(first.cache!.key);
    const second = await api.get(p);
    await api.cache.idle();
    const third = await api.get(p);
    await api.cache.close();
    return { api, events, second, third };
  }

  it('random bytes as a SQLite BLOB', async () => {
    const path = join(dir, `blob-${++seq}.sqlite`);
    const { api, events, second, third } = await afterDamage(sqliteStorage({ path }), async (key) => {
      const db = new Database(path);
      const changed = db.prepare('UPDATE http_cache SET value = ? WHERE key = ?').run(randomBytes(300), `axios-stash:entry:${key}`).changes;
      db.close();
      expect(changed).to.equal(1);
    });
    expect(second.cached).to.equal(false);
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.some((e) => e.type === 'error' && /unreadable stored entry/.test(e.message))).to.equal(true);
    expect(third.cached, 'replaced on the next store').to.equal(true);
  });

  it('a cache file without its header line', async () => {
    const files = join(dir, `files-${++seq}`);
    const { api, events, second, third } = await afterDamage(fileStorage({ dir: files }), async () => {
      const names = (await readdir(files)).filter((n) => /^[0-9a-f]{64}$/.test(n));
      expect(names).to.have.length(1);
      await writeFile(join(files, names[0]!), 'no header line here, just bytes');
    });
    expect(second.cached).to.equal(false);
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.some((e) => e.type === 'error' && /header line/.test(e.message))).to.equal(true);
    expect(third.cached, 'replaced on the next store').to.equal(true);
  });

  it('an entry claiming another URL or method', async () => {
    const storage = memoryStorage();
    const { api, events, second } = await afterDamage(storage, async (key) => {
      const entry = (await storage.get(key))!;
      await storage.set(key, { ...entry, url: 'http://elsewhere.example/' }, 60_000);
    });
    expect(second.cached).to.equal(false);
    expect(api.cache.stats().errors).to.equal(1);
    expect(events.some((e) => e.type === 'error' && /elsewhere\.example/.test(e.message))).to.equal(true);
  });
});
