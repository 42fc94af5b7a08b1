/**
 * Types of the caching policy (RFC 9111, RFC 5861). Values only: the functions live in the
 * sibling modules and are re-exported from ./index.ts.
 */
import type { CacheEntry, HeaderMap } from '../entry.js';

export type { CacheEntry, HeaderMap };

/** The request being answered or stored. */
export interface PolicyRequest {
  /** Uppercase method (`GET`). */
  method: string;
  /** Absolute URL. */
  url: string;
  /** Request headers, lowercase names. */
  headers: Record<string, string | undefined>;
  /**
   * The request's values of the headers a candidate entry varies on, in the form entries store
   * them (the cache stores digests, never the values; lib/request.ts). Headers the request lacks
   * have no member. Without it, Vary matching compares normalised raw values.
   */
  selecting?: Readonly<Record<string, string>>;
}

/** The network response about to be stored (or a 304 about to freshen a stored one). */
export interface PolicyResponse {
  status: number;
  headers: HeaderMap;
  /** ms since epoch: when the request was sent (RFC 9111 §4.2.3 request_time). */
  requestTime: number;
  /** ms since epoch: when the response was received (RFC 9111 §4.2.3 response_time). */
  responseTime: number;
}

/** Fetch-style cache modes (https://fetch.spec.whatwg.org/#concept-request-cache-mode). */
export type CacheMode = 'default' | 'no-store' | 'reload' | 'no-cache' | 'force-cache' | 'only-if-cached';

/** Resolved options the policy needs; all durations in ms. */
export interface PolicySettings {
  /** false: ignore all caching headers of request and response; only `ttl` decides. */
  cacheControl: boolean;
  /** Apply shared-cache rules (s-maxage, private, proxy-revalidate, Authorization, Set-Cookie). */
  shared: boolean;
  /** Fraction of (Date − Last-Modified) used as heuristic freshness; 0 disables. */
  heuristic: number;
  /** Longest heuristic lifetime in ms (RFC 9111 §4.2.2 leaves the bound to the cache). @default 7 days */
  heuristicLimit?: number;
  /** Keep Set-Cookie in stored responses of a private cache (a shared cache never does). @default false */
  storeSetCookie?: boolean;
  /** Uppercase methods whose responses may be stored. @default ['GET', 'HEAD'] */
  methods: readonly string[];
  /** Statuses a configured ttl may store. @default [200, 203] */
  statuses: readonly number[];
  /** Configured lifetime (request > urlTtl > instance). Infinity never expires, 0 stale at once. */
  ttl: number | undefined;
  /** Window past expiry in which a stale entry may answer when the network fails (0 off). */
  staleIfError: number;
  /** Window past expiry in which a stale entry is served while refreshed in the background. */
  staleWhileRevalidate: number;
  /** How long an entry that can still be revalidated outlives its stale windows. @default 3_600_000 */
  keepStale: number;
  mode: CacheMode;
}

/** What the adapter should do with a stored entry for a request. */
export type Decision =
  /** Serve the entry. */
  | { kind: 'fresh' }
  /** Serve the stale entry (request max-stale allows it, or mode force-cache/only-if-cached). */
  | { kind: 'stale' }
  /** Serve the stale entry now and refresh it in the background with these conditional headers. */
  | { kind: 'stale-while-revalidate'; headers: Record<string, string> }
  /** Send a conditional request; empty headers = plain request whose full response replaces. */
  | { kind: 'revalidate'; headers: Record<string, string> }
  /** The client's own If-None-Match / If-Modified-Since is satisfied by a fresh entry: answer 304. */
  | { kind: 'not-modified' }
  /** The entry cannot be used for this request: go to the network. */
  | { kind: 'miss' }
  /** only-if-cached and nothing usable: the caller answers 504 (RFC 9111 §5.2.1.7). */
  | { kind: 'unsatisfiable' };

/**
 * Parsed Cache-Control: lowercase directive name → argument (unquoted) or `true` when it has none.
 * Delta-seconds arguments are normalised to decimal integers (invalid → "0", huge → "2147483648").
 */
export type Directives = ReadonlyMap<string, string | true>;

/** Absolute times (ms since epoch) computed for a response about to be stored. */
export interface Freshness {
  /** End of freshness; `<= now` is stale, Infinity never expires. */
  expiresAt: number;
  /** End of the store lifetime: expiresAt + stale windows + keepStale when revalidatable. */
  deleteAt: number;
}
