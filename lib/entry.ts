/**
 * The persisted cache entry: everything a cache needs to answer a later request, and nothing
 * secret. Credentials (Authorization, Cookie, Proxy-Authorization) never enter an entry.
 *
 * This shape is format major 1 (see lib/serializer.ts). Within one major, fields may be added
 * (readers ignore unknown ones); renaming or re-typing a field is a new major.
 */
export type HeaderValue = string | string[];
/** Header names are always lowercase. */
export type HeaderMap = Record<string, HeaderValue>;

export interface CacheEntry {
  /** Request method this entry answers, uppercase (`GET`). */
  method: string;
  /** Normalised request URL this entry answers, with ignored params redacted. */
  url: string;
  status: number;
  statusText: string;
  /** Response headers, lowercase names. */
  headers: HeaderMap;
  /** Raw response body bytes as received from the network (before transformResponse). */
  body: Uint8Array;
  /** Values of the request headers named by the response's Vary (lowercase names, normalised). */
  varyHeaders: Record<string, string>;
  /** ms since epoch: when the request was sent (RFC 9111 4.2.3 request_time). */
  requestTime: number;
  /** ms since epoch: when the response was received (RFC 9111 4.2.3 response_time). */
  responseTime: number;
  /** ms since epoch: when this entry was first stored. */
  createdAt: number;
  /** ms since epoch: end of freshness. `Infinity` never expires; `<= now` is stale. */
  expiresAt: number;
  /** ms since epoch: end of the store lifetime (freshness + stale windows + keepStale). */
  deleteAt: number;
  /**
   * The lifetime in ms the ttl options (request, urlTtl, instance) gave the response when it was
   * stored, for a response without explicit freshness of its own. Kept so a 304 can recompute.
   * (Serialized as `ttl`.)
   */
  assignedLifetime?: number;
  /** Labels given by the request (`cache: { tags }`), for `api.cache.delete({ tag })`. Absent: none. */
  tags?: string[];
  /**
   * HMAC-SHA256 (hex) over the entry and the key it is stored under, when setupCache has a
   * `secret` (lib/signing.ts). Serialized as `sig`.
   */
  signature?: string;
}
