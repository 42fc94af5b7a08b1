import { expect } from 'chai';
import { fileURLToPath } from 'node:url';
import { createClient } from '@keyv/redis';
import { FORMAT_MAJOR } from '../../lib/format-version.js';
import { startOrigin, Worker, type Origin } from './fixtures/fleet.js';
import type { Outcome } from './fixtures/worker.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NEXT_MAJOR = fileURLToPath(new URL('./fixtures/next-major.mjs', import.meta.url));

describe('mixed versions: two processes on adjacent format majors share one Redis', function () {
  this.timeout(30_000);
  const namespace = `stash-mixed-${process.pid}-${Date.now().toString(36)}`;
  let origin: Origin;
  let current: Worker;
  let next: Worker;
  let raw: ReturnType<typeof createClient>;
  before(async () => {
    origin = await startOrigin(0, 'max-age=600');
    [current, next] = await Promise.all([Worker.start({ url: REDIS, namespace, coordinate: false }), Worker.start({ url: REDIS, namespace, coordinate: false }, [NEXT_MAJOR])]);
    raw = createClient({ url: REDIS });
    await raw.connect();
  });
  after(async () => {
    await current.clear();
    await Promise.all([current.close(), next.close()]);
    await raw.close();
    await origin.close();
  });

  const get = async (worker: Worker, path: string): Promise<Outcome> => (await worker.burst(`${origin.url}${path}`, 1))[0]!;
  const envelopeMajor = async (key: string): Promise<string | undefined> => /\naxios-stash\/(\d+) /.exec((await raw.get(`${namespace}::entry:${key}`)) ?? '')?.[1];

  it('each reads its own entries; neither overwrites the other\'s; reading the other\'s value is a reported miss, not a crash; prune keeps both', async () => {
    const a1 = await get(current, '/shared');
    const b1 = await get(next, '/shared');
    expect([a1.state, b1.state]).to.deep.equal(['miss', 'miss']);
    // The major is part of the key: two entries side by side, each in its own envelope.
    expect(a1.key).to.not.equal(b1.key);
    expect(await envelopeMajor(a1.key!)).to.equal(String(FORMAT_MAJOR));
    expect(await envelopeMajor(b1.key!)).to.equal(String(FORMAT_MAJOR + 1));

    const [a2, b2] = [await get(current, '/shared'), await get(next, '/shared')];
    expect([a2.state, b2.state]).to.deep.equal(['hit', 'hit']);
    expect(origin.requests, JSON.stringify(origin.requests)).to.have.length(2);

    // Reading the other major's value under its key: rejected as another version, both ways.
    expect(await current.ask({ cmd: 'read', key: b1.key }, 'read')).to.equal('rejected: version');
    expect(await next.ask({ cmd: 'read', key: a1.key }, 'read')).to.equal('rejected: version');

    // prune on either side removes what nobody can read, and keeps the other major's live entry.
    await raw.set(`${namespace}::entry:garbage`, 'not an entry', { PX: 60_000 });
    expect(await current.ask({ cmd: 'prune' }, 'pruned')).to.equal(1);
    expect(await next.ask({ cmd: 'prune' }, 'pruned')).to.equal(0);
    expect(await envelopeMajor(a1.key!)).to.equal(String(FORMAT_MAJOR));
    expect(await envelopeMajor(b1.key!)).to.equal(String(FORMAT_MAJOR + 1));
    expect([(await get(current, '/shared')).state, (await get(next, '/shared')).state]).to.deep.equal(['hit', 'hit']);
    expect(origin.requests, JSON.stringify(origin.requests)).to.have.length(2);
  });
});
