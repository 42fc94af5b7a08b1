import type { CacheEntry } from '../entry.js';

type Raw = string | Uint8Array;

/** Bytes are compared with Buffer#equals (a memcmp) where Node's Buffer exists. */
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function sameRaw(a: Raw, b: unknown): boolean {
  if (typeof a === 'string') return a === b;
  if (!(b instanceof Uint8Array) || b.byteLength !== a.byteLength) return false;
  if (NodeBuffer) return NodeBuffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

const rawSize = (raw: Raw): number => (typeof raw === 'string' ? raw.length : raw.byteLength);

/**
 * The last decoded entry per key, with the raw value it came from. A hit whose stored value did
 * not change since the last read (string or byte equality) reuses the decoded entry instead of parsing
 * metadata and base64 again, so the per-entry memos of the hit path (decoded text, parsed headers,
 * age) apply to persistent stores as they do to memory storage. Entries are never mutated, so
 * sharing one between hits is safe. Bounded in entries and in raw characters; a key's memo is
 * dropped as soon as its stored value differs.
 */
export class DecodedEntries {
  readonly #map = new Map<string, { raw: Raw; entry: CacheEntry }>();
  #chars = 0;

  constructor(
    private readonly maxEntries = 500,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  /** The entry decoded from exactly this raw value, if it is the last one seen for `key`. */
  get(key: string, raw: unknown): CacheEntry | undefined {
    const slot = this.#map.get(key);
    if (slot === undefined) return undefined;
    if (!sameRaw(slot.raw, raw)) {
      this.forget(key);
      return undefined;
    }
    // Re-insert: Map order is the LRU order.
    this.#map.delete(key);
    this.#map.set(key, slot);
    return slot.entry;
  }

  set(key: string, raw: unknown, entry: CacheEntry): void {
    if ((typeof raw !== 'string' && !(raw instanceof Uint8Array)) || rawSize(raw) > this.maxChars / 4) return;
    this.forget(key);
    this.#map.set(key, { raw, entry });
    this.#chars += rawSize(raw);
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
    this.#chars -= rawSize(slot.raw);
  }
}
