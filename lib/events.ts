/**
 * The cache's events: what `api.cache.on(event, listener)` receives, what is published on Node's
 * `diagnostics_channel` as `axios-stash:<event>`, and what the `debug` logger prints. Decisions
 * become events, and everything that counts or logs them (stats, metrics, debug) is a listener
 * (lib/report.ts), not code spread through the adapter.
 */

/** The events of `api.cache.on()`, and of `diagnostics_channel` as `axios-stash:<name>`. */
export const CACHE_EVENT_NAMES = ['hit', 'miss', 'stale', 'revalidated', 'store', 'evict', 'invalidate', 'error'] as const;
export type CacheEventName = (typeof CACHE_EVENT_NAMES)[number];
/** Events only the `debug` loggers see. */
export type DebugOnlyEventName = 'skip' | 'store-down' | 'store-up';

export function isCacheEventName(type: string): type is CacheEventName {
  return (CACHE_EVENT_NAMES as readonly string[]).includes(type);
}

/**
 * One thing that happened in the cache.
 * - `hit`: answered by a fresh entry; `stale`: answered by an entry past its freshness
 *   (stale-while-revalidate, stale-if-error, max-stale, force-cache); `revalidated`: the origin
 *   answered 304 and the entry was served;
 * - `miss`: a cacheable request answered by the network (`coalesced`: by another caller's flight);
 * - `store`: an entry written; `evict`: an entry dropped by a store's size limit;
 * - `invalidate`: entries removed by an unsafe request (RFC 9111 §4.4) or by `api.cache.delete()`;
 * - `error`: a store call failed, timed out or returned something unreadable.
 * `skip` (a response not stored, with the reason), `store-down` and `store-up` (the circuit
 * breaker changed state, once per change) reach only the `debug` loggers.
 */
export interface CacheEvent {
  type: CacheEventName | DebugOnlyEventName;
  key?: string | undefined;
  url?: string | undefined;
  method?: string | undefined;
  status?: number | undefined;
  /** Body bytes served (hit, stale, revalidated), received (miss) or written (store, evict). */
  bytes?: number | undefined;
  /** ms from the request entering the cache to its answer (hit, stale, revalidated, miss). */
  duration?: number | undefined;
  /** `miss` only: true when another caller's request to the origin answered this one. */
  coalesced?: boolean | undefined;
  /** `error`: which store operation failed. */
  operation?: string | undefined;
  error?: unknown;
  /** Why, in words: `fresh for 42 s more`, `stale, revalidating`, `not stored: no-store`. */
  reason?: string | undefined;
  /** One line for logs: `hit GET https://api.example.com/users (fresh for 42 s more)`. */
  message: string;
}

/** An event as its producer describes it; the reporter adds `message` when someone reads it. */
export type CacheEventInput = Omit<CacheEvent, 'message' | 'reason'> & {
  reason?: string | (() => string) | undefined;
  /** A ready log line (otherwise built from the fields by describeEvent). */
  message?: string | undefined;
};

/** The log line of an event. */
export function describeEvent(event: Omit<CacheEvent, 'message'>): string {
  if (event.type === 'error' && event.reason === undefined && event.operation !== undefined) {
    const error = event.error instanceof Error ? event.error.message : String(event.error);
    return `store ${event.operation} failed${event.key ? ` for ${event.key}` : ''}: ${error}`;
  }
  const what = [event.type, event.method, event.url ?? event.key].filter((part) => part !== undefined).join(' ');
  const details: string[] = [];
  if (event.status !== undefined && event.type !== 'skip') details.push(String(event.status));
  if (event.reason !== undefined) details.push(event.reason);
  if (event.duration !== undefined) details.push(`${round(event.duration)} ms`);
  return details.length > 0 ? `${what} (${details.join('; ')})` : what;
}

/** `fresh for 42 s more`: how long an entry stays fresh, in words. */
export function freshFor(expiresAt: number, now: number): string {
  if (expiresAt === Infinity) return 'fresh for ever';
  return `fresh for ${Math.max(0, Math.round((expiresAt - now) / 1000))} s more`;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;
