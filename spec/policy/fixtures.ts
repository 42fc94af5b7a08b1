/** Builders shared by the policy specs: fixed clock, default settings, requests, responses, entries. */
import type { CacheEntry, HeaderMap } from '../../lib/entry.js';
import { formatHttpDate, freshness, varyNames, varyValues } from '../../lib/policy/index.js';
import type { PolicyRequest, PolicyResponse, PolicySettings } from '../../lib/policy/index.js';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;
/** The fixed "now" of every spec: 2024-01-15 12:00:00 GMT. */
export const T0 = Date.UTC(2024, 0, 15, 12, 0, 0);
export const URL_A = 'https://example.com/a';

export const httpDate = (ms: number): string => formatHttpDate(ms);

export function settings(overrides: Partial<PolicySettings> = {}): PolicySettings {
  return {
    cacheControl: true,
    shared: false,
    heuristic: 0.1,
    methods: ['GET', 'HEAD'],
    statuses: [200, 203],
    ttl: undefined,
    staleIfError: 0,
    staleWhileRevalidate: 0,
    keepStale: HOUR,
    mode: 'default',
    ...overrides,
  };
}

export function request(headers: Record<string, string | undefined> = {}, method = 'GET', url = URL_A): PolicyRequest {
  return { method, url, headers };
}

export interface ResponseOptions {
  status?: number;
  requestTime?: number;
  responseTime?: number;
  /** Add `Date: <responseTime>` unless the headers carry one (default true). */
  date?: boolean;
}

export function response(headers: HeaderMap = {}, options: ResponseOptions = {}): PolicyResponse {
  const responseTime = options.responseTime ?? T0;
  const withDate = options.date !== false && headers['date'] === undefined;
  return {
    status: options.status ?? 200,
    headers: withDate ? { date: httpDate(responseTime), ...headers } : { ...headers },
    requestTime: options.requestTime ?? responseTime,
    responseTime,
  };
}

export interface EntryOptions extends ResponseOptions {
  reqHeaders?: Record<string, string | undefined>;
  settings?: Partial<PolicySettings>;
  method?: string;
}

/** An entry as the adapter would store it: times from `freshness`, Vary values from the request. */
export function entry(headers: HeaderMap = {}, options: EntryOptions = {}): CacheEntry {
  const res = response(headers, options);
  const req = request(options.reqHeaders ?? {}, options.method ?? 'GET');
  const s = settings(options.settings ?? {});
  const { expiresAt, deleteAt } = freshness(req, res, s, res.responseTime);
  const entryValue: CacheEntry = {
    method: req.method,
    url: req.url,
    status: res.status,
    statusText: 'OK',
    headers: res.headers,
    body: new TextEncoder().encode('hello'),
    varyHeaders: varyValues(varyNames(res.headers), req.headers),
    requestTime: res.requestTime,
    responseTime: res.responseTime,
    createdAt: res.responseTime,
    expiresAt,
    deleteAt,
  };
  if (s.ttl !== undefined) entryValue.assignedLifetime = s.ttl;
  return entryValue;
}
