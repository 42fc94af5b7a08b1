import type { CacheEntry } from '../entry.js';
import type { Reporter } from '../report.js';
import type { CacheStore } from './contract.js';

/** Raised when a store call does not settle within `storeTimeout`. */
export class StoreTimeoutError extends Error {
  override name = 'StoreTimeoutError';
}

/**
 * Every store call of the adapter and the manager goes through here: a time-out of its own
 * (store clients hang when their server is down), and catch-and-report, so a store that is down,
 * slow or returns garbage degrades to the network and is counted in `stats().errors`, never thrown.
 */
export class GuardedStore {
  constructor(
    readonly store: CacheStore,
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
  async set(key: string, entry: CacheEntry, ttl: number): Promise<boolean> {
    try {
      await this.run(this.store.set(key, entry, ttl));
      return true;
    } catch (error) {
      this.reporter.error('set', error, key);
      return false;
    }
  }

  async delete(key: string): Promise<boolean> {
    return this.attempt('delete', key, () => this.store.delete(key));
  }

  async getAlias(key: string): Promise<string | undefined> {
    try {
      const target = await this.run(this.store.getAlias(key));
      return typeof target === 'string' ? target : undefined;
    } catch (error) {
      this.reporter.error('getAlias', error, key);
      return undefined;
    }
  }

  async setAlias(key: string, target: string, ttl: number): Promise<boolean> {
    return this.attempt('setAlias', key, () => this.store.setAlias(key, target, ttl));
  }

  async deleteAlias(key: string): Promise<boolean> {
    return this.attempt('deleteAlias', key, () => this.store.deleteAlias(key));
  }

  async clear(): Promise<boolean> {
    return this.attempt('clear', undefined, () => this.store.clear());
  }

  private async attempt(operation: string, key: string | undefined, call: () => Promise<void>): Promise<boolean> {
    try {
      await this.run(call());
      return true;
    } catch (error) {
      this.reporter.error(operation, error, key);
      return false;
    }
  }

  /** Races a store call against the time-out; the timer is unref'd so it never holds the process. */
  private run<T>(promise: Promise<T>): Promise<T> {
    if (this.store.inProcess === true) return promise;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StoreTimeoutError(`no answer within ${this.timeout} ms`)), this.timeout);
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
