import axios, { type AxiosInstance } from 'axios';
import { createCacheAdapter } from './adapter.js';
import { type Clock, systemClock } from './clock.js';
import type { CacheContext } from './context.js';
import { AxiosStashError } from './errors.js';
import type { FetchOutcome } from './fetch-outcome.js';
import { type CacheManager, createCacheManager } from './manager.js';
import type { CacheOptions } from './options.js';
import { Reporter } from './report.js';
import { resolveOptions } from './settings.js';
import { signedStore } from './signing.js';
import { SingleFlight } from './single-flight.js';
import { CircuitBreaker } from './storage/circuit-breaker.js';
import { GuardedStore } from './storage/guarded-store.js';
import { storeHealthReporter } from './storage/store-health-report.js';
import { memoryStorage } from './storage/memory.js';

/** An axios instance with a cache attached. */
export type CachedAxiosInstance<T extends AxiosInstance = AxiosInstance> = T & { readonly cache: CacheManager };

const INSTALLED = Symbol.for('axios-stash.installed');

/**
 * Attaches a cache to an axios instance and returns the same instance, with `instance.cache`.
 * Options are validated here, once: a bad option throws a CacheOptionsError naming it.
 */
export function setupCache<T extends AxiosInstance>(instance: T, options: CacheOptions = {}): CachedAxiosInstance<T> {
  return attachCache(instance, options, {});
}

/** What specs may replace and users may not: not part of the public options. */
export interface InternalSeams {
  /** The cache's clock (lib/clock.ts); specs move time with it instead of sleeping. */
  now?: Clock;
}

/** setupCache with internal seams; not exported from the package. */
export function attachCache<T extends AxiosInstance>(instance: T, options: CacheOptions, seams: InternalSeams): CachedAxiosInstance<T> {
  if (typeof instance !== 'function' || typeof (instance as { defaults?: unknown }).defaults !== 'object') {
    throw new AxiosStashError('axios-stash: setupCache(instance) needs an axios instance, such as axios.create()');
  }
  if ((instance as unknown as Record<symbol, unknown>)[INSTALLED]) {
    throw new AxiosStashError(
      'axios-stash: setupCache was already called on this axios instance; call it once per instance (use axios.create() for a second cache)',
    );
  }
  const resolved = resolveOptions(options, () => memoryStorage());
  const reporter = new Reporter(resolved.log);
  const now = seams.now ?? systemClock;
  const breaker = new CircuitBreaker(now, storeHealthReporter(reporter));
  // The user's store object is never written to: two instances sharing one store each count only
  // what their own calls met (unreadable values included: the store rejects, the guard reports).
  const ctx: CacheContext = {
    options: resolved,
    reporter,
    store: new GuardedStore(resolved.secrets ? signedStore(resolved.storage, resolved.secrets) : resolved.storage, resolved.storeTimeout, reporter, breaker),
    breaker,
    // A flight stays known until its answer is stored: a request that misses meanwhile uses it.
    flights: new SingleFlight<FetchOutcome>((outcome) => ('written' in outcome ? outcome.written : undefined)),
    // The adapter axios would have used: the instance's own choice, else axios' default list.
    networkAdapter: axios.getAdapter(instance.defaults.adapter ?? axios.defaults.adapter),
    background: new Set(),
    writes: new Set(),
    now,
  };
  instance.defaults.adapter = createCacheAdapter(ctx);
  Object.defineProperty(instance, INSTALLED, { value: true });
  // The manager reads the instance's defaults when it answers (baseURL, transformResponse), not a copy.
  const defaults = instance.defaults;
  const manager = createCacheManager(ctx, {
    get baseURL() {
      return defaults.baseURL;
    },
    get transformResponse() {
      return defaults.transformResponse;
    },
  });
  Object.defineProperty(instance, 'cache', { value: manager, enumerable: true });
  return instance as CachedAxiosInstance<T>;
}
