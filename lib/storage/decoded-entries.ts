import type { CacheEntry } from '../entry.js';

/**
 * The last decoded entry per key, with the raw string it came from. A hit whose stored value did
 * not change since the last read (string equality) reuses the decoded entry instead of parsing
 * metadata and base64 again, so the per-entry memos of the hit path (decoded text, parsed headers,
 * age) apply to persistent stores as they do to memory storage. Entries are never mutated, so
 * sharing one between hits is safe. Bounded in entries and in raw characters; a key's memo is
 * dropped as soon as its stored value differs.
 */
export class DecodedEntries {
  readonly #map = new Map<string, { raw: string; entry: CacheEntry }>();
  #chars = 0;

  constructor(
    private readonly maxEntries = 500,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  /** The entry decoded from exactly this raw value, if it is the last one seen for `key`. */
  get(key: string, raw: unknown): CacheEntry | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined || typeof raw !== 'string') return undefined;
    if (slot.raw !== raw) {
      this.forget(key);
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.entry;
  }

  set(key: string, raw: unknown, entry: CacheEntry): void {
    if (typeof raw !== 'string' || raw.length > this.maxChars / 4) return;
    this.forget(key);
    this.#map.set(key, { raw, entry });
    this.#chars += raw.length;
    while (this.#map.size > this.maxEntries || this.#chars > this.maxChars) {
      this.forget(this.#map.keys().next().value as string);
    }
  }

  clear(): void {
    this.#map.clear();
    this.#chars = 0;
  }

  forget(key: string): void {
    const slot = this.#map.get(key);
    if (slot === undefined) return;
    this.#map.delete(key);
    this.#chars -= slot.raw.length;
  }
}
