import axios, { type InternalAxiosRequestConfig } from 'axios';
import { FORMAT_MAJOR } from './format-version.js';
import { BoundedMemo } from './bounded-memo.js';
import { hmacSha256Hex, sha256Hex, sha256HexBytes } from './hash.js';

/**
 * Cache keys. A key is the SHA-256 hex of the JSON encoding of the tuple
 *
 *   [FORMAT_MAJOR, METHOD, normalisedUrl, bodyDigest | null, [[header, value], ...], credentialDigest | null]
 *
 * JSON-encoding the tuple (not joining strings with a delimiter) keeps distinct tuples distinct,
 * and SHA-256 keeps distinct tuples apart at any number of keys (a 32-bit hash does not). The
 * encoding is documented in the README: services sharing one store rely on it being stable across
 * processes and releases of one format major.
 */

export interface KeySettings {
  ignoredParams: ReadonlySet<string>;
  matchHeaders: readonly string[] | true;
  keyCredentials: boolean;
  credentialSalt: DigestSalt;
}

/**
 * What credential and Vary digests are keyed by: the salt alone (SHA-256 of salt and value), or,
 * with setupCache's `secret`, an HMAC-SHA256 under the (first) secret, so that nobody who can list
 * or read the store can test password or token guesses against a digest offline.
 */
export type DigestSalt = string | { readonly salt: string; readonly secret: string };

function saltedDigest(salt: DigestSalt, parts: unknown[]): string | Promise<string> {
  if (typeof salt === 'string') return sha256Hex(JSON.stringify([salt, ...parts]));
  return hmacSha256Hex(salt.secret, JSON.stringify([salt.salt, ...parts]));
}

/** Request headers whose values are credentials: never stored, keyed only by a salted digest. */
export const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'] as const;

const ABSOLUTE_URL_RE = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * The URL axios will send, normalised: baseURL and params applied exactly as axios applies them
 * (including URLSearchParams and a custom paramsSerializer), lowercase scheme and host, default
 * port dropped, fragment dropped, query params sorted, ignored params removed.
 * `undefined` when the URL cannot be parsed (the request then bypasses the cache).
 */
export function normaliseRequestUrl(config: InternalAxiosRequestConfig, ignoredParams: ReadonlySet<string>): string | undefined {
  let full: string;
  if (config.params == null) {
    full = buildFullPath(config.baseURL, config.url ?? '', config.allowAbsoluteUrls);
  } else {
    // axios.getUri runs axios' own buildFullPath + buildURL; the config is already merged with the
    // instance defaults, so only the URL-shaping fields are passed.
    full = axios.getUri({
      url: config.url,
      baseURL: config.baseURL,
      params: config.params,
      paramsSerializer: config.paramsSerializer,
      allowAbsoluteUrls: config.allowAbsoluteUrls,
    } as InternalAxiosRequestConfig);
  }
  return normaliseUrl(full, ignoredParams);
}

/** An absolute URL (a Location, a redirect target, a URL given to the manager), normalised as keys have it. */
export function normaliseUrl(absolute: string, ignoredParams: ReadonlySet<string>): string | undefined {
  return memoFor(ignoredParams).get(absolute, (input) => normaliseAbsoluteUrl(input, ignoredParams));
}

/** One memo per ignoredParams set (one per cache instance), since the result depends on it. */
const urlMemos = new WeakMap<ReadonlySet<string>, BoundedMemo<string | null>>();
function memoFor(ignoredParams: ReadonlySet<string>): { get(full: string, compute: (full: string) => string | undefined): string | undefined } {
  let memo = urlMemos.get(ignoredParams);
  if (memo === undefined) urlMemos.set(ignoredParams, (memo = new BoundedMemo<string | null>()));
  const m = memo;
  // The memo stores null for "unparseable" because undefined means "not memoised".
  return { get: (full, compute) => m.get(full, (input) => compute(input) ?? null) ?? undefined };
}

function normaliseAbsoluteUrl(full: string, ignoredParams: ReadonlySet<string>): string | undefined {
  let url: URL;
  try {
    url = new URL(full);
  } catch {
    return undefined;
  }
  // Credentials in the URL (`https://user:pass@host/`) would end up in stored entries and keys:
  // such requests are not cached at all.
  if (url.username !== '' || url.password !== '') return undefined;
  const query = url.search.length > 1 ? normaliseQuery(url.search.slice(1), ignoredParams) : '';
  return `${url.protocol}//${url.host}${url.pathname}${query === '' ? '' : `?${query}`}`;
}

/**
 * Query params sorted by name (a stable sort: repeated names keep their order), ignored params
 * and empty members removed, each member kept byte for byte as the URL parser left it: no
 * re-encoding, so the key is cheap to build and two spellings of one value (`%20` and `+`) stay
 * apart rather than being guessed equal.
 */
function normaliseQuery(query: string, ignoredParams: ReadonlySet<string>): string {
  let members = query.split('&').filter((m) => m !== '');
  if (ignoredParams.size > 0) members = members.filter((m) => !ignoredParams.has(paramName(m)));
  let sorted = true;
  for (let i = 1; i < members.length && sorted; i++) sorted = rawName(members[i - 1]!) <= rawName(members[i]!);
  if (!sorted) members = members.map((m, i) => [rawName(m), i, m] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])).map((x) => x[2]);
  return members.join('&');
}

function rawName(member: string): string {
  const eq = member.indexOf('=');
  return eq === -1 ? member : member.slice(0, eq);
}

/** The decoded name of a query member, as ignoredParams are written. */
function paramName(member: string): string {
  const name = rawName(member).replace(/\+/g, ' ');
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** Mirrors axios' buildFullPath (lib/core/buildFullPath.js) for the common no-params case. */
function buildFullPath(baseURL: string | undefined, url: string, allowAbsoluteUrls: boolean | undefined): string {
  if (baseURL && (!ABSOLUTE_URL_RE.test(url) || allowAbsoluteUrls === false)) {
    return url ? `${baseURL.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : baseURL;
  }
  return url;
}

/**
 * Digest of the request body as sent (after transformRequest), `null` when there is none, and
 * `undefined` when the body cannot be keyed (a stream, FormData, Blob): such requests bypass the
 * cache rather than risk two different bodies sharing one entry.
 */
export function bodyDigest(data: unknown, ignoredParams: ReadonlySet<string>): string | Promise<string> | null | undefined {
  if (data === undefined || data === null || data === '') return null;
  if (typeof data === 'string') return sha256Hex(ignoredParams.size > 0 ? stripJsonFields(data, ignoredParams) : data);
  if (data instanceof Uint8Array) return sha256HexBytes(data);
  if (data instanceof ArrayBuffer) return sha256HexBytes(new Uint8Array(data));
  if (data instanceof URLSearchParams) return sha256Hex(data.toString());
  return undefined;
}

/** Drops ignored top-level fields from a JSON object body; any other string is returned as is. */
export function stripJsonFields(body: string, ignoredParams: ReadonlySet<string>): string {
  const first = body.trimStart()[0];
  if (first !== '{') return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    let changed = false;
    for (const name of ignoredParams) {
      if (Object.hasOwn(parsed, name)) {
        delete parsed[name];
        changed = true;
      }
    }
    return changed ? JSON.stringify(parsed) : body;
  } catch {
    return body;
  }
}

/** Request headers with lowercase names and string values, as the cache reads them. */
export type PlainHeaders = Record<string, string | undefined>;

/** The [name, value] pairs of matched request headers, sorted by name; credentials excluded. */
export function matchedHeaders(headers: PlainHeaders, matchHeaders: readonly string[] | true): Array<[string, string]> {
  if (matchHeaders !== true && matchHeaders.length === 0) return [];
  const pairs: Array<[string, string]> = [];
  const names = matchHeaders === true ? Object.keys(headers) : matchHeaders;
  for (const name of names) {
    if ((CREDENTIAL_HEADERS as readonly string[]).includes(name)) continue;
    const value = headers[name];
    if (value === undefined && matchHeaders === true) continue;
    pairs.push([name, value === undefined ? '' : headerText(value)]);
  }
  return pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** The credentials a request carries (headers and axios' `auth`), or undefined. */
export function requestCredentials(headers: PlainHeaders, auth: InternalAxiosRequestConfig['auth']): string | undefined {
  const a = headers.authorization;
  const c = headers.cookie;
  const p = headers['proxy-authorization'];
  if (a === undefined && c === undefined && p === undefined && !auth) return undefined;
  return JSON.stringify([a ?? null, c ?? null, p ?? null, auth ? `${auth.username}:${auth.password}` : null]);
}

export interface KeyParts {
  method: string;
  url: string;
  body: string | null;
  headers: Array<[string, string]>;
  credentials: string | null;
}

const keyMemo = new BoundedMemo<string | Promise<string>>();

/** Hashes the key tuple. Synchronous on Node, a Promise where only WebCrypto exists. */
export function hashKey(parts: KeyParts): string | Promise<string> {
  return keyMemo.get(JSON.stringify([FORMAT_MAJOR, parts.method, parts.url, parts.body, parts.headers, parts.credentials]), sha256Hex);
}

/** Salted digest of credentials: the key separates users without the key revealing who they are. */
export function credentialDigest(credentials: string, salt: DigestSalt): string | Promise<string> {
  return saltedDigest(salt, [credentials]);
}

/**
 * What an entry stores for a request header named by Vary: a salted digest of its normalised
 * value, enough to match (RFC 9111 §4.1) without a secret such as an API key ever being stored.
 */
export function varyDigest(name: string, value: string, salt: DigestSalt): string | Promise<string> {
  return saltedDigest(salt, ['vary', name, value]);
}

function headerText(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}
