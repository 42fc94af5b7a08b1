import { createDebugLogger } from './debug-log.js';
import { publishDiagnostic, diagnosticSubscribers } from './diagnostics.js';
import { type CacheEvent, type CacheEventInput, type CacheEventName, CACHE_EVENT_NAMES, describeEvent, isCacheEventName } from './events.js';
import { StatsCounter } from './stats.js';

export type { CacheEvent, CacheEventName } from './events.js';
export type { CacheStats } from './stats.js';

export type CacheEventListener = (event: CacheEvent) => void;

/** The `debug` package's logger of the `axios-stash` namespace (`DEBUG=axios-stash`). */
const debugLog = createDebugLogger();

/**
 * The single sink for what happens in the cache. Producers (adapter, persist, guarded store)
 * `emit` an event; the reporter hands it to its listeners: the stats counters (always), the
 * instance's `on()` listeners, `diagnostics_channel` subscribers, the `debug` package logger and
 * the `debug` option. The event object and its message are built only when someone besides the
 * counters reads it, so the hit path pays a counter increment when nobody listens.
 */
export class Reporter {
  readonly counter = new StatsCounter();
  readonly #listeners = new Map<CacheEventName, Set<CacheEventListener>>();

  constructor(private readonly log: ((event: CacheEvent) => void) | undefined) {}

  /** Counters of this instance (see StatsCounter). */
  get stats(): StatsCounter {
    return this.counter;
  }

  emit(input: CacheEventInput): void {
    const type = input.type;
    const public_ = isCacheEventName(type);
    if (public_) this.counter.record(input);
    const listeners = public_ ? this.#listeners.get(type) : undefined;
    const published = public_ && diagnosticSubscribers(type);
    const logged = debugLog.enabled;
    if (listeners === undefined && !published && !logged && this.log === undefined) return;
    const event = complete(input);
    if (listeners !== undefined) {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch {
          // A throwing listener must not fail a request.
        }
      }
    }
    if (published) publishDiagnostic(type, event);
    if (logged) debugLog(event.message);
    if (this.log !== undefined) {
      try {
        this.log(event);
      } catch {
        // A throwing logger must not fail a request either.
      }
    }
  }

  /** An event described by its producer with a ready message (kept for producers that build their own). */
  event(event: CacheEvent): void {
    this.emit(event);
  }

  /** True when something reads events beyond the counters, so callers can skip building details nobody reads. */
  get listening(): boolean {
    return this.#listeners.size > 0 || debugLog.enabled || this.log !== undefined || CACHE_EVENT_NAMES.some(diagnosticSubscribers);
  }

  error(operation: string, error: unknown, key?: string): void {
    this.emit({ type: 'error', operation, key, error });
  }

  on(name: CacheEventName, listener: CacheEventListener): void {
    let set = this.#listeners.get(name);
    if (set === undefined) this.#listeners.set(name, (set = new Set()));
    set.add(listener);
  }

  off(name: CacheEventName, listener: CacheEventListener): void {
    const set = this.#listeners.get(name);
    if (set === undefined) return;
    set.delete(listener);
    if (set.size === 0) this.#listeners.delete(name);
  }
}

function complete(input: CacheEventInput): CacheEvent {
  const reason = typeof input.reason === 'function' ? input.reason() : input.reason;
  const event = { ...input, reason } as CacheEvent;
  if (reason === undefined) delete event.reason;
  event.message = input.message ?? describeEvent(event);
  return event;
}
