import { type AliasRecord, isAliasRecord } from '../alias.js';
import type { CacheEntry } from '../entry.js';
import { StoreTimeoutError } from '../errors.js';
import type { Reporter } from '../report.js';
import type { CacheStore } from './contract.js';

/**
 * prune() walks a whole store: a million SQLite rows take longer than a request's `storeTimeout`,
 * so it gets a deadline of its own. It still bounds a store that never answers.
 */
const BULK_TIMEOUT_MS = 10 * 60_000;

/**
 * Every store call of the adapter and the manager goes through here: a time-out of its own
 * (store clients hang when their server is down), and catch-and-report, so a store that is down,
 * slow or returns garbage degrades to the network and is counted in `stats().errors`, never thrown.
 * An unreadable stored value (the store rejects with UnreadableValueError) is reported here too,
 * by the instance that read it.
 */
export class GuardedStore {
  constructor(
    private readonly store: CacheStore,
    private readonly timeout: number,
    private readonly reporter: Reporter,
  ) {}

  async get(key: string): Promise<CacheEntry | undefined> {
    try {
      const entry = await this.run(this.store.get(key));
      if (entry === undefined || entry === null) return undefined;
      if (isEntry(entry)) return entry;
      this.reporter.error('get', new Error('the store returned a value that is not a cache entry'), key);
    } catch (error) {
      this.reporter.error('get', error, key);
    }
    return undefined;
  }

  /** Resolves true only when the store confirmed the write. */
  async set(key: string, entry: CacheEntry, lifetimeMs: number): Promise<boolean> {
    return this.attempt('set', key, () => this.store.set(key, entry, lifetimeMs));
  }

  async delete(key: string): Promise<boolean> {
    return this.attempt('delete', key, () => this.store.delete(key));
  }

  async getAlias(key: string): Promise<AliasRecord | undefined> {
    try {
      const alias = await this.run(this.store.getAlias(key));
      if (alias === undefined || alias === null) return undefined;
      if (isAliasRecord(alias)) return alias;
      this.reporter.error('getAlias', new Error('the store returned a value that is not an alias record'), key);
    } catch (error) {
      this.reporter.error('getAlias', error, key);
    }
    return undefined;
  }

  async setAlias(key: string, alias: AliasRecord, lifetimeMs: number): Promise<boolean> {
    return this.attempt('setAlias', key, () => this.store.setAlias(key, alias, lifetimeMs));
  }

  async deleteAlias(key: string): Promise<boolean> {
    return this.attempt('deleteAlias', key, () => this.store.deleteAlias(key));
  }

  async clear(): Promise<boolean> {
    return this.attempt('clear', undefined, () => this.store.clear());
  }

  /** Resolves how many values went; 0 when the store cannot prune or failed (reported). */
  async prune(): Promise<number> {
    if (this.store.prune === undefined) return 0;
    try {
      return (await this.run(this.store.prune(), BULK_TIMEOUT_MS)) ?? 0;
    } catch (error) {
      this.reporter.error('prune', error);
      return 0;
    }
  }

  async close(): Promise<void> {
    if (this.store.close === undefined) return;
    await this.attempt('close', undefined, () => this.store.close!());
  }

  /** The store's keys; each step is bounded by the time-out, and a failure ends the listing (reported). */
  async *keys(): AsyncIterableIterator<string> {
    try {
      const iterator = this.store.keys()[Symbol.asyncIterator]();
      while (true) {
        const step = await this.run(iterator.next());
        if (step.done) return;
        yield step.value;
      }
    } catch (error) {
      this.reporter.error('keys', error);
    }
  }

  private async attempt(operation: string, key: string | undefined, call: () => Promise<void>, timeout = this.timeout): Promise<boolean> {
    try {
      await this.run(call(), timeout);
      return true;
    } catch (error) {
      this.reporter.error(operation, error, key);
      return false;
    }
  }

  /** Races a store call against the time-out; the timer is unref'd so it never holds the process. */
  private run<T>(promise: Promise<T>, timeout = this.timeout): Promise<T> {
    if (this.store.inProcess === true) return promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(`no answer within ${timeout} ms`)), timeout);
      (timer as { unref?: () => void }).unref?.();
    });
    return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
  }
}

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
