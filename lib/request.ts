import type { InternalAxiosRequestConfig } from 'axios';
import type { CacheRequestOptions } from './options.js';
import { type ResolvedOptions, type ResolvedTtl, requestSettings } from './settings.js';
import { type DigestSalt, varyDigest, bodyDigest, CREDENTIAL_HEADERS, credentialDigest, type PlainHeaders, hashKey, type KeyParts, matchedHeaders, normaliseRequestUrl, requestCredentials } from './key.js';
import { type PolicyRequest, type PolicySettings, varyValues } from './policy/index.js';
import { sha256Hex } from './hash.js';

/** One request as the cache sees it: its key, its policy view and its resolved settings. */
export interface CacheRequest {
  readonly config: InternalAxiosRequestConfig;
  readonly method: string;
  /** Normalised URL (ignored params removed): what a stored entry must answer. */
  readonly url: string;
  readonly key: string;
  /** Parts of a computed key, to derive redirect keys; undefined for a custom key. */
  readonly keyParts: KeyParts | undefined;
  readonly policy: PolicyRequest;
  readonly settings: PolicySettings;
  /** Resolved lifetime from the ttl options, or DO_NOT_CACHE, or undefined (HTTP decides). */
  readonly ttl: ResolvedTtl | undefined;
  /** `cache.tags` of the request (without duplicates); undefined when none. */
  readonly tags?: string[] | undefined;
}

/**
 * Step 3: the request as the cache sees it (its normalised URL, key, policy view and settings), or
 * undefined when it cannot be cached at all (unparseable URL, a body that cannot be keyed): such
 * requests go to the network untouched.
 */
export async function toCacheRequest(
  config: InternalAxiosRequestConfig,
  method: string,
  overrides: CacheRequestOptions | undefined,
  options: ResolvedOptions,
  /** Told why the `key` option gave no usable key (it threw, or returned no non-empty string). */
  onKeyError: (error: Error) => void = () => {},
): Promise<CacheRequest | undefined> {
  const url = normaliseRequestUrl(config, options.ignoredParams);
  if (url === undefined) return undefined;
  const rawHeaders = plainRequestHeaders(config);
  // Credentials never reach the policy (and so never an entry's Vary values): a salted digest
  // stands in for them, enough for Vary matching and for the Authorization rule of RFC 9111 §3.5.
  let headers = rawHeaders;
  for (const name of CREDENTIAL_HEADERS) {
    const value = rawHeaders[name];
    if (value === undefined) continue;
    if (headers === rawHeaders) headers = { ...rawHeaders };
    headers[name] = `sha256:${await credentialDigest(value, options.credentialSalt)}`;
  }
  const { settings, ttl } = requestSettings(overrides, url, options);
  const tags = overrides?.tags === undefined || overrides.tags.length === 0 ? undefined : [...new Set(overrides.tags)];
  const policy: PolicyRequest = { method, url, headers };

  let custom = overrides?.key;
  if (custom === undefined && options.key !== undefined) {
    custom = customKey(options.key, config, onKeyError);
    if (custom === undefined) return undefined;
  }
  if (custom !== undefined) {
    return { config, method, url, key: custom, keyParts: undefined, policy, settings, ttl, tags };
  }
  const body = method === 'GET' || method === 'HEAD' ? null : await bodyDigest(config.data, options.ignoredParams);
  if (body === undefined) return undefined;
  const credentials = options.keyCredentials ? requestCredentials(rawHeaders, config.auth) : undefined;
  const keyParts: KeyParts = {
    method,
    url,
    body,
    headers: matchedHeaders(rawHeaders, options.matchHeaders),
    credentials: credentials === undefined ? null : await credentialDigest(credentials, options.credentialSalt),
  };
  return { config, method, url, key: await hashKey(keyParts), keyParts, policy, settings, ttl, tags };
}

/**
 * The user's `key` function, handled as a `filter` is: one that throws or returns anything but a
 * non-empty string caches nothing for this request (it goes to the network untouched, nothing is
 * read or stored) and is reported; it never fails the request. Before, `null` keyed every URL as
 * `'null'`, so one entry answered them all.
 */
function customKey(key: (config: InternalAxiosRequestConfig) => string, config: InternalAxiosRequestConfig, onKeyError: (error: Error) => void): string | undefined {
  let value: unknown;
  try {
    value = key(config);
  } catch (error) {
    onKeyError(error instanceof Error ? error : new Error(String(error)));
    return undefined;
  }
  if (typeof value === 'string' && value.length > 0) return value;
  onKeyError(new TypeError(`the key option must return a non-empty string; got ${value === '' ? 'an empty string' : typeof value === 'string' ? value : String(value)}`));
  return undefined;
}

/** The key another URL would have for the same request (redirect targets, invalidation). */
export function keyForUrl(request: CacheRequest, method: string, url: string): string | Promise<string> | undefined {
  if (request.keyParts === undefined) return undefined;
  return hashKey({ ...request.keyParts, method, url, body: method === 'GET' || method === 'HEAD' ? null : request.keyParts.body });
}

/**
 * The key of one Vary variant: the base key, the generation of the URL's Vary alias (see
 * lib/alias.ts) and the normalised values of the varying headers.
 */
export function variantKey(baseKey: string, values: Record<string, string>, generation = ''): string | Promise<string> {
  const base = generation === '' ? baseKey : `${baseKey};${generation}`;
  return sha256Hex(JSON.stringify([base, Object.entries(values).sort((a, b) => (a[0] < b[0] ? -1 : 1))]));
}

function plainRequestHeaders(config: InternalAxiosRequestConfig): PlainHeaders {
  const out: PlainHeaders = {};
  const source = config.headers?.toJSON?.() ?? {};
  for (const name in source) {
    const value = (source as Record<string, unknown>)[name];
    if (value === undefined || value === null || value === false) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  if (config.auth && out.authorization === undefined) out.authorization = `Basic ${config.auth.username}:${config.auth.password}`;
  return out;
}

/**
 * The request's values of the named Vary headers as entries store them: digests (lib/key.ts
 * varyDigest). A header the request lacks has no member.
 */
export async function varyDigests(request: CacheRequest, names: readonly string[], salt: DigestSalt): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const values = varyValues(names, request.policy.headers);
  for (const name of Object.keys(values)) {
    Object.defineProperty(out, name, { value: await varyDigest(name, values[name]!, salt), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The request with `policy.selecting` set for this entry's Vary names (unchanged when it has none). */
export async function selectingFor(request: CacheRequest, names: readonly string[], salt: DigestSalt): Promise<CacheRequest> {
  if (names.length === 0) return request;
  return { ...request, policy: { ...request.policy, selecting: await varyDigests(request, names, salt) } };
}
