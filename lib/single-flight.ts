/**
 * In-process single-flight: concurrent identical requests on a miss share one network request.
 * The state lives only in this process's memory and is never written to the store (a `loading`
 * marker in a shared store does not survive several processes, and strands waiters when its
 * writer dies).
 *
 * The shared request runs under a signal of its own, not the first caller's: a caller that
 * cancels leaves the flight, and the flight is aborted only when every caller has left. So a
 * leader cancelled by its own signal never fails the others.
 */
interface Flight<T> {
  promise: Promise<T>;
  /** Only when the first caller can cancel: an AbortSignal costs tens of µs in Node's http stack. */
  controller: AbortController | undefined;
  callers: number;
}

/** Cancellation of one caller: a signal and/or a subscribe function (axios' CancelToken). */
export interface CallerCancel {
  signal?: AbortSignal | { aborted: boolean; addEventListener?: unknown; removeEventListener?: unknown };
  subscribe?: (listener: (reason: unknown) => void) => () => void;
  /** The error this caller rejects with when it cancels. */
  error: (reason: unknown) => unknown;
}

function cancellable(cancel: CallerCancel | undefined): cancel is CallerCancel {
  return cancel !== undefined && (cancel.signal !== undefined || cancel.subscribe !== undefined);
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();

  /** Number of flights under way (for tests: nothing is left behind). */
  get size(): number {
    return this.flights.size;
  }

  has(key: string): boolean {
    return this.flights.has(key);
  }

  /**
   * Joins the flight of `key`, or starts one with `start`. `start` receives the flight's own
   * signal; the flight is forgotten once it settles, whatever the outcome.
   */
  run(key: string, start: (signal: AbortSignal | undefined) => Promise<T>, cancel?: CallerCancel): Promise<T> {
    let flight = this.flights.get(key);
    if (flight === undefined) {
      // A flight started by a caller that cannot cancel can never be abandoned by everyone (that
      // caller stays), so it needs no signal; later callers that cancel simply leave it.
      const controller = cancellable(cancel) ? new AbortController() : undefined;
      const created: Flight<T> = { controller, callers: 0, promise: undefined as unknown as Promise<T> };
      created.promise = (async () => start(controller?.signal))().finally(() => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      });
      this.flights.set(key, created);
      flight = created;
    }
    return this.join(key, flight, cancel);
  }

  private join(key: string, flight: Flight<T>, cancel: CallerCancel | undefined): Promise<T> {
    flight.callers++;
    const leave = () => {
      flight.callers--;
      if (flight.callers === 0) {
        // Everyone left: abort, and forget it now so a new caller starts afresh instead of
        // joining a flight that is about to fail with an abort.
        if (this.flights.get(key) === flight) this.flights.delete(key);
        flight.controller?.abort();
        flight.promise.catch(() => {});
      }
    };
    if (!cancellable(cancel)) return flight.promise;
    const signal = cancel.signal as AbortSignal | undefined;
    if (signal?.aborted) {
      leave();
      return Promise.reject(cancel.error(signal.reason));
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const onCancel = (reason: unknown) => {
        if (settled) return;
        settled = true;
        cleanup();
        leave();
        reject(cancel.error(reason));
      };
      const onAbort = () => onCancel(signal?.reason);
      const unsubscribe = cancel.subscribe?.(onCancel);
      if (typeof signal?.addEventListener === 'function') signal.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        unsubscribe?.();
        if (typeof signal?.removeEventListener === 'function') signal.removeEventListener('abort', onAbort);
      };
      flight.promise.then(
        (value) => {
          if (settled) return;
          settled = true;
          cleanup();
          flight.callers--;
          resolve(value);
        },
        (error) => {
          if (settled) return;
          settled = true;
          cleanup();
          flight.callers--;
          reject(error);
        },
      );
    });
  }
}
