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
  /** `fetching` until the shared request answers, then `landing` until its answer is stored. */
  phase: 'fetching' | 'landing';
  /** The answer, once landing. */
  value?: T;
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

/**
 * What a request that looked a key up sees of the flights of that key: the answer of a flight that
 * answered while it looked, or is still storing its answer. Such a request missed only because the
 * write had not landed yet: it answers from that flight's entry instead of fetching again.
 */
export interface FlightWatch<T> {
  landed(): T | undefined;
  /** Ends the watch (idempotent); must be called once the lookup is over. */
  release(): void;
}

export class SingleFlight<T> {
  private readonly flights = new Map<string, Flight<T>>();
  /** Incremented each time a flight finishes landing: orders landings against watches. */
  private seq = 0;
  /** The last landed answer of each watched key, with its landing's sequence number. */
  private readonly landedAnswers = new Map<string, { value: T; seq: number }>();
  private readonly watchers = new Map<string, number>();

  /**
   * @param landing what a flight's answer still has to do once its callers have it (store it):
   *   the flight stays known under its key until that settles, so a request that misses
   *   meanwhile finds it (see `watch`).
   */
  constructor(private readonly landing: (value: T) => Promise<unknown> | undefined = () => undefined) {}

  /** Number of flights under way (for tests: nothing is left behind). */
  get size(): number {
    return this.flights.size;
  }

  /** A flight of `key` is fetching or storing its answer. */
  has(key: string): boolean {
    return this.flights.has(key);
  }

  /**
   * Watches `key` for the duration of a lookup: `landed()` then gives the answer of a flight that
   * is still landing, or finished landing after the watch began (the lookup may have read the store
   * just before that flight's write). Landed answers are kept only while someone watches their key.
   */
  watch(key: string): FlightWatch<T> {
    const since = this.seq;
    this.watchers.set(key, (this.watchers.get(key) ?? 0) + 1);
    let released = false;
    return {
      landed: () => {
        const flight = this.flights.get(key);
        if (flight?.phase === 'landing') return flight.value;
        const landed = this.landedAnswers.get(key);
        return landed !== undefined && landed.seq > since ? landed.value : undefined;
      },
      release: () => {
        if (released) return;
        released = true;
        const left = (this.watchers.get(key) ?? 1) - 1;
        if (left > 0) {
          this.watchers.set(key, left);
        } else {
          this.watchers.delete(key);
          this.landedAnswers.delete(key);
        }
      },
    };
  }

  /**
   * Joins the flight of `key` that is still fetching, or starts one with `start`. `start`
   * receives the flight's own signal; the flight is forgotten once it failed, or once its answer
   * has landed (the `landing` promise settled).
   */
  run(key: string, start: (signal: AbortSignal | undefined) => Promise<T>, cancel?: CallerCancel): Promise<T> {
    let flight = this.flights.get(key);
    if (flight === undefined || flight.phase === 'landing') {
      // A flight started by a caller that cannot cancel can never be abandoned by everyone (that
      // caller stays), so it needs no signal; later callers that cancel simply leave it.
      const controller = cancellable(cancel) ? new AbortController() : undefined;
      const created: Flight<T> = { controller, callers: 0, phase: 'fetching', promise: undefined as unknown as Promise<T> };
      const forget = (): void => {
        if (this.flights.get(key) === created) this.flights.delete(key);
      };
      created.promise = (async () => start(controller?.signal))().then(
        (value) => {
          this.land(key, created, value, forget);
          return value;
        },
        (error: unknown) => {
          forget();
          throw error;
        },
      );
      this.flights.set(key, created);
      flight = created;
    }
    return this.join(key, flight, cancel);
  }

  private land(key: string, flight: Flight<T>, value: T, forget: () => void): void {
    let landing: Promise<unknown> | undefined;
    try {
      landing = this.landing(value);
    } catch {
      landing = undefined;
    }
    if (landing === undefined || this.flights.get(key) !== flight) return forget();
    flight.phase = 'landing';
    flight.value = value;
    const landed = (): void => {
      forget();
      if (this.watchers.has(key)) this.landedAnswers.set(key, { value, seq: ++this.seq });
      else this.seq++;
    };
    landing.then(landed, landed);
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
