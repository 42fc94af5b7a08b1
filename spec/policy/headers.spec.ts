import { expect } from 'chai';
import { headerLines, headerList, singletonField, splitOutsideQuotes, trimOWS } from '../../lib/policy/headers.js';

const lineCases: Array<{ name: string; headers: unknown; field: string; expected: string[] }> = [
  { name: 'RFC 9110 §5.3 one line', headers: { vary: 'Accept' }, field: 'vary', expected: ['Accept'] },
  { name: 'RFC 9110 §5.3 several lines', headers: { vary: ['Accept', 'Cookie'] }, field: 'vary', expected: ['Accept', 'Cookie'] },
  { name: 'RFC 9110 §5.1 names are case-insensitive', headers: { Vary: 'Accept' }, field: 'vary', expected: ['Accept'] },
  { name: 'RFC 9110 §5.3 an absent field has no lines', headers: {}, field: 'vary', expected: [] },
  { name: 'RFC 9110 §5.3 a number value is read as text', headers: { age: 5 }, field: 'age', expected: ['5'] },
  { name: 'RFC 9110 §5.3 values of other types are no lines', headers: { age: null, vary: { a: 1 } }, field: 'vary', expected: [] },
  { name: 'RFC 9110 §5.3 a non-object is no headers', headers: 'vary: x', field: 'vary', expected: [] },
  { name: 'RFC 9110 §5.3 inherited properties are not fields', headers: {}, field: 'constructor', expected: [] },
];

describe('policy/headers', () => {
  for (const c of lineCases) {
    it(c.name, () => expect(headerLines(c.headers, c.field)).to.deep.equal(c.expected));
  }

  it('RFC 9110 §5.6.1 list members are split outside quotes, trimmed, empties dropped', () => {
    expect(headerList({ 'if-none-match': ' "a,b" ,, W/"c" ' }, 'if-none-match')).to.deep.equal(['"a,b"', 'W/"c"']);
  });
  it('RFC 9110 §5.6.4 an escaped quote does not end a quoted string', () => {
    expect(splitOutsideQuotes('"a\\",b",c')).to.deep.equal(['"a\\",b"', 'c']);
  });
  it('RFC 9110 §5.6.3 OWS is spaces and tabs only', () => {
    expect(trimOWS(' \t x \t')).to.equal('x');
  });
  it('RFC 9110 §5.5 a singleton repeated with one value is that value', () => {
    expect(singletonField({ etag: ['"a"', ' "a"'] }, 'etag')).to.deep.equal({ present: true, value: '"a"' });
  });
  it('RFC 9110 §5.5 a singleton repeated with different values is unusable', () => {
    expect(singletonField({ etag: ['"a"', '"b"'] }, 'etag')).to.deep.equal({ present: true, value: undefined });
  });
  it('RFC 9110 §5.5 an absent singleton', () => {
    expect(singletonField({}, 'etag')).to.deep.equal({ present: false, value: undefined });
  });
});
