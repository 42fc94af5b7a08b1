import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const tsx = join(root, 'node_modules/.bin/tsx');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** The README's examples, run as a user runs them (through the built package). */
describe('examples', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'axios-stash-examples-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const example = (name: string, env: Record<string, string> = {}) =>
    run(tsx, [join(root, 'examples', name)], { cwd: dir, env: { ...process.env, ...env } }).then((r) => r.stdout);

  it('basic.ts persists: the second run is answered from the SQLite file', async () => {
    const env = { PORT: String(await freePort()), CACHE_FILE: join(dir, 'quick-start.sqlite') };
    const first = await example('basic.ts', env);
    const second = await example('basic.ts', env);
    expect(first).to.match(/request 1: cached=false state=miss/).and.match(/origin served 1 request/);
    expect(second).to.match(/request 1: cached=true state=hit/).and.match(/origin served 0 request/);
  });

  it('file.ts: miss, hit, then revalidated by a 304', async () => {
    const out = await example('file.ts', { CACHE_DIR: join(dir, 'files') });
    expect(out).to.match(/first: miss\nsecond: hit\nafter max-age: revalidated/);
  });

  it('keyv-postgres.ts: any Keyv store', async () => {
    expect(await example('keyv-postgres.ts')).to.match(/first: miss\nsecond: hit/);
  });

  it('opentelemetry-metrics.ts: the cache events as OpenTelemetry counters and a histogram', async () => {
    const out = await example('opentelemetry-metrics.ts');
    expect(out).to.match(/requests: 12 \(hits 9, misses 3\)/).and.match(/hit ratio: 0\.75 \(api\.cache\.stats\(\)\.hitRatio: 0\.75\)/);
    expect(out).to.match(/duration histogram: 9 hit and 3 miss measurements/).and.match(/median latency: hit [\d.]+ ms, miss [\d.]+ ms/);
  });

  it('many-services.ts: four processes, one cold URL, coordinate: the origin answers once', async () => {
    const out = await example('many-services.ts', { NAMESPACE: `examples-many-${process.pid}` });
    expect(out.match(/^service \d+: 25 callers/gm)).to.have.length(4);
    expect(out).to.match(/origin served 1 request\(s\) for 100 callers in 4 processes/);
  });

  it('shared-redis.ts: a second process hits what the first stored', async () => {
    const out = await example('shared-redis.ts', { NAMESPACE: `examples-${process.pid}` });
    expect(out).to.match(/worker \(pid \d+\): cached=true state=hit/).and.match(/origin served 1 request/);
  });
});
