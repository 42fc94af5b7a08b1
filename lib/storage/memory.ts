import type { CacheEntry } from '../entry.js';
import { CacheOptionsError } from '../errors.js';
import type { CacheStore } from './contract.js';

export interface MemoryStorageOptions {
  /** Most entries kept; the least recently used is evicted first. @default 1000 */
  maxEntries?: number;
  /** Most bytes of bodies (plus a small per-entry overhead) kept; LRU eviction. @default unbounded */
  maxBytes?: number;
}

interface Slot<T> {
  value: T;
  /** ms since epoch; Infinity: no expiry. */
  deleteAt: number;
  size: number;
}

/** Rough bytes an entry holds beyond its body: URL, headers, bookkeeping. */
const ENTRY_OVERHEAD = 512;

/**
 * The in-process store: a bounded LRU of live entries. It is the one backend that is not a Keyv
 * adapter behind KeyvStorage: it keeps entries as objects, so a hit costs no decoding and no
 * promise-wrapped Keyv bookkeeping. Entries are never handed to callers (every hit builds a fresh
 * response from a copy), so sharing the stored object is safe.
 */
export function memoryStorage(options: MemoryStorageOptions = {}): CacheStore & { readonly size: number } {
  const maxEntries = positiveInteger('memoryStorage.maxEntries', options.maxEntries, 1000);
  const maxBytes = positiveInteger('memoryStorage.maxBytes', options.maxBytes, Infinity);
  const entries = new Map<string, Slot<CacheEntry>>();
  const aliases = new Map<string, Slot<string>>();
  let bytes = 0;

  function remove(key: string): void {
    const slot = entries.get(key);
    if (slot === undefined) return;
    entries.delete(key);
    bytes -= slot.size;
  }

  function evict(): void {
    // Map iterates in insertion order and every read re-inserts, so the first key is the LRU one.
    while (entries.size > maxEntries || (bytes > maxBytes && entries.size > 0)) {
      remove(entries.keys().next().value as string);
    }
    while (aliases.size > maxEntries) aliases.delete(aliases.keys().next().value as string);
  }

  function live<T>(map: Map<string, Slot<T>>, key: string): Slot<T> | undefined {
    const slot = map.get(key);
    if (slot === undefined) return undefined;
    if (slot.deleteAt <= Date.now()) {
      if (map === (entries as Map<string, Slot<unknown>>)) remove(key);
      else map.delete(key);
      return undefined;
    }
    map.delete(key);
    map.set(key, slot);
    return slot;
  }

  return {
    inProcess: true,
    get size() {
      return entries.size;
    },
    async get(key) {
      return live(entries, key)?.value;
    },
    async set(key, entry, ttl) {
      remove(key);
      const size = entry.body.byteLength + entry.url.length + ENTRY_OVERHEAD;
      // Larger than the whole budget: storing it would evict everything, so refuse (and be counted).
      if (size > maxBytes) throw new Error(`entry of ${size} bytes exceeds memoryStorage maxBytes (${maxBytes})`);
      entries.set(key, { value: entry, deleteAt: Date.now() + ttl, size });
      bytes += size;
      evict();
    },
    async delete(key) {
      remove(key);
    },
    async getAlias(key) {
      return live(aliases, key)?.value;
    },
    async setAlias(key, target, ttl) {
      aliases.delete(key);
      aliases.set(key, { value: target, deleteAt: Date.now() + ttl, size: 0 });
      evict();
    },
    async deleteAlias(key) {
      aliases.delete(key);
    },
    async clear() {
      entries.clear();
      aliases.clear();
      bytes = 0;
    },
    async *keys() {
      const now = Date.now();
      for (const [key, slot] of [...entries]) {
        if (slot.deleteAt <= now) remove(key);
        else yield key;
      }
    },
  };
}

function positiveInteger(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value > 0) return value;
  throw new CacheOptionsError(option, 'a positive integer', value);
}
