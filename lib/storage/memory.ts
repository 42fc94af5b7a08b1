import type { AliasRecord } from '../alias.js';
import { systemClock } from '../clock.js';
import type { CacheEntry } from '../entry.js';
import { CacheOptionsError, WriteRefusedError } from '../errors.js';
import type { CacheStore, Eviction, ListedEntry } from './contract.js';
import { checkOptions } from './factory-options.js';

export interface MemoryStorageOptions {
  /** Most entries kept; the least recently used is evicted first. @default 1000 */
  maxEntries?: number;
  /** Most bytes of bodies (plus a small per-entry overhead) kept; LRU eviction. @default 64 MiB (DEFAULT_MAX_BYTES) */
  maxBytes?: number;
}

/** What memoryStorage returns: an in-process CacheStore with an entry count and prune(). */
export interface MemoryStorage extends CacheStore {
  readonly inProcess: true;
  /** Entries held, expired ones not yet dropped included. */
  readonly size: number;
  /** Drops expired entries and aliases (they are also dropped when read); resolves how many went. */
  prune(): Promise<number>;
  list(): AsyncIterable<ListedEntry>;
  listTagged(tag: string): AsyncIterable<ListedEntry>;
  watchEvictions(listener: (eviction: Eviction) => void): () => void;
}

interface Slot<T> {
  value: T;
  /** ms since epoch; Infinity: no expiry. */
  deleteAt: number;
  size: number;
}

/**
 * The default byte bound: without one, twenty 50 MB responses held 1.3 GB. 64 MiB is room for
 * thousands of ordinary API responses (the entry count, 1000, usually binds first).
 */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Rough bytes an entry holds beyond its body: URL, headers, bookkeeping. */
const ENTRY_OVERHEAD = 512;

/**
 * The in-process store: a bounded LRU of live entries. It is the one backend that is not a Keyv
 * adapter behind keyvStorage: it keeps entries and alias records as objects, so a hit costs no
 * decoding and no promise-wrapped Keyv bookkeeping (and nothing it holds is ever unreadable).
 * Entries are never handed to callers (every hit builds a fresh response from a copy), so sharing
 * the stored object is safe.
 *
 * @throws CacheOptionsError for a bad or unknown option.
 */
export function memoryStorage(options?: MemoryStorageOptions): MemoryStorage {
  const checked = checkOptions('memoryStorage', options, ['maxEntries', 'maxBytes']);
  const maxEntries = positiveInteger('memoryStorage.maxEntries', checked.maxEntries, 1000);
  const maxBytes = positiveInteger('memoryStorage.maxBytes', checked.maxBytes, DEFAULT_MAX_BYTES);
  const entries = new Map<string, Slot<CacheEntry>>();
  const aliases = new Map<string, Slot<AliasRecord>>();
  /** The tag index: tag → keys of the entries stored with it (exact: kept in step with `entries`). */
  const tagged = new Map<string, Set<string>>();
  const evictionListeners = new Set<(eviction: Eviction) => void>();
  let bytes = 0;

  function remove(key: string): Slot<CacheEntry> | undefined {
    const slot = entries.get(key);
    if (slot === undefined) return undefined;
    entries.delete(key);
    bytes -= slot.size;
    for (const tag of slot.value.tags ?? []) {
      const keys = tagged.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) tagged.delete(tag);
    }
    return slot;
  }

  function evict(): void {
    // Map iterates in insertion order and every read re-inserts, so the first key is the LRU one.
    while (entries.size > maxEntries || (bytes > maxBytes && entries.size > 0)) {
      const key = entries.keys().next().value as string;
      const slot = remove(key);
      for (const listener of evictionListeners) listener({ key, bytes: slot?.size });
    }
    while (aliases.size > maxEntries) aliases.delete(aliases.keys().next().value as string);
  }

  function live<T>(map: Map<string, Slot<T>>, key: string): Slot<T> | undefined {
    const slot = map.get(key);
    if (slot === undefined) return undefined;
    if (slot.deleteAt <= systemClock()) {
      if (map === (entries as Map<string, Slot<unknown>>)) remove(key);
      else map.delete(key);
      return undefined;
    }
    map.delete(key);
    map.set(key, slot);
    return slot;
  }

  function lifetime(lifetimeMs: number): number {
    if (typeof lifetimeMs !== 'number' || Number.isNaN(lifetimeMs)) {
      throw new TypeError(`lifetimeMs must be a number of milliseconds or Infinity, got ${String(lifetimeMs)}`);
    }
    return lifetimeMs;
  }

  return {
    inProcess: true,
    get size() {
      return entries.size;
    },
    async get(key) {
      return live(entries, key)?.value;
    },
    async set(key, entry, lifetimeMs) {
      const deleteAt = systemClock() + lifetime(lifetimeMs);
      remove(key);
      const size = entry.body.byteLength + entry.url.length + ENTRY_OVERHEAD;
      // Larger than the whole budget: storing it would evict everything, so refuse (and be counted).
      if (size > maxBytes) throw new WriteRefusedError(`entry of ${size} bytes exceeds memoryStorage maxBytes (${maxBytes})`);
      entries.set(key, { value: entry, deleteAt, size });
      bytes += size;
      for (const tag of entry.tags ?? []) {
        let keys = tagged.get(tag);
        if (keys === undefined) tagged.set(tag, (keys = new Set()));
        keys.add(key);
      }
      evict();
    },
    async delete(key) {
      remove(key);
    },
    async getAlias(key) {
      return live(aliases, key)?.value;
    },
    async setAlias(key, alias, lifetimeMs) {
      const deleteAt = systemClock() + lifetime(lifetimeMs);
      aliases.delete(key);
      aliases.set(key, { value: alias, deleteAt, size: 0 });
      evict();
    },
    async deleteAlias(key) {
      aliases.delete(key);
    },
    async clear() {
      entries.clear();
      aliases.clear();
      tagged.clear();
      bytes = 0;
    },
    async *keys() {
      const now = systemClock();
      for (const [key, slot] of [...entries]) {
        if (slot.deleteAt > now) yield key;
      }
    },
    async *list() {
      const now = systemClock();
      for (const [key, slot] of [...entries]) {
        if (slot.deleteAt > now) yield { key, entry: slot.value, bytes: slot.value.body.byteLength };
      }
    },
    async *listTagged(tag) {
      const now = systemClock();
      for (const key of [...(tagged.get(tag) ?? [])]) {
        const slot = entries.get(key);
        if (slot !== undefined && slot.deleteAt > now) yield { key, entry: slot.value, bytes: slot.value.body.byteLength };
      }
    },
    watchEvictions(listener) {
      evictionListeners.add(listener);
      return () => evictionListeners.delete(listener);
    },
    async prune() {
      const now = systemClock();
      let removed = 0;
      for (const [key, slot] of [...entries]) {
        if (slot.deleteAt <= now) {
          remove(key);
          removed++;
        }
      }
      for (const [key, slot] of [...aliases]) {
        if (slot.deleteAt <= now) {
          aliases.delete(key);
          removed++;
        }
      }
      return removed;
    },
  };
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new CacheOptionsError(option, 'a positive integer', value);
}
