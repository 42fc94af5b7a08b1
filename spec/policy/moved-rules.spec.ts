/**
 * Table specs for the rules that belong to the policy but used to live in the adapter, network and
 * persist steps: the stored-header filter (RFC 9111 §3.1), stale-if-error statuses (RFC 5861 §4),
 * HEAD freshening (§4.3.5), client preconditions (RFC 9110 §13.1) and safe methods (RFC 9110 §9.2.1).
 */
import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import { freshenWithHead, isClientConditional, isSafeMethod, isStaleIfErrorStatus, storedHeaders } from '../../lib/policy/index.js';
import { entry, MIN, request, settings, T0, httpDate } from './fixtures.js';

describe('policy: stored header fields (RFC 9111 §3.1)', () => {
  const cases: Array<{ name: string; headers: HeaderMap; shared?: boolean; storeSetCookie?: boolean; kept: string[]; dropped: string[] }> = [
    { name: '§3.1 hop-by-hop fields are not stored', headers: { connection: 'close', 'keep-alive': 'timeout=5', 'transfer-encoding': 'chunked', te: 'trailers', trailer: 'x', upgrade: 'h2c', 'proxy-connection': 'keep-alive', etag: '"a"' }, kept: ['etag'], dropped: ['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'proxy-connection'] },
    { name: '§3.1 fields named by Connection are not stored', headers: { connection: 'x-session, X-Trace', 'x-session': '1', 'x-trace': '2', 'x-other': '3' }, kept: ['x-other'], dropped: ['x-session', 'x-trace'] },
    { name: '§3.1 Connection given as several lines', headers: { connection: ['x-a', 'x-b'], 'x-a': '1', 'x-b': '2' }, kept: [], dropped: ['x-a', 'x-b'] },
    { name: '§7.3 a shared cache does not store Set-Cookie', headers: { 'set-cookie': ['a=1'], etag: '"a"' }, shared: true, kept: ['etag'], dropped: ['set-cookie'] },
    { name: 'a private cache does not store Set-Cookie by default (one caller\'s session must not reach the next)', headers: { 'set-cookie': ['a=1'], etag: '"a"' }, kept: ['etag'], dropped: ['set-cookie'] },
    { name: 'a private cache keeps Set-Cookie when storeSetCookie asks for it', headers: { 'set-cookie': ['a=1'] }, storeSetCookie: true, kept: ['set-cookie'], dropped: [] },
    { name: '§7.3 a shared cache drops Set-Cookie even when storeSetCookie asks for it', headers: { 'set-cookie': ['a=1'] }, shared: true, storeSetCookie: true, kept: [], dropped: ['set-cookie'] },
    { name: 'end-to-end fields are kept', headers: { 'content-type': 'text/plain', 'cache-control': 'max-age=60', vary: 'accept' }, kept: ['content-type', 'cache-control', 'vary'], dropped: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const kept = storedHeaders(c.headers, { shared: c.shared === true, storeSetCookie: c.storeSetCookie === true }, T0);
      for (const name of c.kept) expect(kept, name).to.have.property(name);
      for (const name of c.dropped) expect(kept, name).not.to.have.property(name);
    });
  }
  it('RFC 9110 §6.6.1 a response without Date gets its receipt time', () => {
    expect(storedHeaders({}, { shared: false }, T0)['date']).to.equal(httpDate(T0));
  });
  it('RFC 9110 §6.6.1 the origin Date is kept', () => {
    expect(storedHeaders({ date: httpDate(T0 - MIN) }, { shared: false }, T0)['date']).to.equal(httpDate(T0 - MIN));
  });
  it('the input map is not changed', () => {
    const headers: HeaderMap = { connection: 'close' };
    storedHeaders(headers, { shared: false }, T0);
    expect(headers).to.deep.equal({ connection: 'close' });
  });
});

describe('policy: stale-if-error statuses (RFC 5861 §4)', () => {
  const table: Array<[number, boolean]> = [
    [500, true], [502, true], [503, true], [504, true],
    [501, false], [505, false], [404, false], [429, false], [200, false], [304, false],
  ];
  for (const [status, expected] of table) {
    it(`RFC 5861 §4 ${status} ${expected ? 'is' : 'is not'} an error stale-if-error answers`, () => {
      expect(isStaleIfErrorStatus(status)).to.equal(expected);
    });
  }
});

describe('policy: HEAD freshens a stored GET (RFC 9111 §4.3.5)', () => {
  const stored = entry({ etag: '"v1"', 'content-length': '5', 'cache-control': 'max-age=60', date: httpDate(T0 - 2 * MIN) }, { responseTime: T0 - 2 * MIN });
  const head = (headers: HeaderMap) => ({ status: 200, headers, requestTime: T0, responseTime: T0 });
  const get = request({}, 'GET');
  const cases: Array<{ name: string; headers: HeaderMap; fresh: boolean }> = [
    { name: '§4.3.5 a matching strong ETag freshens the entry', headers: { etag: '"v1"', 'cache-control': 'max-age=60', date: httpDate(T0) }, fresh: true },
    { name: '§4.3.5 a matching ETag and Content-Length freshens the entry', headers: { etag: '"v1"', 'content-length': '5', 'cache-control': 'max-age=60', date: httpDate(T0) }, fresh: true },
    { name: '§4.3.5 another Content-Length marks the entry stale', headers: { etag: '"v1"', 'content-length': '6', 'cache-control': 'max-age=60', date: httpDate(T0) }, fresh: false },
    { name: '§4.3.5 another ETag marks the entry stale', headers: { etag: '"v2"', 'cache-control': 'max-age=60', date: httpDate(T0) }, fresh: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const updated = freshenWithHead(stored, head(c.headers), get, settings(), T0);
      if (c.fresh) expect(updated.expiresAt).to.be.greaterThan(T0);
      else expect(updated.expiresAt).to.be.at.most(T0);
      expect(updated.body).to.equal(stored.body);
    });
  }
});

describe('policy: client preconditions (RFC 9110 §13.1)', () => {
  const table: Array<[Record<string, string | undefined>, boolean]> = [
    [{ 'if-none-match': '"a"' }, true],
    [{ 'if-modified-since': httpDate(T0) }, true],
    [{ 'if-match': '"a"' }, true],
    [{ 'if-unmodified-since': httpDate(T0) }, true],
    [{ 'if-range': '"a"' }, true],
    [{ accept: 'application/json' }, false],
    [{ 'if-none-match': undefined }, false],
    [{}, false],
  ];
  for (const [headers, expected] of table) {
    it(`§13.1 ${JSON.stringify(headers)} ${expected ? 'is' : 'is not'} the client's own conditional request`, () => {
      expect(isClientConditional(headers)).to.equal(expected);
    });
  }
});

describe('policy: safe methods (RFC 9110 §9.2.1)', () => {
  const table: Array<[string, boolean]> = [
    ['GET', true], ['HEAD', true], ['OPTIONS', true], ['TRACE', true], ['get', true],
    ['POST', false], ['PUT', false], ['DELETE', false], ['PATCH', false], ['PURGE', false],
  ];
  for (const [method, expected] of table) {
    it(`§9.2.1 ${method} ${expected ? 'is' : 'is not'} safe`, () => expect(isSafeMethod(method)).to.equal(expected));
  }
});
