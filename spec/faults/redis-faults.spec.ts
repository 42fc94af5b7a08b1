/**
 * A real Redis, attacked while requests run: SIGKILLed and restarted, SIGSTOPped and resumed, and
 * absent when the cache is created. Each time: 0 failed requests, and the latency bound (one
 * request waits at most one `storeTimeout` in all, then the circuit breaker sends requests
 * straight to the network) asserted as the number of store time-outs waited, never wall-clock.
 * Once Redis is back, one probe finds it and caching resumes by itself.
 *
 * The breaker's back-off windows follow the cache's injected clock; store time-outs and Redis'
 * reconnection are real timers (FAULT_STORE_TIMEOUT ms, default 200). Sizes: FAULT_REDIS_REQUESTS
 * (default 300), FAULT_REDIS_CONCURRENCY (default 20).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import axios from 'axios';
import { expect } from 'chai';
import { redisStorage } from '../../lib/storage/redis.js';
import { cachedWithClock, TestClock } from '../helpers/clock.js';
import { freePort, RedisServer } from '../storage/fixtures/redis-server.js';

const REQUESTS = Number(process.env.FAULT_REDIS_REQUESTS ?? 300);
const CONCURRENCY = Number(process.env.FAULT_REDIS_CONCURRENCY ?? 20);
const STORE_TIMEOUT = Number(process.env.FAULT_STORE_TIMEOUT ?? 200);
const URLS = 20;

describe('faults: Redis killed, paused and absent under load (real redis-server, real store time-outs and reconnection)', function () {
  this.timeout(60_000);
  let origin: Server;
  let originUrl: string;
  before(async () => {
    origin = createServer((req, res) => void res.writeHead(200, { 'cache-control': 'max-age=3600' }).end(`body of ${req.url}`));
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
    originUrl = `http://127.0.0.1:${(origin.address() as AddressInfo).port}`;
  });
  after(() => {
    origin.closeAllConnections();
    origin.close();
  });

  function cacheOn(redis: RedisServer, clock: TestClock) {
    return cachedWithClock(axios.create({ baseURL: originUrl }), clock, {
      storage: redisStorage({ url: redis.url, namespace: `faults-${Date.now()}`, connectTimeout: 1000 }),
      storeTimeout: STORE_TIMEOUT,
    });
  }

  /** REQUESTS requests over URLS paths, CONCURRENCY at a time; `at(n)` runs after the n-th completes. */
  async function load(api: ReturnType<typeof cacheOn>, at: Record<number, () => Promise<void> | void>) {
    let next = 0;
    let done = 0;
    let failures = 0;
    const lane = async () => {
      while (next < REQUESTS) {
        const n = next++;
        try {
          const res = await api.get(`/r/${n % URLS}`);
          if (res.data !== `body of /r/${n % URLS}`) failures++;
        } catch {
          failures++;
        }
        done++;
        await at[done]?.();
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    return failures;
  }

  /** Moves the breaker's clock past its window until a probe finds Redis back (the client reconnects on real timers). */
  async function untilCachingResumes(api: ReturnType<typeof cacheOn>, clock: TestClock): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      clock.advance(60_000);
      await api.get(`/resume/${attempt}`);
      await api.cache.idle();
      if (api.cache.health().ok) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(api.cache.health().ok, 'the store answers again').to.equal(true);
    await api.get('/after');
    await api.cache.idle();
    expect((await api.get('/after')).cached, 'caching resumed').to.equal(true);
  }

  it(`SIGKILLed and restarted mid-load: ${REQUESTS} requests, 0 failures, at most ${CONCURRENCY} store time-outs waited (those in flight)`, async () => {
    const redis = new RedisServer(await freePort());
    await redis.start();
    const clock = new TestClock();
    const api = cacheOn(redis, clock);
    try {
      const failures = await load(api, {
        [Math.floor(REQUESTS / 3)]: () => redis.kill(),
        [Math.floor((2 * REQUESTS) / 3)]: () => redis.start(),
      });
      expect(failures).to.equal(0);
      expect(api.cache.health().timeouts).to.be.at.most(CONCURRENCY);
      expect(api.cache.stats().hits, 'the cache worked before the kill').to.be.greaterThan(0);
      await untilCachingResumes(api, clock);
    } finally {
      await api.cache.close();
      await redis.kill();
    }
  });

  it(`SIGSTOPped and resumed mid-load: ${REQUESTS} requests, 0 failures, at most ${CONCURRENCY} store time-outs waited (those in flight)`, async () => {
    const redis = new RedisServer(await freePort());
    await redis.start();
    const clock = new TestClock();
    const api = cacheOn(redis, clock);
    try {
      const failures = await load(api, {
        [Math.floor(REQUESTS / 3)]: () => redis.signal('SIGSTOP'),
      });
      expect(failures).to.equal(0);
      const health = api.cache.health();
      expect(health.state).to.equal('down');
      expect(health.lastError?.name).to.equal('StoreTimeoutError');
      // Without the breaker and the shared budget, each of the ~200 requests after the pause would
      // have waited a time-out for its entry read and another for its alias read.
      expect(health.timeouts).to.be.greaterThan(0);
      expect(health.timeouts).to.be.at.most(CONCURRENCY);
      redis.signal('SIGCONT');
      await untilCachingResumes(api, clock);
    } finally {
      redis.signal('SIGCONT');
      await api.cache.close();
      await redis.kill();
    }
  });

  it('created while Redis is down: 0 failures, one store time-out in all, and caching starts once Redis does', async () => {
    const redis = new RedisServer(await freePort());
    const clock = new TestClock();
    const api = cacheOn(redis, clock);
    try {
      for (let i = 0; i < 20; i++) expect((await api.get(`/down/${i % 5}`)).data).to.equal(`body of /down/${i % 5}`);
      await api.cache.idle();
      // Before: the first request waited three time-outs and the second one.
      expect(api.cache.health().timeouts).to.be.at.most(1);
      expect(api.cache.health().ok).to.equal(false);
      await redis.start();
      await untilCachingResumes(api, clock);
    } finally {
      await api.cache.close();
      await redis.kill();
    }
  });
});
