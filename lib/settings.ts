/**
 * Step 1, settings: validation and resolution in one place. `resolveOptions` checks setupCache's
 * options once and fills in defaults; `requestSettings` checks one request's `config.cache` and
 * merges instance options, the first matching `urlTtl` rule and the request's overrides into
 * the settings the policy reads.
 */
import type { AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import { parseDuration } from './duration.js';
import { CacheOptionsError } from './errors.js';
import { type CacheMode, type CacheOptions, type CacheRequestOptions, DO_NOT_CACHE, EXPIRE_IMMEDIATELY, NEVER_EXPIRE } from './options.js';
import type { PolicySettings } from './policy/index.js';
import type { CacheEvent } from './events.js';
import type { CacheStore } from './storage/contract.js';
import { compileUrlPattern, type UrlPattern } from './url-pattern.js';
import type { DigestSalt } from './key.js';

const MODES: readonly CacheMode[] = ['default', 'no-store', 'reload', 'no-cache', 'force-cache', 'only-if-cached'];

/** A resolved lifetime: ms (Infinity never expires, 0 stale at once) or DO_NOT_CACHE. */
export type ResolvedTtl = number | typeof DO_NOT_CACHE;

export interface ResolvedOptions {
  storage: CacheStore;
  ttl: ResolvedTtl | undefined;
  urlTtl: ReadonlyArray<{ pattern: UrlPattern; ttl: ResolvedTtl }>;
  methods: readonly string[];
  statuses: readonly number[];
  filter: ((response: AxiosResponse) => boolean) | undefined;
  ignoredParams: ReadonlySet<string>;
  matchHeaders: readonly string[] | true;
  key: ((request: InternalAxiosRequestConfig) => string) | undefined;
  keyCredentials: boolean;
  /** The salt, or with `secret` the salt and the secret that keys credential and Vary digests. */
  credentialSalt: DigestSalt;
  /** `secret` as a list (signing with the first, accepting any); undefined: entries are not signed. */
  secrets: readonly string[] | undefined;
  cacheControl: boolean;
  shared: boolean;
  staleIfError: number;
  staleWhileRevalidate: number;
  heuristic: number;
  maxHeuristicLifetime: number;
  storeSetCookie: boolean;
  keepStale: number;
  storeTimeout: number;
  log: ((event: CacheEvent) => void) | undefined;
  maxBodySize: number;
}

export const DEFAULT_CREDENTIAL_SALT = 'axios-stash/credentials/v1';

const KNOWN_OPTIONS = new Set<string>([
  'storage', 'ttl', 'urlTtl', 'methods', 'statuses', 'filter', 'ignoredParams', 'matchHeaders', 'key',
  'keyCredentials', 'credentialSalt', 'cacheControl', 'shared', 'staleIfError', 'staleWhileRevalidate',
  'heuristic', 'maxHeuristicLifetime', 'storeSetCookie', 'keepStale', 'storeTimeout', 'debug', 'maxBodySize', 'secret',
]);
const KNOWN_REQUEST_OPTIONS = new Set<string>(['ttl', 'mode', 'staleIfError', 'staleWhileRevalidate', 'key', 'tags']);
export const DEFAULT_MAX_BODY_SIZE = 10 * 1024 * 1024;
const HTTP_TOKEN_RE = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/i;

/** Validates `setupCache` options and resolves defaults; throws CacheOptionsError on the first bad one. */
export function resolveOptions(options: CacheOptions, defaultStorage: () => CacheStore): ResolvedOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new CacheOptionsError('options', 'an object', options);
  }
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw CacheOptionsError.unknown(name, KNOWN_OPTIONS);
    }
  }
  const o = options;
  const secrets = resolveSecret(o.secret);
  const salt = o.credentialSalt === undefined ? DEFAULT_CREDENTIAL_SALT : nonEmptyString('credentialSalt', o.credentialSalt);
  return {
    storage: o.storage === undefined ? defaultStorage() : checkStorage(o.storage),
    ttl: o.ttl === undefined ? undefined : resolveTtl('ttl', o.ttl),
    urlTtl: resolveUrlTtl(o.urlTtl),
    methods: resolveMethods(o.methods),
    statuses: resolveStatuses(o.statuses),
    filter: optionalFunction('filter', o.filter) as ResolvedOptions['filter'],
    ignoredParams: new Set(stringList('ignoredParams', o.ignoredParams ?? [])),
    matchHeaders: resolveMatchHeaders(o.matchHeaders),
    key: optionalFunction('key', o.key) as ResolvedOptions['key'],
    keyCredentials: bool('keyCredentials', o.keyCredentials, true),
    credentialSalt: secrets === undefined ? salt : { salt, secret: secrets[0]! },
    secrets,
    cacheControl: bool('cacheControl', o.cacheControl, true),
    shared: bool('shared', o.shared, false),
    staleIfError: resolveStaleIfError('staleIfError', o.staleIfError),
    staleWhileRevalidate: resolveStaleWhileRevalidate('staleWhileRevalidate', o.staleWhileRevalidate),
    heuristic: resolveHeuristic(o.heuristic),
    maxHeuristicLifetime: o.maxHeuristicLifetime === undefined ? 7 * 86_400_000 : parseDuration('maxHeuristicLifetime', o.maxHeuristicLifetime),
    storeSetCookie: bool('storeSetCookie', o.storeSetCookie, false),
    keepStale: o.keepStale === undefined ? 3_600_000 : parseDuration('keepStale', o.keepStale),
    storeTimeout: resolveStoreTimeout(o.storeTimeout),
    log: resolveDebug(o.debug),
    maxBodySize: resolveMaxBodySize(o.maxBodySize),
  };
}

/**
 * Validates `config.cache` of one request. Bad per-request options are programming errors, so they
 * reject that request with the same kind of message as setupCache (they are not cache failures).
 */
export function checkRequestOptions(value: unknown): CacheRequestOptions | false | undefined {
  if (value === undefined || value === false) return value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CacheOptionsError('cache', 'false or an object of per-request options (ttl, mode, staleIfError, staleWhileRevalidate, key, tags)', value);
  }
  const options = value as Record<string, unknown>;
  for (const name in options) {
    if (!KNOWN_REQUEST_OPTIONS.has(name)) {
      throw CacheOptionsError.unknown(`cache.${name}`, KNOWN_REQUEST_OPTIONS);
    }
  }
  if (options.mode !== undefined && !MODES.includes(options.mode as CacheMode)) {
    throw new CacheOptionsError('cache.mode', `one of ${MODES.map((m) => `'${m}'`).join(', ')}`, options.mode);
  }
  if (options.key !== undefined) nonEmptyString('cache.key', options.key);
  if (options.tags !== undefined) stringList('cache.tags', options.tags, "an array of non-empty strings like ['user:42', 'users']");
  return options as CacheRequestOptions;
}

export function resolveTtl(option: string, value: unknown): ResolvedTtl {
  if (value === NEVER_EXPIRE) return Infinity;
  if (value === EXPIRE_IMMEDIATELY) return 0;
  if (value === DO_NOT_CACHE) return DO_NOT_CACHE;
  if (typeof value === 'number' || typeof value === 'string') return parseDuration(option, value);
  throw new CacheOptionsError(option, 'a duration (ms number or "30s", "5m", "1h", "2d") or NEVER_EXPIRE, EXPIRE_IMMEDIATELY, DO_NOT_CACHE', value);
}

export function resolveStaleIfError(option: string, value: unknown): number {
  if (value === undefined || value === false) return 0;
  if (value === true) return Infinity;
  try {
    return parseDuration(option, value);
  } catch {
    throw new CacheOptionsError(option, 'true, false or a duration (ms number or "30s", "5m", "1h")', value);
  }
}

export function resolveStaleWhileRevalidate(option: string, value: unknown): number {
  if (value === undefined || value === false) return 0;
  try {
    return parseDuration(option, value);
  } catch {
    throw new CacheOptionsError(option, 'false or a duration (ms number or "30s", "5m", "1h")', value);
  }
}

function checkStorage(value: unknown): CacheStore {
  const store = value as Partial<CacheStore> | null;
  const required = ['get', 'set', 'delete', 'getAlias', 'setAlias', 'deleteAlias', 'clear', 'keys'] as const;
  const missing = store && typeof store === 'object' ? required.filter((m) => typeof store[m] !== 'function') : required;
  if (missing.length > 0) {
    throw new CacheOptionsError('storage', `a cache store such as memoryStorage(), sqliteStorage(), fileStorage(), redisStorage() or keyvStorage(keyv) (missing: ${missing.join(', ')})`, value);
  }
  return store as CacheStore;
}

function resolveSecret(value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  const expected = 'a non-empty string, or a non-empty array of them (the first signs, any verifies)';
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new CacheOptionsError('secret', expected, value);
  }
  return list as string[];
}

function resolveUrlTtl(value: unknown): ResolvedOptions['urlTtl'] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new CacheOptionsError('urlTtl', "an object of URL glob → ttl, like { 'api.example.com/users/*': '10m' }", value);
  }
  return Object.entries(value).map(([glob, ttl]) => ({
    pattern: compileUrlPattern(`urlTtl['${glob}']`, glob),
    ttl: resolveTtl(`urlTtl['${glob}']`, ttl),
  }));
}

function resolveMethods(value: unknown): string[] {
  if (value === undefined) return ['GET', 'HEAD'];
  const expected = 'an array of HTTP method names like ["get", "head"]';
  const list = stringList('methods', value, expected);
  for (const method of list) {
    if (!HTTP_TOKEN_RE.test(method)) throw new CacheOptionsError('methods', expected, value);
  }
  return list.map((m) => m.toUpperCase());
}

function resolveStatuses(value: unknown): number[] {
  if (value === undefined) return [200, 203];
  if (!Array.isArray(value) || value.some((s) => !Number.isInteger(s) || s < 100 || s > 599)) {
    throw new CacheOptionsError('statuses', 'an array of HTTP status codes (integers 100-599) like [200, 203]', value);
  }
  return value as number[];
}

function resolveMatchHeaders(value: unknown): readonly string[] | true {
  if (value === undefined || value === false) return [];
  if (value === true) return true;
  const list = stringList('matchHeaders', value, 'true, false or an array of request header names like ["accept-language"]');
  for (const name of list) {
    if (!HTTP_TOKEN_RE.test(name)) {
      throw new CacheOptionsError('matchHeaders', 'true, false or an array of request header names like ["accept-language"]', value);
    }
  }
  return list.map((n) => n.toLowerCase());
}

function resolveHeuristic(value: unknown): number {
  if (value === undefined) return 0.1;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  throw new CacheOptionsError('heuristic', 'a fraction between 0 and 1 (0 disables heuristic freshness)', value);
}

function resolveStoreTimeout(value: unknown): number {
  if (value === undefined) return 500;
  const ms = parseDuration('storeTimeout', value);
  if (ms <= 0) throw new CacheOptionsError('storeTimeout', 'a duration greater than 0', value);
  return ms;
}

function resolveMaxBodySize(value: unknown): number {
  if (value === undefined) return DEFAULT_MAX_BODY_SIZE;
  if (typeof value === 'number' && (Number.isSafeInteger(value) || value === Infinity) && value >= 0) return value;
  throw new CacheOptionsError('maxBodySize', 'a number of bytes >= 0 (or Infinity)', value);
}

function resolveDebug(value: unknown): ResolvedOptions['log'] {
  if (value === undefined || value === false) return undefined;
  if (value === true) return (event) => console.debug(`[axios-stash] ${event.message}`, event.error ?? '');
  if (typeof value === 'function') return value as (event: CacheEvent) => void;
  throw new CacheOptionsError('debug', 'true, false or a function receiving cache events', value);
}

function stringList(option: string, value: unknown, expected = 'an array of strings'): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.length === 0)) {
    throw new CacheOptionsError(option, expected, value);
  }
  return value as string[];
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new CacheOptionsError(option, 'true or false', value);
}

function nonEmptyString(option: string, value: unknown): string {
  if (typeof value === 'string' && value.length > 0) return value;
  throw new CacheOptionsError(option, 'a non-empty string', value);
}

function optionalFunction(option: string, value: unknown): unknown {
  if (value === undefined || typeof value === 'function') return value;
  throw new CacheOptionsError(option, 'a function', value);
}

/** What one request resolves to: the policy's settings, and the lifetime the ttl options give it. */
export interface RequestSettings {
  readonly settings: PolicySettings;
  /** Resolved lifetime from the ttl options, or DO_NOT_CACHE, or undefined (HTTP decides). */
  readonly ttl: ResolvedTtl | undefined;
}

/** Merges instance options, the first matching urlTtl rule and the request's overrides (validated by checkRequestOptions). */
export function requestSettings(overrides: CacheRequestOptions | undefined, url: string, options: ResolvedOptions): RequestSettings {
  const ttl = requestTtl(overrides, url, options);
  const settings: PolicySettings = {
    cacheControl: options.cacheControl,
    shared: options.shared,
    heuristic: options.heuristic,
    methods: options.methods,
    statuses: options.statuses,
    ttl: ttl === DO_NOT_CACHE ? undefined : ttl,
    staleIfError: overrides?.staleIfError === undefined ? options.staleIfError : resolveStaleIfError('cache.staleIfError', overrides.staleIfError),
    staleWhileRevalidate:
      overrides?.staleWhileRevalidate === undefined
        ? options.staleWhileRevalidate
        : resolveStaleWhileRevalidate('cache.staleWhileRevalidate', overrides.staleWhileRevalidate),
    heuristicLimit: options.maxHeuristicLifetime,
    storeSetCookie: options.storeSetCookie,
    keepStale: options.keepStale,
    mode: overrides?.mode ?? 'default',
  };
  return { settings, ttl };
}

/** Expiration precedence below the response headers: request ttl, then urlTtl, then instance ttl. */
function requestTtl(overrides: CacheRequestOptions | undefined, url: string, options: ResolvedOptions): ResolvedTtl | undefined {
  if (overrides?.ttl !== undefined) return resolveTtl('cache.ttl', overrides.ttl);
  for (const { pattern, ttl } of options.urlTtl) if (pattern.matches(url)) return ttl;
  return options.ttl;
}
