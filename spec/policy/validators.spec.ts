import { expect } from 'chai';
import type { HeaderMap } from '../../lib/entry.js';
import {
  clientConditionSatisfied,
  entityTagOf,
  hasValidator,
  lastModifiedOf,
  strongMatch,
  weakMatch,
} from '../../lib/policy/validators.js';
import { DAY, T0, entry, httpDate } from './fixtures.js';

const comparisons: Array<{ name: string; a: string; b: string; weak: boolean; strong: boolean }> = [
  { name: '§8.8.3.2 identical strong tags', a: '"1"', b: '"1"', weak: true, strong: true },
  { name: '§8.8.3.2 weak vs strong with the same opaque-tag', a: 'W/"1"', b: '"1"', weak: true, strong: false },
  { name: '§8.8.3.2 two weak tags', a: 'W/"1"', b: 'W/"1"', weak: true, strong: false },
  { name: '§8.8.3.2 different opaque-tags', a: '"1"', b: '"2"', weak: false, strong: false },
  { name: '§8.8.3.2 different weak opaque-tags', a: 'W/"1"', b: 'W/"2"', weak: false, strong: false },
  { name: '§8.8.3 an unquoted tag compares as its raw value', a: 'abc', b: 'abc', weak: true, strong: true },
  { name: '§8.8.3 an empty tag never matches', a: '', b: '', weak: false, strong: false },
];

describe('policy/validators: entity-tag comparison', () => {
  for (const c of comparisons) {
    it(c.name, () => {
      expect(weakMatch(c.a, c.b)).to.equal(c.weak);
      expect(strongMatch(c.a, c.b)).to.equal(c.strong);
    });
  }
});

const readers: Array<{ name: string; headers: HeaderMap; etag: string | undefined; lastModified: string | undefined; validator: boolean }> = [
  { name: '§8.8.3 an ETag is a validator', headers: { etag: '"a"' }, etag: '"a"', lastModified: undefined, validator: true },
  { name: '§8.8.2 a valid Last-Modified is a validator', headers: { 'last-modified': httpDate(T0) }, etag: undefined, lastModified: httpDate(T0), validator: true },
  { name: '§8.8.2 an invalid Last-Modified is none', headers: { 'last-modified': 'yesterday' }, etag: undefined, lastModified: undefined, validator: false },
  { name: '§8.8.3 an empty ETag is none', headers: { etag: ' ' }, etag: undefined, lastModified: undefined, validator: false },
  { name: '§5.5 two different ETag lines are unusable', headers: { etag: ['"a"', '"b"'] }, etag: undefined, lastModified: undefined, validator: false },
  { name: '§5.5 two identical ETag lines count once', headers: { etag: ['"a"', '"a"'] }, etag: '"a"', lastModified: undefined, validator: true },
  { name: '§8.8 no validator at all', headers: { date: httpDate(T0) }, etag: undefined, lastModified: undefined, validator: false },
];

describe('policy/validators: reading validators', () => {
  for (const c of readers) {
    it(c.name, () => {
      expect(entityTagOf(c.headers)).to.equal(c.etag);
      expect(lastModifiedOf(c.headers)?.raw).to.equal(c.lastModified);
      expect(hasValidator(c.headers)).to.equal(c.validator);
    });
  }
});

const LM = T0 - DAY;
const conditionals: Array<{ name: string; stored: HeaderMap; req: Record<string, string>; method?: string; status?: number; expected: boolean }> = [
  { name: '§13.1.2 If-None-Match with the stored ETag', stored: { etag: '"a"' }, req: { 'if-none-match': '"a"' }, expected: true },
  { name: '§13.1.2 If-None-Match uses weak comparison', stored: { etag: '"a"' }, req: { 'if-none-match': 'W/"a"' }, expected: true },
  { name: '§13.1.2 If-None-Match list with the stored ETag', stored: { etag: 'W/"a"' }, req: { 'if-none-match': '"x", "a"' }, expected: true },
  { name: '§13.1.2 If-None-Match without the stored ETag', stored: { etag: '"a"' }, req: { 'if-none-match': '"b"' }, expected: false },
  { name: '§13.1.2 If-None-Match: * matches any stored representation', stored: {}, req: { 'if-none-match': '*' }, expected: true },
  { name: '§13.1.2 If-None-Match with no stored ETag', stored: { 'last-modified': httpDate(LM) }, req: { 'if-none-match': '"a"' }, expected: false },
  { name: '§13.1.3 If-Modified-Since equal to Last-Modified', stored: { 'last-modified': httpDate(LM) }, req: { 'if-modified-since': httpDate(LM) }, expected: true },
  { name: '§13.1.3 If-Modified-Since after Last-Modified', stored: { 'last-modified': httpDate(LM) }, req: { 'if-modified-since': httpDate(LM + DAY) }, expected: true },
  { name: '§13.1.3 If-Modified-Since before Last-Modified', stored: { 'last-modified': httpDate(LM) }, req: { 'if-modified-since': httpDate(LM - 1000) }, expected: false },
  { name: '§13.1.3 an invalid If-Modified-Since is ignored', stored: { 'last-modified': httpDate(LM) }, req: { 'if-modified-since': 'soon' }, expected: false },
  { name: '§13.2.2 If-None-Match takes precedence over If-Modified-Since', stored: { etag: '"a"', 'last-modified': httpDate(LM) }, req: { 'if-none-match': '"b"', 'if-modified-since': httpDate(LM + DAY) }, expected: false },
  { name: 'RFC 9111 §4.3.2 without Last-Modified the stored Date is used', stored: { date: httpDate(T0) }, req: { 'if-modified-since': httpDate(T0) }, expected: true },
  { name: 'RFC 9111 §4.3.2 without Last-Modified: a stored Date after the condition', stored: { date: httpDate(T0) }, req: { 'if-modified-since': httpDate(T0 - 1000) }, expected: false },
  { name: '§13.1.3 If-Modified-Since only applies to GET and HEAD', stored: { 'last-modified': httpDate(LM) }, req: { 'if-modified-since': httpDate(LM) }, method: 'DELETE', expected: false },
  { name: '§13.1 a HEAD request can be answered 304', stored: { etag: '"a"' }, req: { 'if-none-match': '"a"' }, method: 'HEAD', expected: true },
  { name: '§13.2.1 preconditions are ignored for a stored 404', stored: { etag: '"a"' }, req: { 'if-none-match': '*' }, status: 404, expected: false },
  { name: '§13.1 no conditional header, no 304', stored: { etag: '"a"' }, req: {}, expected: false },
];

describe('policy/validators: clientConditionSatisfied', () => {
  for (const c of conditionals) {
    it(c.name, () => {
      const e = entry(c.stored, { status: c.status ?? 200 });
      expect(clientConditionSatisfied(e, { method: c.method ?? 'GET', headers: c.req }, T0)).to.equal(c.expected);
    });
  }
});
