import axios, { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { setupCache } from '../lib/index.js';
import { hashKey, normaliseRequestUrl, stripJsonFields } from '../lib/key.js';
import { webSha256Hex } from '../lib/hash.js';

const none = new Set<string>();
function url(config: Partial<InternalAxiosRequestConfig>, ignored: ReadonlySet<string> = none) {
  return normaliseRequestUrl({ headers: new AxiosHeaders(), ...config } as InternalAxiosRequestConfig, ignored);
}

describe('keys: URL normalisation', () => {
  const same: Array<[string, Partial<InternalAxiosRequestConfig>, string]> = [
    ['lowercases scheme and host', { url: 'HTTP://API.Example.COM/Path' }, 'http://api.example.com/Path'],
    ['drops the default port', { url: 'https://example.com:443/a' }, 'https://example.com/a'],
    ['keeps a non-default port', { url: 'http://example.com:8080/a' }, 'http://example.com:8080/a'],
    ['sorts query params', { url: 'http://e.com/a?b=2&a=1&c=3' }, 'http://e.com/a?a=1&b=2&c=3'],
    ['drops the fragment', { url: 'http://e.com/a#frag' }, 'http://e.com/a'],
    ['drops an empty query', { url: 'http://e.com/a?' }, 'http://e.com/a'],
    ['applies baseURL', { baseURL: 'http://e.com/api/', url: '/users' }, 'http://e.com/api/users'],
    ['absolute url beats baseURL', { baseURL: 'http://e.com/api', url: 'http://other.com/x' }, 'http://other.com/x'],
    ['allowAbsoluteUrls false joins them', { baseURL: 'http://e.com/api', url: 'x', allowAbsoluteUrls: false }, 'http://e.com/api/x'],
    ['applies params', { url: 'http://e.com/a', params: { z: 1, a: 'x y' } }, 'http://e.com/a?a=x+y&z=1'],
    ['merges params with the query', { url: 'http://e.com/a?m=1', params: { b: 2 } }, 'http://e.com/a?b=2&m=1'],
    ['URLSearchParams params', { url: 'http://e.com/a', params: new URLSearchParams('y=2&x=1') }, 'http://e.com/a?x=1&y=2'],
    ['array params as axios sends them', { url: 'http://e.com/a', params: { ids: [1, 2] } }, 'http://e.com/a?ids%5B%5D=1&ids%5B%5D=2'],
    ['repeated names keep their order', { url: 'http://e.com/a?b=1&a=2&a=1' }, 'http://e.com/a?a=2&a=1&b=1'],
    ['keeps the encoding as sent', { url: 'http://e.com/a?q=x%20y&p=x+y' }, 'http://e.com/a?p=x+y&q=x%20y'],
    ['drops empty members', { url: 'http://e.com/a?&b=1&&a=2&' }, 'http://e.com/a?a=2&b=1'],
    [
      'a custom paramsSerializer',
      { url: 'http://e.com/a', params: { ids: [1, 2] }, paramsSerializer: { serialize: (p: Record<string, number[]>) => `ids=${p.ids!.join(',')}` } },
      'http://e.com/a?ids=1,2',
    ],
  ];
  for (const [name, config, expected] of same) it(name, () => expect(url(config)).to.equal(expected));

  it('equivalent requests share a URL: param order, case, default port', () => {
    expect(url({ url: 'HTTP://E.com:80/a?b=1&a=2' })).to.equal(url({ url: 'http://e.com/a', params: { a: 2, b: 1 } }));
  });

  it('ignoredParams leave the URL', () => {
    expect(url({ url: 'http://e.com/a?api_key=secret&q=1' }, new Set(['api_key']))).to.equal('http://e.com/a?q=1');
    expect(url({ url: 'http://e.com/a', params: { api_key: 's' } }, new Set(['api_key']))).to.equal('http://e.com/a');
  });

  it('an unparseable URL gives undefined (the request bypasses the cache)', () => {
    expect(url({ url: '/relative/without/base' })).to.equal(undefined);
  });

  it('a URL carrying credentials gives undefined: it is never cached', () => {
    expect(url({ url: 'https://user:secret@e.com/a' })).to.equal(undefined);
  });

  it('ignoredParams match decoded names', () => {
    expect(url({ url: 'http://e.com/a?api%5Fkey=1&q=2' }, new Set(['api_key']))).to.equal('http://e.com/a?q=2');
  });

  it('ignoredParams leave JSON body fields', () => {
    expect(stripJsonFields('{"q":1,"token":"s"}', new Set(['token']))).to.equal('{"q":1}');
    expect(stripJsonFields('not json', new Set(['token']))).to.equal('not json');
    expect(stripJsonFields('[1,2]', new Set(['token']))).to.equal('[1,2]');
  });
});

describe('keys: the documented hash', () => {
  it('is SHA-256 of the JSON tuple [format major, method, url, body, headers, credentials]', async () => {
    const parts = { method: 'GET', url: 'https://api.example.com/users?page=2', body: null, headers: [['accept-language', 'en']] as Array<[string, string]>, credentials: null };
    const key = await hashKey(parts);
    const expected = createHash('sha256').update(JSON.stringify([1, 'GET', 'https://api.example.com/users?page=2', null, [['accept-language', 'en']], null])).digest('hex');
    expect(key).to.equal(expected);
    // Frozen: services sharing a store depend on this exact value for format major 1.
    expect(key).to.equal('49af48af64bc2d5caf91905dc31dd7edfdc4487cfc2e6db2baa2332c262f8898');
  });

  it('WebCrypto (browsers) and node:crypto give the same digest', async () => {
    const input = JSON.stringify([1, 'GET', 'https://e.com/é', null, [], null]);
    expect(await webSha256Hex(input)).to.equal(createHash('sha256').update(input).digest('hex'));
  });
});

describe('keys: what splits and what shares an entry', () => {
  /** Returns the key the cache computes for a request, via a canned adapter. */
  async function keyOf(options: Parameters<typeof setupCache>[1], config: Parameters<ReturnType<typeof axios.create>['request']>[0]) {
    const api = setupCache(
      axios.create({ adapter: async (c) => ({ data: '{}', status: 200, statusText: 'OK', headers: {}, config: c }) }),
      options,
    );
    const res = await api.request({ url: 'http://e.com/a', ...config });
    return res.cache!.key;
  }

  it('matched headers split the key; other headers do not', async () => {
    const opts = { ttl: '1m', matchHeaders: ['accept-language'] };
    const en = await keyOf(opts, { headers: { 'Accept-Language': 'en' } });
    const fr = await keyOf(opts, { headers: { 'accept-language': 'fr' } });
    const enOther = await keyOf(opts, { headers: { 'accept-language': 'en', 'x-trace': '1' } });
    expect(en).to.not.equal(fr);
    expect(en).to.equal(enOther);
  });

  it('matchHeaders: true splits on every header', async () => {
    const a = await keyOf({ matchHeaders: true }, { headers: { 'x-a': '1' } });
    const b = await keyOf({ matchHeaders: true }, { headers: { 'x-a': '2' } });
    expect(a).to.not.equal(b);
  });

  it('credentials split the key by default, and the option turns that off', async () => {
    const alice = await keyOf({}, { headers: { Authorization: 'Bearer alice' } });
    const bob = await keyOf({}, { headers: { Authorization: 'Bearer bob' } });
    const anon = await keyOf({}, {});
    const basic = await keyOf({}, { auth: { username: 'u', password: 'p' } });
    expect(new Set([alice, bob, anon, basic]).size).to.equal(4);
    const aliceOff = await keyOf({ keyCredentials: false }, { headers: { Authorization: 'Bearer alice' } });
    expect(aliceOff).to.equal(anon);
  });

  it('the credential digest depends on the salt', async () => {
    const a = await keyOf({ credentialSalt: 'one' }, { headers: { Cookie: 'sid=1' } });
    const b = await keyOf({ credentialSalt: 'two' }, { headers: { Cookie: 'sid=1' } });
    expect(a).to.not.equal(b);
  });

  it('ignoredParams share the key', async () => {
    const a = await keyOf({ ignoredParams: ['api_key'] }, { params: { api_key: 'one', q: 1 } });
    const b = await keyOf({ ignoredParams: ['api_key'] }, { params: { q: 1, api_key: 'two' } });
    expect(a).to.equal(b);
  });

  it('bodies split POST keys; ignored JSON fields do not', async () => {
    const opts = { methods: ['post'], ignoredParams: ['nonce'] };
    const a = await keyOf(opts, { method: 'post', data: { q: 1, nonce: 'x' } });
    const b = await keyOf(opts, { method: 'post', data: { q: 1, nonce: 'y' } });
    const c = await keyOf(opts, { method: 'post', data: { q: 2 } });
    expect(a).to.equal(b);
    expect(a).to.not.equal(c);
  });

  it('a custom key function is used verbatim', async () => {
    expect(await keyOf({ key: (c) => `custom:${c.url}` }, {})).to.equal('custom:http://e.com/a');
    expect(await keyOf({}, { cache: { key: 'per-request' } })).to.equal('per-request');
  });
});
