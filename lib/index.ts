/**
 * The public surface of `axios-stash`. Every export is named here on purpose (no `export *`):
 * what is not listed is an implementation detail and may change in any release.
 * Persistent backends have entries of their own (`axios-stash/file`, `/sqlite`, `/redis`) so
 * this entry loads no `node:` module and no storage driver.
 */
import './types.js';

export { setupCache, type CachedAxiosInstance } from './setup.js';
export type { CacheManager, CacheLookupOptions, CacheDeleteTarget, CacheEntryFilter, CacheEntryInfo } from './manager.js';
export type { StoreHealth } from './storage/circuit-breaker.js';
export {
  NEVER_EXPIRE,
  EXPIRE_IMMEDIATELY,
  DO_NOT_CACHE,
  type CacheOptions,
  type CacheRequestOptions,
  type CacheMode,
  type Ttl,
} from './options.js';
export type { Duration } from './duration.js';
export { memoryStorage, type MemoryStorage, type MemoryStorageOptions } from './storage/memory.js';
export { keyvStorage, type KeyvStorage, type KeyvStorageOptions } from './storage/keyv-storage.js';
export { keyvSerialization } from './storage/kv-wire-format.js';
export type { CacheStore, InvalidValueInfo, ListedEntry, Eviction } from './storage/contract.js';
export type { CacheEntry, HeaderMap, HeaderValue } from './entry.js';
export type { CacheMeta, CacheState } from './types.js';
export type { CacheEvent, CacheEventName, CacheEventListener, CacheStats } from './report.js';
export {
  AxiosStashError,
  CacheOptionsError,
  StoreWriteError,
  StoreBusyError,
  WriteRefusedError,
  StoreTimeoutError,
  UnreadableValueError,
  MissingDriverError,
  isAxiosStashError,
} from './errors.js';
export type { AliasRecord, RedirectAlias, VaryAlias } from './alias.js';
