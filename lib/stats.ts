import type { CacheEventInput } from './events.js';

/** Counters of one cache instance, as returned by `api.cache.stats()`. */
export interface CacheStats {
  /** Requests answered from the cache: fresh hits, stale hits and revalidations. */
  hits: number;
  /** Of `hits`, answered by an entry past its freshness (stale-while-revalidate, stale-if-error, max-stale, force-cache). */
  staleHits: number;
  /** Of `hits`, answered after the origin confirmed the entry with a 304. */
  revalidations: number;
  /** Cacheable requests that went to the network for a full response. */
  misses: number;
  /** Of `misses`, answered by another caller's request to the origin (single-flight). */
  coalesced: number;
  /** Entries written to the store. */
  stores: number;
  /** Entries a store dropped to stay within its size limit. */
  evictions: number;
  /** Store operations that failed, timed out or returned something unreadable, and other reported failures. */
  errors: number;
  /** Body bytes answered from the cache. */
  bytesServed: number;
  /** hits / (hits + misses); 0 before the first request. */
  hitRatio: number;
}

/** The stats listener: counts events. Fed by the reporter before anything else sees an event. */
export class StatsCounter {
  hits = 0;
  staleHits = 0;
  revalidations = 0;
  misses = 0;
  coalesced = 0;
  stores = 0;
  evictions = 0;
  errors = 0;
  bytesServed = 0;

  record(event: CacheEventInput): void {
    switch (event.type) {
      case 'hit':
        this.hits++;
        this.bytesServed += event.bytes ?? 0;
        break;
      case 'stale':
        this.hits++;
        this.staleHits++;
        this.bytesServed += event.bytes ?? 0;
        break;
      case 'revalidated':
        this.hits++;
        this.revalidations++;
        this.bytesServed += event.bytes ?? 0;
        break;
      case 'miss':
        this.misses++;
        if (event.coalesced === true) this.coalesced++;
        break;
      case 'store':
        this.stores++;
        break;
      case 'evict':
        this.evictions++;
        break;
      case 'error':
        this.errors++;
        break;
    }
  }

  snapshot(): CacheStats {
    const { hits, staleHits, revalidations, misses, coalesced, stores, evictions, errors, bytesServed } = this;
    const answered = hits + misses;
    return { hits, staleHits, revalidations, misses, coalesced, stores, evictions, errors, bytesServed, hitRatio: answered === 0 ? 0 : hits / answered };
  }

  reset(): void {
    this.hits = this.staleHits = this.revalidations = this.misses = this.coalesced = 0;
    this.stores = this.evictions = this.errors = this.bytesServed = 0;
  }
}
