import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import { invalidationTargets } from '../../lib/policy/index.js';
import { URL_A, request } from './fixtures.js';

const cases: Array<{ name: string; method: string; status: number; headers?: HeaderMap; url?: string; expected: string[] }> = [
  { name: '§4.4 POST 200 invalidates the target URI', method: 'POST', status: 200, expected: [URL_A] },
  { name: '§4.4 PUT 204 invalidates the target URI', method: 'PUT', status: 204, expected: [URL_A] },
  { name: '§4.4 DELETE 200 invalidates the target URI', method: 'DELETE', status: 200, expected: [URL_A] },
  { name: '§4.4 PATCH 201 invalidates the target URI', method: 'PATCH', status: 201, expected: [URL_A] },
  { name: '§4.4 a 3xx is a non-error status', method: 'POST', status: 303, expected: [URL_A] },
  { name: '§4.4 methods of unknown safety invalidate', method: 'PURGE', status: 200, expected: [URL_A] },
  { name: '§4.4 a lowercase unsafe method invalidates', method: 'post', status: 200, expected: [URL_A] },
  { name: '§4.4 GET is safe', method: 'GET', status: 200, expected: [] },
  { name: '§4.4 HEAD is safe', method: 'HEAD', status: 200, expected: [] },
  { name: '§4.4 OPTIONS is safe', method: 'OPTIONS', status: 200, expected: [] },
  { name: '§4.4 TRACE is safe', method: 'TRACE', status: 200, expected: [] },
  { name: '§4.4 a 4xx is an error: nothing is invalidated', method: 'POST', status: 404, expected: [] },
  { name: '§4.4 a 5xx is an error: nothing is invalidated', method: 'DELETE', status: 500, expected: [] },
  { name: '§4.4 a 1xx is not final: nothing is invalidated', method: 'POST', status: 100, expected: [] },
  { name: '§4.4 a relative Location is resolved and invalidated', method: 'POST', status: 201, headers: { location: '/b' }, expected: [URL_A, 'https://example.com/b'] },
  { name: '§4.4 a same-origin Content-Location is invalidated', method: 'PUT', status: 200, headers: { 'content-location': 'https://example.com/c?x=1' }, expected: [URL_A, 'https://example.com/c?x=1'] },
  { name: '§4.4 Location and Content-Location together', method: 'POST', status: 200, headers: { location: 'b', 'content-location': '/c' }, expected: [URL_A, 'https://example.com/b', 'https://example.com/c'] },
  { name: '§4.4 a cross-origin Location MUST NOT be invalidated', method: 'POST', status: 201, headers: { location: 'https://evil.example/b' }, expected: [URL_A] },
  { name: '§4.4 another scheme is another origin', method: 'POST', status: 201, headers: { location: 'http://example.com/b' }, expected: [URL_A] },
  { name: '§4.4 another port is another origin', method: 'POST', status: 201, headers: { location: 'https://example.com:8443/b' }, expected: [URL_A] },
  { name: '§4.4 the fragment is dropped', method: 'POST', status: 201, headers: { location: '/b#top' }, expected: [URL_A, 'https://example.com/b'] },
  { name: '§4.4 a Location equal to the target is not repeated', method: 'POST', status: 200, headers: { location: URL_A }, expected: [URL_A] },
  { name: '§4.4 an unparsable Location is ignored', method: 'POST', status: 200, headers: { location: 'http://[::1' }, expected: [URL_A] },
  { name: '§4.4 Location is not consulted after an error', method: 'POST', status: 500, headers: { location: '/b' }, expected: [] },
  { name: '§4.4 an unparsable request URL is still invalidated as given', method: 'POST', status: 200, headers: { location: '/b' }, url: 'not a url', expected: ['not a url'] },
];

describe('policy/invalidation: invalidationTargets', () => {
  for (const c of cases) {
    it(c.name, () => {
      const req = request({}, c.method, c.url ?? URL_A);
      expect(invalidationTargets(req, { status: c.status, headers: c.headers ?? {} })).to.deep.equal(c.expected);
    });
  }
  it('§4.4 never throws on headers of the wrong type', () => {
    const run = () => invalidationTargets({ method: 'POST', url: URL_A, headers: {} }, { status: 200, headers: { location: 5 as never, 'content-location': null as never } });
    expect(run).not.to.throw();
  });
});
