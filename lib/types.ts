import type { CacheRequestOptions } from './options.js';

/** How a response was answered. */
export type CacheState = 'miss' | 'hit' | 'stale' | 'revalidated';

/** Cache metadata on every response that went through a cached instance (`res.cache`). */
export interface CacheMeta {
  /** The store key of this request. */
  key: string;
  /**
   * `miss`: from the network; `hit`: a fresh entry; `stale`: an expired entry served anyway
   * (stale-while-revalidate, stale-if-error, max-stale, force-cache); `revalidated`: the origin
   * answered 304 and the stored entry was served.
   */
  state: CacheState;
  /** ms since epoch when the entry was first stored; undefined when nothing was stored. */
  createdAt: number | undefined;
  /** ms since epoch when the entry stops being fresh (Infinity: never); undefined when nothing was stored. */
  expiresAt: number | undefined;
  /** Current age in seconds (RFC 9111 4.2.3), as in the Age header of a cached response. */
  age: number;
}

// Augments axios' types without repeating their type parameters: axios has added generic
// parameters across 1.x (AxiosResponse<T, D> in 1.7, <T, D, H> later), and an augmentation that
// names none of them merges with every version in our peer range.
declare module 'axios' {
  interface AxiosRequestConfig {
    /** axios-stash: `false` bypasses the cache; an object overrides the instance options for this request. */
    cache?: false | CacheRequestOptions;
  }
  interface AxiosResponse {
    /** axios-stash: true when the body came from the cache (hit, stale or revalidated). */
    cached?: boolean;
    /** axios-stash: cache metadata; absent when the request bypassed the cache. */
    cache?: CacheMeta;
  }
}
