/**
 * The public options of setupCache and of one request (`config.cache`), with their documentation
 * and defaults. Validation and resolution live in lib/settings.ts.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { Duration } from './duration.js';
import type { CacheEvent } from './events.js';
import type { CacheStore } from './storage/contract.js';

/** A response lifetime that never ends. */
export const NEVER_EXPIRE: unique symbol = Symbol.for('axios-stash.NEVER_EXPIRE');
/** Store the response, but treat it as stale at once (it is revalidated or served stale only). */
export const EXPIRE_IMMEDIATELY: unique symbol = Symbol.for('axios-stash.EXPIRE_IMMEDIATELY');
/** Do not store the response at all. */
export const DO_NOT_CACHE: unique symbol = Symbol.for('axios-stash.DO_NOT_CACHE');

/** A lifetime for responses that carry no freshness of their own. */
export type Ttl = Duration | typeof NEVER_EXPIRE | typeof EXPIRE_IMMEDIATELY | typeof DO_NOT_CACHE;

/**
 * fetch's RequestCache modes:
 * - `default`: HTTP decides.
 * - `no-store`: neither look up nor store.
 * - `reload`: skip the lookup, store the result.
 * - `no-cache`: always revalidate a stored entry with the origin.
 * - `force-cache`: use any stored entry, even an expired one; the network only on a miss.
 * - `only-if-cached`: never touch the network; a miss answers status 504 (axios rejects it by default).
 */
export type CacheMode = 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';

export interface CacheOptions {
  /** Where entries live. @default memoryStorage() */
  storage?: CacheStore;
  /** Lifetime for responses that carry no freshness of their own. No default: HTTP decides. */
  ttl?: Ttl;
  /**
   * Lifetimes by URL glob, matched against host + path + query (scheme optional): `*` matches any
   * characters, every other character (`?` included) matches itself, and a pattern also covers the
   * URLs it is a prefix of. The first matching pattern wins.
   */
  urlTtl?: Record<string, Ttl>;
  /** Methods whose responses may be stored. @default ['get', 'head'] */
  methods?: string[];
  /** Statuses a configured ttl may store (explicit response freshness may store others). @default [200, 203] */
  statuses?: number[];
  /**
   * Extra predicate: return false to not store a response. It receives the response as this
   * request's caller will (`data` parsed by the request's transformResponse, so JSON is an object),
   * computed only when a filter is set. A filter that throws stores nothing (and is reported).
   */
  filter?: (response: AxiosResponse) => boolean;
  /** Query params and JSON body fields dropped from the key and from anything stored. */
  ignoredParams?: string[];
  /** Request headers that split the key; `true` = all (credentials are handled by `keyCredentials`). @default [] */
  matchHeaders?: string[] | boolean;
  /**
   * Custom key function; its string is used as the key verbatim. One that throws or returns
   * anything but a non-empty string leaves that request uncached (straight to the network, nothing
   * read or stored) and is reported to `debug` (an `error` event, operation `key`), as a throwing
   * `filter` is; the request never fails because of it.
   */
  key?: (request: InternalAxiosRequestConfig) => string;
  /** Key requests carrying Authorization, Cookie or Proxy-Authorization by a salted digest of them. @default true */
  keyCredentials?: boolean;
  /** Salt of that digest. Services that share one store must share the salt. @default a fixed library salt */
  credentialSalt?: string;
  /** Honour request and response caching headers (RFC 9111). @default true */
  cacheControl?: boolean;
  /** Behave as a shared cache (RFC 9111 shared-cache rules). @default false */
  shared?: boolean;
  /** Serve a stale entry when the network fails: true (any age) or a window. @default false */
  staleIfError?: boolean | Duration;
  /** Serve stale at once and refresh in the background, within this window. @default false */
  staleWhileRevalidate?: false | Duration;
  /** Fraction of (Date - Last-Modified) used as heuristic freshness. @default 0.1 */
  heuristic?: number;
  /**
   * Longest lifetime heuristic freshness may give (RFC 9111 §4.2.2), as browsers cap it.
   * @default '7d'
   */
  maxHeuristicLifetime?: Duration;
  /**
   * Keep `Set-Cookie` in stored responses (private cache only; a shared cache never stores it).
   * Off by default: replaying one caller's cookie to every later caller leaks sessions.
   * @default false
   */
  storeSetCookie?: boolean;
  /** How long an entry with a validator outlives its freshness and stale windows. @default '1h' */
  keepStale?: Duration;
  /** Time-out of every store call, after which it counts as failed. @default 500 */
  storeTimeout?: Duration;
  /**
   * Signs every stored entry and alias with HMAC-SHA256 under this secret, and keys credential and
   * Vary digests by an HMAC under it. An entry or alias with a missing or wrong signature is a
   * miss, counted in `stats().errors` and reported, never served. A list rotates secrets: the
   * first signs, any of them verifies. Services sharing a store must share the secret.
   * @default none (entries are not signed)
   */
  secret?: string | string[];
  /**
   * `true` logs cache events to console.debug; a function receives them. Independently,
   * `DEBUG=axios-stash` logs them through the `debug` package. @default false
   */
  debug?: boolean | ((event: CacheEvent) => void);
  /**
   * Largest response body stored, in bytes; a larger response is answered from the network and
   * not stored. @default 10 MB (10 * 1024 * 1024)
   */
  maxBodySize?: number;
}

/** Per-request overrides, as `config.cache`. `false` bypasses the cache entirely. */
export interface CacheRequestOptions {
  ttl?: Ttl;
  mode?: CacheMode;
  staleIfError?: boolean | Duration;
  staleWhileRevalidate?: false | Duration;
  /** A key for this request, instead of the computed one. */
  key?: string;
  /** Labels of the entry this request stores, for `api.cache.delete({ tag })` (e.g. `['user:42', 'users']`). */
  tags?: string[];
}
