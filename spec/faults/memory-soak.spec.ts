/**
 * A memory soak: SOAK_REQUESTS requests (default 5000; the figure is 200,000) through a
 * memoryStorage bounded to 200 entries and 2 MiB; the store stays within its bounds, no request
 * fails, and the heap after a full GC grows by less than the bound's worth plus slack (16 MiB):
 * nothing accumulates per request. A real process with --expose-gc.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const REQUESTS = Number(process.env.SOAK_REQUESTS ?? 5000);
const MAX_ENTRIES = 200;
const MAX_BYTES = 2 * 1024 * 1024;
const MiB = 1024 * 1024;

interface Soak {
  before: { heapUsed: number; rss: number };
  after: { heapUsed: number; rss: number };
  failures: number;
  size: number;
  stats: { hits: number; misses: number; evictions?: number };
}

describe(`faults: a memory soak of ${REQUESTS} requests stays within the configured bounds (a real process)`, function () {
  this.timeout(600_000);

  it(`memoryStorage({ maxEntries: ${MAX_ENTRIES}, maxBytes: 2 MiB }): bounded store, 0 failures, no heap growth beyond the bound`, async () => {
    const file = fileURLToPath(new URL('./fixtures/soak.ts', import.meta.url));
    const child = fork(file, [JSON.stringify({ requests: REQUESTS, maxEntries: MAX_ENTRIES, maxBytes: MAX_BYTES, bodyBytes: 8192 })], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const soak = await new Promise<Soak>((resolve, reject) => {
      child.once('message', (m) => resolve(m as Soak));
      child.once('exit', (code) => reject(new Error(`soak exited (${code})`)));
    });
    if (process.env.SOAK_REPORT) console.log(JSON.stringify({ requests: REQUESTS, ...soak }));
    expect(soak.failures).to.equal(0);
    expect(soak.size).to.be.at.most(MAX_ENTRIES);
    expect(soak.stats.hits + soak.stats.misses).to.equal(REQUESTS + 200); // and the warm-up
    expect(soak.stats.hits).to.be.greaterThan(0);
    expect(soak.after.heapUsed - soak.before.heapUsed, 'heap growth after GC').to.be.below(MAX_BYTES + 16 * MiB);
  });
});
