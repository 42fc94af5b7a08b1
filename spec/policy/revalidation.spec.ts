import { expect } from 'chai';
import type { CacheEntry, HeaderMap } from '../../lib/entry.js';
import { mergeNotModified, notModifiedApplies, revalidationHeaders } from '../../lib/policy/index.js';
import type { PolicySettings } from '../../lib/policy/index.js';
import { DAY, HOUR, MIN, SEC, T0, entry, httpDate, request, response, settings, type EntryOptions } from './fixtures.js';

const LM = httpDate(T0 - DAY);

const headerCases: Array<{ name: string; stored: HeaderMap; expected: Record<string, string> }> = [
  { name: '§4.3.1 an ETag becomes If-None-Match', stored: { etag: '"v1"' }, expected: { 'if-none-match': '"v1"' } },
  { name: '§4.3.1 a weak ETag is sent as is', stored: { etag: 'W/"v1"' }, expected: { 'if-none-match': 'W/"v1"' } },
  { name: '§4.3.1 Last-Modified becomes If-Modified-Since, verbatim', stored: { 'last-modified': 'sun, 06 nov 1994 08:49:37 gmt' }, expected: { 'if-modified-since': 'sun, 06 nov 1994 08:49:37 gmt' } },
  { name: '§4.3.1 both validators are sent', stored: { etag: '"v1"', 'last-modified': LM }, expected: { 'if-none-match': '"v1"', 'if-modified-since': LM } },
  { name: '§4.3.1 no validator, no conditional headers', stored: { 'cache-control': 'max-age=60' }, expected: {} },
  { name: '§4.3.1 Date is never turned into If-Modified-Since', stored: { date: httpDate(T0) }, expected: {} },
  { name: '§4.3.1 an invalid Last-Modified is not sent', stored: { 'last-modified': 'a while ago' }, expected: {} },
  { name: '§4.3.1 conflicting ETags are not sent', stored: { etag: ['"a"', '"b"'] }, expected: {} },
];

describe('policy/revalidation: revalidationHeaders', () => {
  for (const c of headerCases) {
    it(c.name, () => expect(revalidationHeaders(entry(c.stored))).to.deep.equal(c.expected));
  }
});

const applyCases: Array<{ name: string; stored: HeaderMap; received: HeaderMap; expected: boolean }> = [
  { name: '§4.3.4 a strong ETag equal to the stored one', stored: { etag: '"a"' }, received: { etag: '"a"' }, expected: true },
  { name: '§4.3.4 a strong ETag different from the stored one MUST NOT update', stored: { etag: '"a"' }, received: { etag: '"b"' }, expected: false },
  { name: '§4.3.4 a strong ETag against a weak stored one does not match strongly', stored: { etag: 'W/"a"' }, received: { etag: '"a"' }, expected: false },
  { name: '§4.3.4 a weak ETag matching weakly', stored: { etag: '"a"' }, received: { etag: 'W/"a"' }, expected: true },
  { name: '§4.3.4 a weak ETag not matching', stored: { etag: 'W/"a"' }, received: { etag: 'W/"b"' }, expected: false },
  { name: '§4.3.4 an ETag when nothing was stored', stored: { 'last-modified': LM }, received: { etag: '"a"' }, expected: false },
  { name: '§4.3.4 an equal Last-Modified', stored: { 'last-modified': LM }, received: { 'last-modified': LM }, expected: true },
  { name: '§4.3.4 a different Last-Modified', stored: { 'last-modified': LM }, received: { 'last-modified': httpDate(T0) }, expected: false },
  { name: '§4.3.4 a 304 without validators answers the entry it was asked about', stored: { etag: '"a"' }, received: { date: httpDate(T0) }, expected: true },
];

describe('policy/revalidation: notModifiedApplies', () => {
  for (const c of applyCases) {
    it(c.name, () => expect(notModifiedApplies(entry(c.stored), { headers: c.received })).to.equal(c.expected));
  }
});

interface MergeCase {
  name: string;
  stored: HeaderMap;
  storedOptions?: EntryOptions;
  received: HeaderMap;
  /** When the 304 arrives (requestTime = responseTime unless requestDelay). */
  at: number;
  requestDelay?: number;
  receivedDate?: boolean;
  settings?: Partial<PolicySettings>;
  reqHeaders?: Record<string, string | undefined>;
  check: (merged: CacheEntry, original: CacheEntry) => void;
}

const mergeCases: MergeCase[] = [
  {
    name: '§4.3.4 new Cache-Control from the 304 gives the new lifetime',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: { 'cache-control': 'max-age=300', etag: '"a"' },
    at: T0 + 2 * MIN,
    check: (m) => {
      expect(m.headers['cache-control']).to.equal('max-age=300');
      expect(m.expiresAt).to.equal(T0 + 2 * MIN + 300 * SEC);
      expect(m.deleteAt).to.equal(m.expiresAt + HOUR);
    },
  },
  {
    name: '§4.3.4 stored lifetime runs again from the 304 when it brings none',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: { etag: '"a"' },
    at: T0 + 10 * MIN,
    check: (m) => expect(m.expiresAt).to.equal(T0 + 11 * MIN),
  },
  {
    name: '§3.2 Content-Length is never updated',
    stored: { 'content-length': '5', etag: '"a"' },
    received: { 'content-length': '0' },
    at: T0 + MIN,
    check: (m) => expect(m.headers['content-length']).to.equal('5'),
  },
  {
    name: '§3.2 Content-Encoding is not updated: the stored body depends on it',
    stored: { etag: '"a"' },
    received: { 'content-encoding': 'gzip' },
    at: T0 + MIN,
    check: (m) => expect(m.headers['content-encoding']).to.equal(undefined),
  },
  {
    name: '§3.1 hop-by-hop fields and those named by Connection are not stored',
    stored: { etag: '"a"' },
    received: { connection: 'close, X-Hop', 'x-hop': '1', 'transfer-encoding': 'chunked', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic' },
    at: T0 + MIN,
    check: (m) => {
      for (const name of ['connection', 'x-hop', 'transfer-encoding', 'keep-alive', 'proxy-authenticate']) expect(m.headers[name], name).to.equal(undefined);
    },
  },
  {
    name: '§3.2 other fields are added or replaced, unknown ones included',
    stored: { etag: '"a"', 'x-version': '1', 'content-type': 'text/plain' },
    received: { 'x-version': '2', 'x-new': 'yes', 'content-type': 'text/html' },
    at: T0 + MIN,
    check: (m) => {
      expect(m.headers['x-version']).to.equal('2');
      expect(m.headers['x-new']).to.equal('yes');
      expect(m.headers['content-type']).to.equal('text/html');
    },
  },
  {
    name: '§3.2 received field names are lowercased',
    stored: { etag: '"a"' },
    received: { 'X-Upper': 'v' } as HeaderMap,
    at: T0 + MIN,
    check: (m) => expect(m.headers['x-upper']).to.equal('v'),
  },
  {
    name: '§4.3.4 times move to the 304, createdAt, status and body stay',
    stored: { etag: '"a"' },
    received: {},
    at: T0 + HOUR,
    requestDelay: 2 * SEC,
    check: (m, o) => {
      expect(m.requestTime).to.equal(T0 + HOUR - 2 * SEC);
      expect(m.responseTime).to.equal(T0 + HOUR);
      expect(m.createdAt).to.equal(o.createdAt);
      expect(m.status).to.equal(o.status);
      expect(m.body).to.equal(o.body);
      expect(m.method).to.equal(o.method);
      expect(m.url).to.equal(o.url);
    },
  },
  {
    name: 'RFC 9110 §6.6.1 a 304 without Date gets its receipt time as Date',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: {},
    receivedDate: false,
    at: T0 + HOUR,
    check: (m) => {
      expect(m.headers['date']).to.equal(httpDate(T0 + HOUR));
      expect(m.expiresAt).to.equal(T0 + HOUR + MIN);
    },
  },
  {
    name: '§4.2.3 the old Age is dropped when the 304 carries none',
    stored: { 'cache-control': 'max-age=300', etag: '"a"', age: '100' },
    received: {},
    at: T0 + MIN,
    check: (m) => {
      expect(m.headers['age']).to.equal(undefined);
      expect(m.expiresAt).to.equal(T0 + MIN + 300 * SEC);
    },
  },
  {
    name: '§4.2.3 the 304 Age ages the freshened entry',
    stored: { 'cache-control': 'max-age=300', etag: '"a"' },
    received: { age: '50' },
    at: T0 + MIN,
    check: (m) => expect(m.expiresAt).to.equal(T0 + MIN + 250 * SEC),
  },
  {
    name: 'the ttl the entry was stored with gives the new lifetime',
    stored: { etag: '"a"' },
    storedOptions: { settings: { ttl: MIN } },
    received: {},
    at: T0 + HOUR,
    settings: { ttl: DAY },
    check: (m) => {
      expect(m.assignedLifetime).to.equal(MIN);
      expect(m.expiresAt).to.equal(T0 + HOUR + MIN);
    },
  },
  {
    name: 'without a stored ttl the current settings ttl applies',
    stored: { etag: '"a"' },
    received: {},
    at: T0 + HOUR,
    settings: { ttl: 2 * MIN },
    check: (m) => expect(m.expiresAt).to.equal(T0 + HOUR + 2 * MIN),
  },
  {
    name: '§5.2.2.4 a 304 adding no-cache leaves the entry stale',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: { 'cache-control': 'no-cache' },
    at: T0 + HOUR,
    check: (m) => expect(m.expiresAt).to.be.at.most(T0 + HOUR),
  },
  {
    name: '§7.3 Set-Cookie from a 304 is not merged into a shared entry',
    stored: { 'cache-control': 's-maxage=60', etag: '"a"' },
    received: { 'set-cookie': 'sid=2' },
    at: T0 + MIN,
    settings: { shared: true },
    check: (m) => expect(m.headers['set-cookie']).to.equal(undefined),
  },
  {
    name: '§3.2 Set-Cookie from a 304 is merged into a private entry that keeps cookies (storeSetCookie)',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: { 'set-cookie': 'sid=2' },
    at: T0 + MIN,
    settings: { storeSetCookie: true },
    check: (m) => expect(m.headers['set-cookie']).to.equal('sid=2'),
  },
  {
    name: 'Set-Cookie from a 304 is not merged into a private entry by default',
    stored: { 'cache-control': 'max-age=60', etag: '"a"' },
    received: { 'set-cookie': 'sid=2' },
    at: T0 + MIN,
    check: (m) => expect(m.headers['set-cookie']).to.equal(undefined),
  },
  {
    name: '§4.1 Vary values are kept when the 304 keeps Vary',
    stored: { vary: 'Accept', etag: '"a"' },
    storedOptions: { reqHeaders: { accept: 'text/html' } },
    received: {},
    at: T0 + MIN,
    reqHeaders: {},
    check: (m) => expect(m.varyHeaders).to.deep.equal({ accept: 'text/html' }),
  },
  {
    name: '§4.1 Vary values are recomputed when the 304 changes Vary',
    stored: { vary: 'Accept', etag: '"a"' },
    storedOptions: { reqHeaders: { accept: 'text/html' } },
    received: { vary: 'Accept, Accept-Language' },
    at: T0 + MIN,
    reqHeaders: { accept: 'text/html', 'accept-language': 'en' },
    check: (m) => expect(m.varyHeaders).to.deep.equal({ accept: 'text/html', 'accept-language': 'en' }),
  },
  {
    name: '§4.3.4 the stored entry is not mutated',
    stored: { 'cache-control': 'max-age=60', etag: '"a"', 'x-list': ['1', '2'] },
    received: { 'cache-control': 'max-age=1', 'x-list': ['3'] },
    at: T0 + MIN,
    check: (m, o) => {
      expect(o.headers['cache-control']).to.equal('max-age=60');
      expect(o.headers['x-list']).to.deep.equal(['1', '2']);
      expect(o.expiresAt).to.equal(T0 + MIN);
      expect(m.headers).not.to.equal(o.headers);
    },
  },
];

describe('policy/revalidation: mergeNotModified', () => {
  for (const c of mergeCases) {
    it(c.name, () => {
      const original = entry(c.stored, c.storedOptions);
      const snapshot = JSON.stringify({ ...original, body: undefined });
      const res304 = response(c.received, {
        status: 304,
        responseTime: c.at,
        requestTime: c.at - (c.requestDelay ?? 0),
        date: c.receivedDate ?? true,
      });
      const merged = mergeNotModified(original, res304, request(c.reqHeaders ?? c.storedOptions?.reqHeaders ?? {}), settings(c.settings), c.at);
      c.check(merged, original);
      expect(JSON.stringify({ ...original, body: undefined })).to.equal(snapshot);
    });
  }

  it('§4.3.4 never throws on a malformed 304', () => {
    const original = entry({ etag: '"a"' });
    const bad = { status: 304, headers: { age: null, date: 5, 'cache-control': {} }, requestTime: NaN, responseTime: undefined } as never;
    const run = () => mergeNotModified(original, bad, request(), settings(), T0);
    expect(run).not.to.throw();
    const merged = run();
    expect(Number.isNaN(merged.expiresAt)).to.equal(false);
    expect(Number.isNaN(merged.deleteAt)).to.equal(false);
  });
});
