import { expect } from 'chai';
import { directiveMs, parseCacheControl, requestDirectives, responseDirectives } from '../../lib/policy/cache-control.js';

type Parsed = Record<string, string | true>;

const parseCases: Array<{ name: string; value: string | string[] | undefined; expected: Parsed }> = [
  { name: '§5.2 a single directive with a token argument', value: 'max-age=60', expected: { 'max-age': '60' } },
  { name: '§5.2 a directive without argument reads as true', value: 'no-store', expected: { 'no-store': true } },
  { name: '§5.2 directive names compare case-insensitively (MAX-AGE)', value: 'MAX-AGE=60', expected: { 'max-age': '60' } },
  { name: '§5.2 directive names compare case-insensitively (No-CaChE)', value: 'No-CaChE', expected: { 'no-cache': true } },
  { name: '§5.2 quoted-string arguments are accepted and unquoted', value: 'max-age="60"', expected: { 'max-age': '60' } },
  { name: '§5.2 several directives, OWS around commas and "="', value: '  public ,max-age = 10 ', expected: { public: true, 'max-age': '10' } },
  { name: '§5.2 several field lines combine', value: ['public', 'max-age=10'], expected: { public: true, 'max-age': '10' } },
  { name: '§5.2.2.4 qualified no-cache keeps its field list', value: 'no-cache="Set-Cookie, X-Foo"', expected: { 'no-cache': 'Set-Cookie, X-Foo' } },
  { name: '§5.2 a comma inside a quoted string does not split', value: 'private="a,b", max-age=5', expected: { private: 'a,b', 'max-age': '5' } },
  { name: '§5.2 backslash escapes inside a quoted string', value: 'no-cache="a\\"b"', expected: { 'no-cache': 'a"b' } },
  { name: '§4.2.1 two max-age: the smallest wins (later smaller)', value: 'max-age=60, max-age=10', expected: { 'max-age': '10' } },
  { name: '§4.2.1 two max-age: the smallest wins (first smaller)', value: 'max-age=10, max-age=60', expected: { 'max-age': '10' } },
  { name: '§4.2.1 two max-age on separate lines: the smallest wins', value: ['max-age=60', 'max-age=5'], expected: { 'max-age': '5' } },
  { name: '§4.2.1 two s-maxage: the smallest wins', value: 's-maxage=100, s-maxage=20', expected: { 's-maxage': '20' } },
  { name: '§4.2.1 a valid and an invalid max-age: invalid reads 0 and wins', value: 'max-age=60, max-age=abc', expected: { 'max-age': '0' } },
  { name: '§4.2.1 other repeated directives: the first occurrence wins', value: 'stale-while-revalidate=30, stale-while-revalidate=10', expected: { 'stale-while-revalidate': '30' } },
  { name: '§4.2.1 repeated private: the first (unqualified) wins', value: 'private, private="x"', expected: { private: true } },
  { name: '§1.2.2 negative max-age is invalid and reads 0 (stale)', value: 'max-age=-1', expected: { 'max-age': '0' } },
  { name: '§1.2.2 fractional max-age is invalid and reads 0', value: 'max-age=1.5', expected: { 'max-age': '0' } },
  { name: '§1.2.2 non-numeric max-age reads 0', value: 'max-age=abc', expected: { 'max-age': '0' } },
  { name: '§1.2.2 signed max-age (+5) reads 0', value: 'max-age=+5', expected: { 'max-age': '0' } },
  { name: '§1.2.2 max-age without argument reads 0', value: 'max-age', expected: { 'max-age': '0' } },
  { name: '§1.2.2 max-age with empty argument reads 0', value: 'max-age=', expected: { 'max-age': '0' } },
  { name: '§1.2.2 a huge delta-seconds caps at 2^31', value: 'max-age=99999999999999999999', expected: { 'max-age': '2147483648' } },
  { name: '§1.2.2 2^31 + 1 caps at 2^31', value: 's-maxage=2147483649', expected: { 's-maxage': '2147483648' } },
  { name: '§1.2.2 leading zeros are a valid delta-seconds', value: 'max-age=007', expected: { 'max-age': '7' } },
  { name: '§5.2.1.2 max-stale without argument means any staleness', value: 'max-stale', expected: { 'max-stale': true } },
  { name: '§5.2.1.2 max-stale with an argument', value: 'max-stale=30', expected: { 'max-stale': '30' } },
  { name: '§5.2.1.2 max-stale with an invalid argument reads 0', value: 'max-stale=soon', expected: { 'max-stale': '0' } },
  { name: 'RFC 5861 stale-if-error without argument reads 0 (off)', value: 'stale-if-error', expected: { 'stale-if-error': '0' } },
  { name: '§5.2.3 unknown directives are kept but never change known ones', value: 'foo=bar, max-age=5, x-thing', expected: { foo: 'bar', 'max-age': '5', 'x-thing': true } },
  { name: '§5.2 an empty value has no directives', value: '', expected: {} },
  { name: '§5.2 empty list members are ignored', value: ',, ,max-age=5,', expected: { 'max-age': '5' } },
  { name: '§5.2 a member without a name is skipped', value: '=5, public', expected: { public: true } },
  { name: '§5.2 a name that is not a token is skipped', value: 'max age=5, public', expected: { public: true } },
  { name: '§5.2 an unterminated quote swallows the rest of the line', value: 'private="foo, max-age=600', expected: { private: '"foo, max-age=600' } },
  { name: '§5.2 an absent header has no directives', value: undefined, expected: {} },
];

describe('policy/cache-control: parseCacheControl', () => {
  for (const { name, value, expected } of parseCases) {
    it(name, () => {
      expect(Object.fromEntries(parseCacheControl(value))).to.deep.equal(expected);
    });
  }

  it('§5.2 never throws on values of the wrong type', () => {
    for (const value of [42, null, {}, [1, null], Symbol.iterator] as unknown[]) {
      expect(() => parseCacheControl(value as string)).not.to.throw();
      expect(parseCacheControl(value as string).size).to.equal(0);
    }
  });
});

const requestCases: Array<{ name: string; headers: Record<string, string | undefined>; noCache: boolean; extra?: Parsed }> = [
  { name: '§5.4 Pragma: no-cache without Cache-Control counts as no-cache', headers: { pragma: 'no-cache' }, noCache: true },
  { name: '§5.4 Pragma is compared case-insensitively', headers: { pragma: 'No-Cache' }, noCache: true },
  { name: '§5.4 Pragma no-cache among other pragma directives', headers: { pragma: 'foo, no-cache' }, noCache: true },
  { name: '§5.4 Pragma is ignored when Cache-Control is present', headers: { pragma: 'no-cache', 'cache-control': 'max-age=5' }, noCache: false, extra: { 'max-age': '5' } },
  { name: '§5.4 an empty Cache-Control counts as absent', headers: { pragma: 'no-cache', 'cache-control': '' }, noCache: true },
  { name: '§5.4 other pragma directives mean nothing', headers: { pragma: 'foo' }, noCache: false },
  { name: '§5.2.1 request Cache-Control parses like a response one', headers: { 'cache-control': 'No-Cache, max-stale' }, noCache: true, extra: { 'max-stale': true } },
];

describe('policy/cache-control: requestDirectives / responseDirectives', () => {
  for (const { name, headers, noCache, extra } of requestCases) {
    it(name, () => {
      const directives = requestDirectives(headers);
      expect(directives.has('no-cache')).to.equal(noCache);
      for (const [key, value] of Object.entries(extra ?? {})) expect(directives.get(key)).to.equal(value);
    });
  }

  it('§5.4 Pragma: no-cache in a response has no defined meaning', () => {
    expect(responseDirectives({ pragma: 'no-cache' }).has('no-cache')).to.equal(false);
  });

  it('§5.2 response directives read every Cache-Control line', () => {
    expect(Object.fromEntries(responseDirectives({ 'cache-control': ['public', 'max-age=9'] }))).to.deep.equal({ public: true, 'max-age': '9' });
  });
});

const msCases: Array<{ name: string; value: string; directive: string; expected: number | undefined }> = [
  { name: '§5.2.2.1 max-age in ms', value: 'max-age=60', directive: 'max-age', expected: 60_000 },
  { name: '§5.2.1.2 valueless max-stale is unlimited', value: 'max-stale', directive: 'max-stale', expected: Infinity },
  { name: '§5.2.1.2 max-stale with a value', value: 'max-stale=5', directive: 'max-stale', expected: 5_000 },
  { name: '§5.2 an absent directive is undefined', value: 'public', directive: 'max-age', expected: undefined },
  { name: '§1.2.2 capped values stay finite', value: 'max-age=99999999999', directive: 'max-age', expected: 2147483648_000 },
];

describe('policy/cache-control: directiveMs', () => {
  for (const { name, value, directive, expected } of msCases) {
    it(name, () => {
      expect(directiveMs(parseCacheControl(value), directive)).to.equal(expected);
    });
  }
});
