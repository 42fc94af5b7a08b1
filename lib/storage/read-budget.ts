import { elapsedClock as elapsedNow } from '../clock.js';
import { StoreTimeoutError } from '../errors.js';


/**
 * The store time one request may wait for, shared by all its reads (entry, alias, variant, the
 * Vary alias read while storing): `storeTimeout` in total, not per read. Once spent, further reads
 * of that request are skipped as misses without waiting again.
 */
export class ReadBudget {
  #remaining: number;

  constructor(
    timeoutMs: number,
    /** Called when a read used up the rest of the budget: the request waited one store time-out. */
    private readonly onTimeout: () => void,
  ) {
    this.#remaining = timeoutMs;
  }

  get spent(): boolean {
    return this.#remaining <= 0;
  }

  /** Races one read against what is left of the budget; the timer is unref'd so it never holds the process. */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.#remaining <= 0) return Promise.reject(new StoreTimeoutError('the request has already waited its storeTimeout'));
    const started = elapsedNow();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.#remaining = 0;
        this.onTimeout();
        reject(new StoreTimeoutError(`no answer within the request's storeTimeout`));
      }, this.#remaining);
      (timer as { unref?: () => void }).unref?.();
    });
    return Promise.race([promise, deadline]).finally(() => {
      clearTimeout(timer);
      if (this.#remaining > 0) this.#remaining = Math.max(0, this.#remaining - (elapsedNow() - started));
    });
  }
}
