import type { AxiosAdapter } from 'axios';
import type { Clock } from './clock.js';
import type { FetchOutcome } from './fetch-outcome.js';
import type { Reporter } from './report.js';
import type { ResolvedOptions } from './settings.js';
import type { SingleFlight } from './single-flight.js';
import type { CircuitBreaker } from './storage/circuit-breaker.js';
import type { GuardedStore } from './storage/guarded-store.js';

/** Everything one cached axios instance shares between its adapter and its manager. */
export interface CacheContext {
  readonly options: ResolvedOptions;
  readonly store: GuardedStore;
  /** The store's circuit breaker (inside the guard); read by `api.cache.health()`. */
  readonly breaker: CircuitBreaker;
  readonly reporter: Reporter;
  readonly flights: SingleFlight<FetchOutcome>;
  /** The adapter axios would have used without the cache (http, fetch or xhr). */
  readonly networkAdapter: AxiosAdapter;
  /** Background refreshes (stale-while-revalidate) under way, so tests and shutdown can await them. */
  readonly background: Set<Promise<unknown>>;
  /** Store writes under way (they run after the response: lib/persist.ts `track`). */
  readonly writes: Set<Promise<unknown>>;
  /** The one clock: read once per request, passed down as `now`. */
  readonly now: Clock;
}
