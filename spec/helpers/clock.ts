import axios, { type AxiosInstance } from 'axios';
import type { CacheOptions } from '../../lib/index.js';
import { attachCache } from '../../lib/setup.js';

/**
 * A clock the spec moves by hand. It starts at the wall clock's now, so stores that expire by
 * their own (real) timers still hold what the cache wrote, and only moves forward when told.
 */
export class TestClock {
  t = Date.now();
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
  /** An IMF-fixdate (HTTP-date) of this clock's now plus `offsetMs`: origin `Date`, `Expires`, `Last-Modified`. */
  httpDate(offsetMs = 0): string {
    return new Date(this.t + offsetMs).toUTCString();
  }
}

/** setupCache with an injected clock: `const api = cachedWithClock(axios.create({ baseURL }), clock, options)`. */
export function cachedWithClock<T extends AxiosInstance>(instance: T, clock: TestClock, options: CacheOptions = {}) {
  return attachCache(instance, options, { now: clock.now });
}

export const newInstance = (baseURL: string) => axios.create({ baseURL });
