import { expect } from 'chai';
import { startFleet, startOrigin, type Origin, type Worker } from './fixtures/fleet.js';
import type { Outcome, WorkerConfig } from './fixtures/worker.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PROCESSES = Number(process.env.STAMPEDE_PROCESSES ?? 4);
const CONCURRENCY = Number(process.env.STAMPEDE_CONCURRENCY ?? 25);
const COORDINATE_TIMEOUT = 3000;

/**
 * The stampede scenarios, on the Redis `base` points at (one server or a cluster): one fleet of
 * PROCESSES service processes per describe (forking them takes seconds), a fresh URL per test.
 */
export function stampedeSpecs(base: () => Omit<WorkerConfig, 'namespace' | 'coordinate'>): void {
  let origin: Origin;
  let fleet: Worker[] = [];
  let path = 0;
  before(async () => {
    origin = await startOrigin(200);
    const namespace = `stash-coord-${process.pid}-${Date.now().toString(36)}`;
    fleet = await startFleet(PROCESSES, { ...base(), namespace, coordinate: true, coordinateTimeout: COORDINATE_TIMEOUT });
  });
  beforeEach(() => {
    origin.requests.length = 0;
  });
  after(async () => {
    await fleet[0]?.clear();
    await Promise.all(fleet.map((w) => w.close()));
    await origin.close();
  });

  const burst = (url: string, plain = false): Promise<Outcome[]> =>
    Promise.all(fleet.map((w) => w.burst(url, CONCURRENCY, plain))).then((all) => all.flat());

  it(`${PROCESSES} processes x ${CONCURRENCY} concurrent requests for one cold URL: the origin sees exactly 1 with coordinate`, async () => {
    const outcomes = await burst(`${origin.url}/cold-${path++}`);
    expect(outcomes.filter((o) => o.ok)).to.have.length(PROCESSES * CONCURRENCY);
    expect(origin.requests).to.have.length(1);
    // One process fetched; every other caller, in every process, was answered by its entry.
    expect(outcomes.filter((o) => o.state === 'miss').length).to.be.at.most(CONCURRENCY);
  });

  it(`without coordinate, each process fetches once: at most ${PROCESSES} origin requests`, async () => {
    const outcomes = await burst(`${origin.url}/cold-${path++}`, true);
    expect(outcomes.filter((o) => o.ok)).to.have.length(PROCESSES * CONCURRENCY);
    expect(origin.requests.length).to.be.within(1, PROCESSES);
  });

  it('the lease holder SIGKILLed mid-request: every other request succeeds and none waits past the timeout (real timers: lease expiry)', async () => {
    const killed = new Promise<Worker>((resolve) => {
      origin.onRequest = (req) => {
        origin.onRequest = undefined;
        const leader = fleet.find((w) => w.pid === Number(req.headers['x-worker']))!;
        void leader.kill().then(() => resolve(leader));
      };
    });
    const url = `${origin.url}/cold-${path++}`;
    const bursts = fleet.map((w) => w.burst(url, CONCURRENCY).catch(() => undefined));
    const leader = await killed;
    const outcomes = (await Promise.all(bursts)).filter((_, i) => fleet[i] !== leader).flat() as Outcome[];
    fleet = fleet.filter((w) => w !== leader);
    expect(outcomes).to.have.length((PROCESSES - 1) * CONCURRENCY);
    expect(outcomes.filter((o) => !o.ok), 'failed requests').to.deep.equal([]);
    // Waiting is bounded by coordinateTimeout; the rest is one origin round trip (200 ms) and slack.
    expect(outcomes.filter((o) => o.ms > COORDINATE_TIMEOUT + 1000).length, 'requests that waited past the timeout').to.equal(0);
    // The dead leader's request, then one new lease holder's: the others got its entry.
    expect(origin.requests, JSON.stringify(origin.requests)).to.have.length(2);
  });
}

describe('coordinate: cross-process single-flight on one Redis', function () {
  this.timeout(60_000);
  stampedeSpecs(() => ({ url: REDIS }));
});
