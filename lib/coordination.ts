/**
 * Cross-process single-flight: processes sharing one store fetch a missing (or to-be-revalidated)
 * entry once between them. It runs inside the in-process flight (lib/single-flight.ts), so each
 * process takes part once per key, however many of its callers wait.
 *
 * One process takes the key's lease in the store (`acquireLease`, e.g. Redis `SET NX PX`), renews
 * it while its request runs, and fetches; the others wait for the entry to appear, woken by the
 * store's release notification (`onLeaseReleased`, Redis pub/sub) or by polling `leaseHeld`, up to
 * the store's `coordinateTimeout` (default: the request's own `timeout`, capped at 5 s), then
 * fetch themselves. So:
 * - a holder that crashes blocks nobody for long: its lease expires (LEASE_MS) and a waiter takes
 *   over, still within the waiters' deadline;
 * - a response that is not stored releases the lease at once, saying so, and the waiters fetch for
 *   themselves instead of waiting for an entry that will never appear;
 * - a waiter's own cancellation leaves the in-process flight as before; the wait itself ends only
 *   when every caller of this process has left (the flight's signal);
 * - a store that fails or is slow (each call bounded by `storeTimeout`, reported) means "fetch".
 *
 * Waiting happens on real timers (other processes do not follow an injected clock); HTTP
 * decisions about what was found still use the cache's clock.
 */
import { elapsedClock, systemClock } from './clock.js';
import type { CacheContext } from './context.js';
import type { FetchOutcome } from './fetch-outcome.js';
import { lookup, type StoredEntry } from './lookup.js';
import { track } from './persist.js';
import { evaluate, varyNames } from './policy/index.js';
import { type CacheRequest, selectingFor } from './request.js';
import type { CacheStore } from './storage/contract.js';
import { StoreTimeoutError } from './errors.js';

/** How long a lease lives without renewal: the longest a crashed holder delays the others. */
export const LEASE_MS = 1000;
/** Renewed this often while the holder's request runs (three chances before it would expire). */
const RENEW_MS = 300;
/** Waiters check the lease this often, in case a release notification was missed. */
const POLL_MS = 50;
/** The default wait is the request's own timeout, but never more than this. */
const MAX_DEFAULT_WAIT_MS = 5000;

type LeasingStore = CacheStore & Required<Pick<CacheStore, 'acquireLease' | 'renewLease' | 'releaseLease'>>;

function leasing(store: CacheStore): store is LeasingStore {
  return typeof store.acquireLease === 'function' && typeof store.renewLease === 'function' && typeof store.releaseLease === 'function';
}

/**
 * Runs `fetch` once across the processes sharing the store (see above). Resolves the fetch's own
 * outcome in the process that held the lease, `shared` in the others when the entry appeared.
 */
export async function coordinatedFetch(
  ctx: CacheContext,
  request: CacheRequest,
  signal: AbortSignal | undefined,
  fetch: () => Promise<FetchOutcome>,
): Promise<FetchOutcome> {
  const store = ctx.options.storage;
  // reload / no-cache callers asked for the origin's own answer, not another process's.
  if (!leasing(store) || request.settings.mode === 'reload' || request.settings.mode === 'no-cache') return fetch();
  const deadline = elapsedClock() + waitLimit(store, request);
  const token = `${(globalThis as { process?: { pid?: number } }).process?.pid ?? 0}:${Math.random().toString(36).slice(2)}${systemClock().toString(36)}`;
  while (true) {
    const acquired = await bounded(ctx, 'acquireLease', request.key, () => store.acquireLease(request.key, token, LEASE_MS));
    // A store that cannot take leases now: fetch, as without coordination (the failure is reported).
    if (acquired === FAILED) return fetch();
    if (acquired) return lead(ctx, store, request.key, token, fetch);
    const woken = await waitForRelease(ctx, store, request.key, deadline, signal);
    if (woken === 'aborted') throw new Error('axios-stash: every caller left the coordinated request');
    if (woken === 'timeout' || woken === 'not-stored') return fetch();
    const shared = await sharedEntry(ctx, request);
    if (shared !== undefined) return { kind: 'shared', stored: shared };
    // Released (or expired) without a usable entry: take the lease ourselves, within the deadline.
    if (elapsedClock() >= deadline) return fetch();
  }
}

function waitLimit(store: CacheStore, request: CacheRequest): number {
  if (store.coordinateTimeout !== undefined) return store.coordinateTimeout;
  const timeout = request.config.timeout;
  return typeof timeout === 'number' && timeout > 0 ? Math.min(timeout, MAX_DEFAULT_WAIT_MS) : MAX_DEFAULT_WAIT_MS;
}

/** Holds the lease while `fetch` runs, then releases it, telling the waiters whether an entry was written. */
async function lead(ctx: CacheContext, store: LeasingStore, key: string, token: string, fetch: () => Promise<FetchOutcome>): Promise<FetchOutcome> {
  const renewal = setInterval(() => {
    void bounded(ctx, 'renewLease', key, () => store.renewLease(key, token, LEASE_MS));
  }, RENEW_MS);
  renewal.unref?.();
  let outcome: FetchOutcome | undefined;
  try {
    outcome = await fetch();
    return outcome;
  } finally {
    clearInterval(renewal);
    // Writes land after the response (lib/persist.ts): the lease is released once they have, so
    // the waiters it wakes find the entry; this process's callers do not wait for it.
    const written = outcome !== undefined && 'written' in outcome ? outcome.written : undefined;
    track(ctx, async () => {
      const stored = written === undefined ? false : await written;
      return (await bounded(ctx, 'releaseLease', key, () => store.releaseLease(key, token, stored))) !== FAILED;
    });
  }
}

/** A fresh entry for this request, as another process stored it (found as the adapter finds one). */
async function sharedEntry(ctx: CacheContext, request: CacheRequest): Promise<StoredEntry | undefined> {
  const found = await lookup(ctx.store.reads(), request, ctx.options.credentialSalt);
  if (found === undefined) return undefined;
  const selecting = await selectingFor(request, varyNames(found.entry.headers), ctx.options.credentialSalt);
  return evaluate(found.entry, selecting.policy, selecting.settings, ctx.now()).kind === 'fresh' ? found : undefined;
}

type Woken = 'stored' | 'not-stored' | 'free' | 'timeout' | 'aborted';

/** Waits for the lease of `key` to be released (notification) or gone (poll), the deadline, or the abort. */
function waitForRelease(ctx: CacheContext, store: LeasingStore, key: string, deadline: number, signal: AbortSignal | undefined): Promise<Woken> {
  if (signal?.aborted) return Promise.resolve('aborted');
  const remaining = deadline - elapsedClock();
  if (remaining <= 0) return Promise.resolve('timeout');
  return new Promise<Woken>((resolve) => {
    let done = false;
    const finish = (woken: Woken): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(poller);
      unsubscribe();
      signal?.removeEventListener('abort', onAbort);
      resolve(woken);
    };
    const onAbort = (): void => finish('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish('timeout'), remaining);
    const unsubscribe = releases(store).listen(key, (stored) => finish(stored ? 'stored' : 'not-stored'));
    let poller: ReturnType<typeof setTimeout> | undefined;
    const poll = (): void => {
      poller = setTimeout(async () => {
        if (done) return;
        if (typeof store.leaseHeld === 'function') {
          // A failed check (reported) keeps waiting: the deadline still bounds the wait.
          const held = await bounded(ctx, 'leaseHeld', key, () => store.leaseHeld!(key));
          if (held === false) return finish('free');
        }
        if (!done) poll();
      }, POLL_MS);
    };
    poll();
  });
}

/** One subscription per store, shared by every waiter of this process. */
class Releases {
  readonly #waiters = new Map<string, Set<(stored: boolean) => void>>();
  #subscribing: Promise<unknown> | undefined;

  constructor(private readonly store: CacheStore) {}

  listen(key: string, listener: (stored: boolean) => void): () => void {
    this.#subscribing ??= this.#subscribe();
    let set = this.#waiters.get(key);
    if (set === undefined) this.#waiters.set(key, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#waiters.get(key) === set) this.#waiters.delete(key);
    };
  }

  async #subscribe(): Promise<unknown> {
    if (typeof this.store.onLeaseReleased !== 'function') return undefined;
    try {
      return await this.store.onLeaseReleased((key, stored) => {
        for (const listener of [...(this.#waiters.get(key) ?? [])]) listener(stored);
      });
    } catch {
      // No notifications (a store that cannot subscribe now): waiters poll instead. Try again later.
      this.#subscribing = undefined;
      return undefined;
    }
  }
}

const releasesOf = new WeakMap<CacheStore, Releases>();
function releases(store: CacheStore): Releases {
  let r = releasesOf.get(store);
  if (r === undefined) releasesOf.set(store, (r = new Releases(store)));
  return r;
}

/** What `bounded` resolves when the store call failed or timed out (reported). */
const FAILED = Symbol('failed');

/** A store call bounded by `storeTimeout`; a failure is reported and resolves FAILED. */
async function bounded<T>(ctx: CacheContext, operation: string, key: string, call: () => Promise<T>): Promise<T | typeof FAILED> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(`no answer within ${ctx.options.storeTimeout} ms`)), ctx.options.storeTimeout);
      timer.unref?.();
    });
    return await Promise.race([call(), deadline]);
  } catch (error) {
    ctx.reporter.error(operation, error, key);
    return FAILED;
  } finally {
    clearTimeout(timer);
  }
}
