import { type AliasRecord, isAliasRecord } from '../alias.js';
import { elapsedClock } from '../clock.js';
import type { CacheEntry } from '../entry.js';
import { StoreTimeoutError, UnreadableValueError, WriteRefusedError } from '../errors.js';
import type { Reporter } from '../report.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import type { CacheStore, ListedEntry } from './contract.js';
import { ReadBudget } from './read-budget.js';

/**
 * prune() walks a whole store: a million SQLite rows take longer than a request's `storeTimeout`,
 * so it gets a deadline of its own. It still bounds a store that never answers.
 */
const BULK_TIMEOUT_MS = 10 * 60_000;
/** One step of a listing (a page of rows, a SCAN batch): longer than a request's storeTimeout, still bounded. */
const BULK_STEP_TIMEOUT_MS = 60_000;

/** The reads of one request: they share one `storeTimeout` budget (lib/storage/read-budget.ts). */
export interface StoreReads {
  get(key: string): Promise<CacheEntry | undefined>;
  getAlias(key: string): Promise<AliasRecord | undefined>;
}

/** Whether a call is the cache's own (skipped while the store is down) or the user's (always tried). */
type Caller = 'cache' | 'manager';

/**
 * Every store call of the adapter and the manager goes through here:
 * - a time-out (store clients hang when their server is down): the reads of one request share one
 *   `storeTimeout` budget; each write has its own, and writes run after the response (lib/persist.ts);
 * - the circuit breaker (lib/storage/circuit-breaker.ts): after a time-out or a rejection the
 *   cache's own calls are skipped (a miss, an unconfirmed write) until a probe finds the store back.
 *   The manager's calls (`api.cache.*`) are always tried, and their outcome counts too;
 * - catch-and-report: a store that is down, slow or returns garbage degrades to the network and is
 *   counted in `stats().errors`, never thrown. An unreadable stored value (the store rejects with
 *   UnreadableValueError, or hands back something that is not an entry) is counted and reported by
 *   the instance that read it, but it does not open the breaker: that store answered.
 */
export class GuardedStore {
  readonly #unwatch: (() => void) | undefined;
  /** When (monotonic ms) a call of this store last answered: tells a slow store from a down one. */
  #lastAnswer = -Infinity;

  constructor(
    private readonly store: CacheStore,
    private readonly timeout: number,
    private readonly reporter: Reporter,
    private readonly breaker: CircuitBreaker,
  ) {
    // Evictions happen inside the store (a size limit); they reach this instance's events here.
    try {
      this.#unwatch = store.watchEvictions?.((eviction) => reporter.emit({ type: 'evict', key: eviction.key, bytes: eviction.bytes, reason: 'size limit' }));
    } catch (error) {
      reporter.error('watchEvictions', error);
    }
  }

  /** A request's reads, under one shared budget. In-process stores (memory) need no timer. */
  reads(): StoreReads {
    const budget = this.store.inProcess === true ? undefined : new ReadBudget(this.timeout, () => this.breaker.timedOut());
    return {
      get: (key) => this.readEntry(key, 'cache', budget),
      getAlias: (key) => this.readAlias(key, 'cache', budget),
    };
  }

  /** The manager's read (`api.cache.get`): always tried, with a time-out of its own. */
  get(key: string): Promise<CacheEntry | undefined> {
    return this.readEntry(key, 'manager', undefined);
  }

  /** The manager's alias read (`api.cache.get(url)` follows redirects and Vary): always tried. */
  getAlias(key: string): Promise<AliasRecord | undefined> {
    return this.readAlias(key, 'manager', undefined);
  }

  /** Resolves true only when the store confirmed the write (false, without trying, while the store is down). */
  set(key: string, entry: CacheEntry, lifetimeMs: number): Promise<boolean> {
    return this.attempt('set', key, 'cache', () => this.store.set(key, entry, lifetimeMs));
  }

  delete(key: string, caller: Caller = 'cache'): Promise<boolean> {
    return this.attempt('delete', key, caller, () => this.store.delete(key));
  }

  setAlias(key: string, alias: AliasRecord, lifetimeMs: number): Promise<boolean> {
    return this.attempt('setAlias', key, 'cache', () => this.store.setAlias(key, alias, lifetimeMs));
  }

  deleteAlias(key: string, caller: Caller = 'cache'): Promise<boolean> {
    return this.attempt('deleteAlias', key, caller, () => this.store.deleteAlias(key));
  }

  clear(): Promise<boolean> {
    return this.attempt('clear', undefined, 'manager', () => this.store.clear());
  }

  /** Resolves how many values went; 0 when the store cannot prune or failed (reported). */
  async prune(): Promise<number> {
    if (this.store.prune === undefined) return 0;
    const outcome = await this.call('prune', undefined, 'manager', () => this.store.prune!(), (p) => this.race(p, BULK_TIMEOUT_MS));
    return outcome.ok ? (outcome.value ?? 0) : 0;
  }

  async close(): Promise<void> {
    this.#unwatch?.();
    if (this.store.close === undefined) return;
    await this.attempt('close', undefined, 'manager', () => this.store.close!());
  }

  /** The store's keys; each step is bounded by the time-out, and a failure ends the listing (reported). */
  async *keys(): AsyncIterableIterator<string> {
    let iterator: AsyncIterator<string>;
    try {
      iterator = this.store.keys()[Symbol.asyncIterator]();
    } catch (error) {
      this.failed('keys', error, undefined, false);
      return;
    }
    while (true) {
      const step = await this.call('keys', undefined, 'manager', () => iterator.next(), (p) => this.race(p));
      if (!step.ok || step.value.done) return;
      yield step.value.value;
    }
  }

  /** True when the store lists entries with their metadata itself (CacheStore.list). */
  get canList(): boolean {
    return typeof this.store.list === 'function';
  }

  /** True when the store keeps a tag index (CacheStore.listTagged). */
  get hasTagIndex(): boolean {
    return typeof this.store.listTagged === 'function';
  }

  /** The store's listing (CacheStore.list); each step is bounded by the bulk step time-out, a failure ends it (reported). */
  list(): AsyncIterableIterator<ListedEntry> {
    return this.#iterate('list', () => this.store.list!());
  }

  /** Entries with a tag, from the store's tag index (CacheStore.listTagged); a failure ends the listing (reported). */
  listTagged(tag: string): AsyncIterableIterator<ListedEntry> {
    return this.#iterate('listTagged', () => this.store.listTagged!(tag));
  }

  async *#iterate<T>(operation: string, open: () => AsyncIterable<T>): AsyncIterableIterator<T> {
    let iterator: AsyncIterator<T>;
    try {
      iterator = open()[Symbol.asyncIterator]();
    } catch (error) {
      this.failed(operation, error, undefined, false);
      return;
    }
    while (true) {
      // A step may read a page of a large table: the bulk step deadline, not a request's.
      const step = await this.call(operation, undefined, 'manager', () => iterator.next(), (p) => this.race(p, BULK_STEP_TIMEOUT_MS));
      if (!step.ok || step.value.done) return;
      yield step.value.value;
    }
  }

  private async readEntry(key: string, caller: Caller, budget: ReadBudget | undefined): Promise<CacheEntry | undefined> {
    const outcome = await this.call('get', key, caller, () => this.store.get(key), (p) => (budget ? budget.race(p) : this.race(p)), budget);
    if (!outcome.ok || outcome.value === undefined || outcome.value === null) return undefined;
    if (isEntry(outcome.value)) return outcome.value;
    this.reporter.error('get', new Error('the store returned a value that is not a cache entry'), key);
    return undefined;
  }

  private async readAlias(key: string, caller: Caller, budget: ReadBudget | undefined): Promise<AliasRecord | undefined> {
    const outcome = await this.call('getAlias', key, caller, () => this.store.getAlias(key), (p) => (budget ? budget.race(p) : this.race(p)), budget);
    if (!outcome.ok || outcome.value === undefined || outcome.value === null) return undefined;
    if (isAliasRecord(outcome.value)) return outcome.value;
    this.reporter.error('getAlias', new Error('the store returned a value that is not an alias record'), key);
    return undefined;
  }

  private async attempt(operation: string, key: string | undefined, caller: Caller, call: () => Promise<void>): Promise<boolean> {
    return (await this.call(operation, key, caller, call, (p) => this.race(p))).ok;
  }

  /** One store call: skipped while the breaker is open (cache calls), timed, caught, reported, fed to the breaker. */
  private async call<T>(
    operation: string,
    key: string | undefined,
    caller: Caller,
    call: () => Promise<T>,
    race: (promise: Promise<T>) => Promise<T>,
    budget?: ReadBudget,
  ): Promise<{ ok: true; value: T } | { ok: false }> {
    // A request that has waited its storeTimeout reads nothing more (and is no probe).
    if (budget?.spent) return { ok: false };
    const allowed = this.breaker.allows();
    if (allowed === false && caller === 'cache') return { ok: false };
    const probe = allowed === 'probe';
    const started = monotonic();
    try {
      const value = await race(call());
      this.#lastAnswer = monotonic();
      this.breaker.succeeded();
      return { ok: true, value };
    } catch (error) {
      // A time-out while other calls answered since this one started: a slow store, not a down one.
      const slowOnly = error instanceof StoreTimeoutError && this.#lastAnswer > started;
      this.failed(operation, error, key, probe, slowOnly);
      return { ok: false };
    }
  }

  private failed(operation: string, error: unknown, key: string | undefined, probe: boolean, slowOnly = false): void {
    this.reporter.error(operation, error, key);
    if (error instanceof UnreadableValueError || error instanceof WriteRefusedError) {
      // The store answered: with a value we cannot use (a data problem), or refusing one write (too
      // large, busy under load). Neither is a store that is down, and skipping the store would only
      // add origin traffic.
      this.breaker.succeeded();
      return;
    }
    this.breaker.failed(error instanceof Error ? error : new Error(String(error)), probe, slowOnly);
  }

  /** Races a store call against its own time-out; the timer is unref'd so it never holds the process. */
  private race<T>(promise: Promise<T>, timeout = this.timeout): Promise<T> {
    if (this.store.inProcess === true) return promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(`no answer within ${timeout} ms`)), timeout);
      (timer as { unref?: () => void }).unref?.();
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }
}

const monotonic = elapsedClock;

/** A cheap shape check: user stores may hand back anything. */
function isEntry(value: unknown): value is CacheEntry {
  const e = value as CacheEntry;
  return (
    typeof e === 'object' &&
    typeof e.method === 'string' &&
    typeof e.url === 'string' &&
    typeof e.status === 'number' &&
    typeof e.headers === 'object' && e.headers !== null &&
    e.body instanceof Uint8Array &&
    typeof e.expiresAt === 'number' &&
    typeof e.responseTime === 'number'
  );
}
