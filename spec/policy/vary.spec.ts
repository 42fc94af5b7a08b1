import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import { varyMatches, varyNames, varyValues } from '../../lib/policy/index.js';
import { entry } from './fixtures.js';

const nameCases: Array<{ name: string; headers: HeaderMap; expected: string[] }> = [
  { name: 'RFC 9110 §12.5.5 one name, lowercased', headers: { vary: 'Accept-Encoding' }, expected: ['accept-encoding'] },
  { name: 'RFC 9110 §12.5.5 a list keeps its order', headers: { vary: 'Accept-Language, Accept' }, expected: ['accept-language', 'accept'] },
  { name: 'RFC 9110 §5.3 several Vary lines combine', headers: { vary: ['Accept', 'Cookie'] }, expected: ['accept', 'cookie'] },
  { name: 'RFC 9110 §12.5.5 duplicates (any case) count once', headers: { vary: 'Accept, ACCEPT, accept' }, expected: ['accept'] },
  { name: 'RFC 9110 §12.5.5 "*" is kept', headers: { vary: 'Accept, *' }, expected: ['accept', '*'] },
  { name: 'RFC 9110 §5.6.1 empty members are ignored', headers: { vary: ' ,Accept,, ' }, expected: ['accept'] },
  { name: 'RFC 9110 §12.5.5 no Vary, no names', headers: {}, expected: [] },
];

describe('policy/vary: varyNames', () => {
  for (const c of nameCases) {
    it(c.name, () => expect(varyNames(c.headers)).to.deep.equal(c.expected));
  }
});

const valueCases: Array<{ name: string; names: string[]; req: Record<string, string | string[] | undefined>; expected: Record<string, string> }> = [
  { name: 'RFC 9111 §4.1 a present header', names: ['accept'], req: { accept: 'text/html' }, expected: { accept: 'text/html' } },
  { name: 'RFC 9111 §4.1 a missing header has no value (absent is not empty)', names: ['accept-language'], req: {}, expected: {} },
  { name: 'RFC 9111 §4.1 an undefined header is missing', names: ['accept-language'], req: { 'accept-language': undefined }, expected: {} },
  { name: 'RFC 9111 §4.1 a header sent empty is present with the empty value', names: ['x-foo'], req: { 'x-foo': '' }, expected: { 'x-foo': '' } },
  { name: 'RFC 9111 §4.1 whitespace is trimmed', names: ['accept'], req: { accept: '  text/html \t' }, expected: { accept: 'text/html' } },
  { name: 'RFC 9111 §4.1 OWS around commas collapses', names: ['accept-encoding'], req: { 'accept-encoding': 'gzip ,   br,deflate' }, expected: { 'accept-encoding': 'gzip,br,deflate' } },
  { name: 'RFC 9111 §4.1 several lines combine with commas', names: ['accept'], req: { accept: ['text/html', ' application/json'] }, expected: { accept: 'text/html,application/json' } },
  { name: 'RFC 9111 §4.1 commas inside quotes are kept', names: ['x-q'], req: { 'x-q': '"a , b" , c' }, expected: { 'x-q': '"a , b",c' } },
  { name: 'RFC 9111 §4.1 values keep their case', names: ['accept-language'], req: { 'accept-language': 'EN-us' }, expected: { 'accept-language': 'EN-us' } },
  { name: 'RFC 9111 §4.1 "*" names no header', names: ['*', 'accept'], req: { accept: 'a' }, expected: { accept: 'a' } },
  { name: 'RFC 9110 §5.1 names are matched case-insensitively', names: ['Accept'], req: { Accept: 'a' }, expected: { accept: 'a' } },
];

describe('policy/vary: varyValues', () => {
  for (const c of valueCases) {
    it(c.name, () => expect(varyValues(c.names, c.req)).to.deep.equal(c.expected));
  }
  it('RFC 9111 §4.1 a header named __proto__ stays a plain value', () => {
    const values = varyValues(['__proto__'], JSON.parse('{"__proto__":"x"}'));
    expect(Object.getPrototypeOf(values)).to.equal(Object.prototype);
    expect(Object.keys(values)).to.deep.equal(['__proto__']);
  });
});

const matchCases: Array<{ name: string; vary: string | undefined; stored: Record<string, string>; presented: Record<string, string | undefined>; expected: boolean }> = [
  { name: 'RFC 9111 §4.1 no Vary matches any request', vary: undefined, stored: { accept: 'a' }, presented: { accept: 'b' }, expected: true },
  { name: 'RFC 9111 §4.1 the same value matches', vary: 'Accept', stored: { accept: 'text/html' }, presented: { accept: 'text/html' }, expected: true },
  { name: 'RFC 9111 §4.1 a different value does not match', vary: 'Accept', stored: { accept: 'text/html' }, presented: { accept: 'application/json' }, expected: false },
  { name: 'RFC 9111 §4.1 absent in both matches', vary: 'Accept-Language', stored: {}, presented: {}, expected: true },
  { name: 'RFC 9111 §4.1 absent in the stored request only does not match', vary: 'Accept-Language', stored: {}, presented: { 'accept-language': 'en' }, expected: false },
  { name: 'RFC 9111 §4.1 absent in the new request only does not match', vary: 'Accept-Language', stored: { 'accept-language': 'en' }, presented: {}, expected: false },
  { name: 'RFC 9111 §4.1 whitespace differences still match', vary: 'Accept-Encoding', stored: { 'accept-encoding': 'gzip, br' }, presented: { 'accept-encoding': 'gzip,br ' }, expected: true },
  { name: 'RFC 9111 §4.1 every nominated header must match', vary: 'Accept, Accept-Language', stored: { accept: 'a', 'accept-language': 'en' }, presented: { accept: 'a', 'accept-language': 'fr' }, expected: false },
  { name: 'RFC 9111 §4.1 headers not nominated are ignored', vary: 'Accept', stored: { accept: 'a', cookie: '1' }, presented: { accept: 'a', cookie: '2' }, expected: true },
  { name: 'RFC 9111 §4.1 Vary: * always fails to match', vary: '*', stored: {}, presented: {}, expected: false },
  { name: 'RFC 9111 §4.1 stored sent empty, new request without it: no match', vary: 'X-Foo', stored: { 'x-foo': '' }, presented: {}, expected: false },
  { name: 'RFC 9111 §4.1 stored without it, new request sends it empty: no match', vary: 'X-Foo', stored: {}, presented: { 'x-foo': '' }, expected: false },
  { name: 'RFC 9111 §4.1 sent empty in both matches', vary: 'X-Foo', stored: { 'x-foo': '' }, presented: { 'x-foo': '' }, expected: true },
  { name: 'RFC 9111 §4.1 value case is significant', vary: 'Accept-Language', stored: { 'accept-language': 'en' }, presented: { 'accept-language': 'EN' }, expected: false },
];

describe('policy/vary: varyMatches', () => {
  for (const c of matchCases) {
    it(c.name, () => {
      const e = entry({ 'cache-control': 'max-age=60', ...(c.vary ? { vary: c.vary } : {}) }, { reqHeaders: c.stored });
      expect(varyMatches(e, { headers: c.presented })).to.equal(c.expected);
    });
  }
  it('RFC 9111 §4.1 stored values that were never normalised still compare normalised', () => {
    const e = { ...entry({ vary: 'Accept-Encoding' }), varyHeaders: { 'accept-encoding': ' gzip ,br' } };
    expect(varyMatches(e, { headers: { 'accept-encoding': 'gzip, br' } })).to.equal(true);
  });
  it('RFC 9111 §4.1 digests given as `selecting` are compared with the stored digests, not the raw values', () => {
    const e = { ...entry({ vary: 'X-Api-Key' }), varyHeaders: { 'x-api-key': 'digest-1' } };
    expect(varyMatches(e, { headers: { 'x-api-key': 'secret' }, selecting: { 'x-api-key': 'digest-1' } })).to.equal(true);
    expect(varyMatches(e, { headers: { 'x-api-key': 'secret' }, selecting: { 'x-api-key': 'digest-2' } })).to.equal(false);
    expect(varyMatches(e, { headers: { 'x-api-key': 'digest-1' }, selecting: {} })).to.equal(false);
  });
  it('RFC 9111 §4.1 an entry without varyHeaders reads them as absent, never throws', () => {
    const e = { ...entry({ vary: 'Accept' }), varyHeaders: undefined as never };
    expect(varyMatches(e, { headers: {} })).to.equal(true);
    expect(varyMatches(e, { headers: { accept: 'a' } })).to.equal(false);
    expect(varyMatches(e, { headers: { accept: '' } })).to.equal(false);
  });
});
