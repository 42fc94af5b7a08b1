import type { Clock } from '../clock.js';

/** What `api.cache.health()` reports about the store. */
export interface StoreHealth {
  /**
   * `up`: the store answers (or has not been asked yet). `down`: it failed, and requests go
   * straight to the network until the back-off window ends. `probing`: the window ended and one
   * store call is checking whether the store is back.
   */
  state: 'up' | 'down' | 'probing';
  /** False while the store is down or being probed. */
  ok: boolean;
  /** The last error a store call met (a time-out, a rejection), if any. */
  lastError: Error | undefined;
  /** When (ms since the epoch, the cache's clock) that error happened. */
  lastErrorAt: number | undefined;
  /** When the store last went down or came back (undefined: never changed). */
  since: number | undefined;
  /** Until when requests skip the store (while `down`). */
  retryAt: number | undefined;
  /**
   * Store time-outs requests have waited for: at most one per request (one deadline is shared by
   * all the reads of a request; writes never delay a response), and none while the store is down.
   */
  timeouts: number;
}

/** A state change, reported once (not per request). */
export type BreakerTransition = { to: 'down'; error: Error } | { to: 'up' };

/** The first back-off after a failure; it doubles on each failed probe, up to MAX_BACKOFF_MS. */
export const FIRST_BACKOFF_MS = 1_000;
export const MAX_BACKOFF_MS = 30_000;

/**
 * The circuit breaker around one store. After a failure (a time-out or a rejection, not an
 * unreadable value: that store answered), store calls are skipped for a back-off window, so every
 * request goes straight to the network instead of waiting for a store that is down. When the
 * window ends, one call is let through as a probe: its success closes the breaker (caching resumes
 * by itself), its failure doubles the window. Calls made while the probe runs are skipped.
 *
 * Time is the cache's clock, so specs move the window with the injected clock.
 */
export class CircuitBreaker {
  #state: 'up' | 'down' | 'probing' = 'up';
  #backoff = FIRST_BACKOFF_MS;
  #retryAt = 0;
  #lastError: Error | undefined;
  #lastErrorAt: number | undefined;
  #since: number | undefined;
  #timeouts = 0;

  constructor(
    private readonly now: Clock,
    private readonly onTransition: (change: BreakerTransition) => void,
  ) {}

  /**
   * Whether a store call may run now. True while up; while down, false until the window ends, then
   * true exactly once (the probe). `probe` receives true for that one call.
   */
  allows(): 'call' | 'probe' | false {
    if (this.#state === 'up') return 'call';
    if (this.#state === 'probing') return false;
    if (this.now() < this.#retryAt) return false;
    this.#state = 'probing';
    return 'probe';
  }

  /** A store call answered. Closes the breaker after a probe (or after any call that was in flight when it opened). */
  succeeded(): void {
    if (this.#state === 'up') return;
    this.#state = 'up';
    this.#backoff = FIRST_BACKOFF_MS;
    this.#since = this.now();
    this.onTransition({ to: 'up' });
  }

  /**
   * A store call failed. Opens the breaker (once), or widens the window after a failed probe.
   * `slowOnly`: it timed out while other calls of the same store answered meanwhile, so the store
   * is up but slow (load): that does not open the breaker, which would send every request to the
   * origin and multiply its traffic; only the request that timed out went without the store.
   */
  failed(error: Error, probe: boolean, slowOnly = false): void {
    const now = this.now();
    this.#lastError = error;
    this.#lastErrorAt = now;
    if (slowOnly && !probe) return;
    if (this.#state === 'up') {
      this.#state = 'down';
      this.#since = now;
      this.#retryAt = now + this.#backoff;
      this.onTransition({ to: 'down', error });
    } else if (probe) {
      this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
      this.#state = 'down';
      this.#retryAt = now + this.#backoff;
    }
    // A call that was already under way when the breaker opened changes nothing.
  }

  /** A request waited a whole store time-out. */
  timedOut(): void {
    this.#timeouts++;
  }

  health(): StoreHealth {
    return {
      state: this.#state,
      ok: this.#state === 'up',
      lastError: this.#lastError,
      lastErrorAt: this.#lastErrorAt,
      since: this.#since,
      retryAt: this.#state === 'down' ? this.#retryAt : undefined,
      timeouts: this.#timeouts,
    };
  }
}
