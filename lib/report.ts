/** What happened inside the cache; passed to the `debug` logger. Owned by the reporter, its only producer. */
export interface CacheEvent {
  /** `store-down` / `store-up`: the circuit breaker changed state (once per change, not per request). */
  type: 'hit' | 'miss' | 'store' | 'skip' | 'revalidated' | 'stale' | 'invalidate' | 'error' | 'store-down' | 'store-up';
  key?: string;
  url?: string;
  /** For `error`: which store operation failed. */
  operation?: string;
  error?: unknown;
  message: string;
}


/** Counters of one cache instance, as returned by `api.cache.stats()`. */
export interface CacheStats {
  /** Requests answered from the cache (fresh, stale or revalidated with a 304). */
  hits: number;
  /** Cacheable requests that went to the network for a full response. */
  misses: number;
  /** Entries written to the store. */
  stored: number;
  /** Store operations that failed, timed out or returned something unreadable. */
  errors: number;
}

/** The single sink for what happens in the cache: counters plus the optional debug logger. */
export class Reporter {
  readonly stats: CacheStats = { hits: 0, misses: 0, stored: 0, errors: 0 };

  constructor(private readonly log: ((event: CacheEvent) => void) | undefined) {}

  event(event: CacheEvent): void {
    if (this.log === undefined) return;
    try {
      this.log(event);
    } catch {
      // A throwing logger must not fail a request either.
    }
  }

  /** True when a logger listens, so callers can skip building messages nobody reads. */
  get listening(): boolean {
    return this.log !== undefined;
  }

  error(operation: string, error: unknown, key?: string): void {
    this.stats.errors++;
    this.event({ type: 'error', operation, key, error, message: `store ${operation} failed${key ? ` for ${key}` : ''}: ${errorMessage(error)}` });
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
