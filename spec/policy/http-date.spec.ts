import { expect } from 'chai';
import { formatHttpDate, parseHttpDate } from '../../lib/policy/http-date.js';
import { T0 } from './fixtures.js';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);

const cases: Array<{ name: string; value: string | string[] | undefined; now?: number; expected: number | undefined }> = [
  { name: '§5.6.7 IMF-fixdate', value: 'Sun, 06 Nov 1994 08:49:37 GMT', expected: NOV_6_1994 },
  { name: '§5.6.7 obsolete RFC 850 date', value: 'Sunday, 06-Nov-94 08:49:37 GMT', now: T0, expected: NOV_6_1994 },
  { name: '§5.6.7 obsolete asctime date', value: 'Sun Nov  6 08:49:37 1994', expected: NOV_6_1994 },
  { name: '§5.6.7 asctime with a single space before the day', value: 'Sun Nov 6 08:49:37 1994', expected: NOV_6_1994 },
  { name: 'RFC 9111 §4.2 wrong case is accepted (IMF-fixdate)', value: 'sun, 06 NOV 1994 08:49:37 gmt', expected: NOV_6_1994 },
  { name: 'RFC 9111 §4.2 wrong case is accepted (RFC 850)', value: 'SUNDAY, 06-nov-94 08:49:37 Gmt', now: T0, expected: NOV_6_1994 },
  { name: 'RFC 9111 §4.2 wrong case is accepted (asctime)', value: 'SUN NOV  6 08:49:37 1994', expected: NOV_6_1994 },
  { name: '§5.6.7 surrounding whitespace is ignored', value: '  Sun, 06 Nov 1994 08:49:37 GMT \t', expected: NOV_6_1994 },
  { name: '§5.6.7 RFC 850 with a four-digit year', value: 'Sunday, 06-Nov-1994 08:49:37 GMT', expected: NOV_6_1994 },
  { name: '§5.6.7 two-digit year less than 50 years ahead stays in this century', value: 'Friday, 01-Jan-70 00:00:00 GMT', now: T0, expected: Date.UTC(2070, 0, 1) },
  { name: '§5.6.7 two-digit year more than 50 years ahead is the previous century', value: 'Friday, 01-Jan-75 00:00:00 GMT', now: T0, expected: Date.UTC(1975, 0, 1) },
  { name: '§5.6.7 two-digit year without a clock: 69 → 2069', value: 'Friday, 01-Jan-69 00:00:00 GMT', expected: Date.UTC(2069, 0, 1) },
  { name: '§5.6.7 two-digit year without a clock: 70 → 1970', value: 'Friday, 01-Jan-70 00:00:00 GMT', expected: Date.UTC(1970, 0, 1) },
  { name: '§5.6.7 leap day in a leap year', value: 'Thu, 29 Feb 2024 00:00:00 GMT', expected: Date.UTC(2024, 1, 29) },
  { name: '§5.6.7 leap second 60 is allowed', value: 'Sat, 31 Dec 2016 23:59:60 GMT', expected: Date.UTC(2017, 0, 1) },
  { name: '§5.6.7 single-digit day in IMF-fixdate is tolerated', value: 'Sun, 6 Nov 1994 08:49:37 GMT', expected: NOV_6_1994 },
  { name: '§5.6.7 repeated identical lines read as one', value: ['Sun, 06 Nov 1994 08:49:37 GMT', 'Sunday, 06-Nov-1994 08:49:37 GMT'], expected: NOV_6_1994 },
  // invalid → undefined
  { name: 'RFC 9111 §4.2 a zone other than GMT is invalid (PST)', value: 'Sun, 06 Nov 1994 08:49:37 PST', expected: undefined },
  { name: 'RFC 9111 §4.2 a zone other than GMT is invalid (UTC)', value: 'Sun, 06 Nov 1994 08:49:37 UTC', expected: undefined },
  { name: 'RFC 9111 §4.2 a numeric offset is invalid', value: 'Sun, 06 Nov 1994 08:49:37 +0000', expected: undefined },
  { name: 'RFC 9111 §5.3 "0" is not a date', value: '0', expected: undefined },
  { name: 'RFC 9111 §5.3 "-1" is not a date', value: '-1', expected: undefined },
  { name: '§5.6.7 an epoch number is not a date', value: '1700000000', expected: undefined },
  { name: '§5.6.7 ISO 8601 is not an HTTP-date', value: '1994-11-06T08:49:37Z', expected: undefined },
  { name: '§5.6.7 garbage', value: 'tomorrow', expected: undefined },
  { name: '§5.6.7 the empty string', value: '', expected: undefined },
  { name: '§5.6.7 day 32 does not exist', value: 'Sun, 32 Nov 1994 08:49:37 GMT', expected: undefined },
  { name: '§5.6.7 30 February does not exist', value: 'Fri, 30 Feb 2024 00:00:00 GMT', expected: undefined },
  { name: '§5.6.7 29 February of a common year does not exist', value: 'Wed, 29 Feb 2023 00:00:00 GMT', expected: undefined },
  { name: '§5.6.7 hour 24 does not exist', value: 'Sun, 06 Nov 1994 24:00:00 GMT', expected: undefined },
  { name: '§5.6.7 minute 60 does not exist', value: 'Sun, 06 Nov 1994 08:60:00 GMT', expected: undefined },
  { name: '§5.6.7 an unknown month', value: 'Sun, 06 Foo 1994 08:49:37 GMT', expected: undefined },
  { name: '§5.6.7 an unknown day name', value: 'Xyz, 06 Nov 1994 08:49:37 GMT', expected: undefined },
  { name: '§5.6.7 trailing garbage', value: 'Sun, 06 Nov 1994 08:49:37 GMT extra', expected: undefined },
  { name: '§5.6.7 missing time', value: 'Sun, 06 Nov 1994 GMT', expected: undefined },
  { name: 'RFC 9111 §4.2.1 two different lines are unusable', value: ['Sun, 06 Nov 1994 08:49:37 GMT', 'Mon, 07 Nov 1994 08:49:37 GMT'], expected: undefined },
  { name: 'RFC 9111 §4.2.1 two dates joined by a comma are unusable', value: 'Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT', expected: undefined },
  { name: '§5.6.7 no lines', value: [], expected: undefined },
  { name: '§5.6.7 an absent header', value: undefined, expected: undefined },
];

describe('policy/http-date: parseHttpDate', () => {
  for (const { name, value, now, expected } of cases) {
    it(name, () => {
      expect(parseHttpDate(value, now)).to.equal(expected);
    });
  }

  it('§5.6.7 never throws on values of the wrong type', () => {
    for (const value of [42, null, {}, [null], [42], NaN] as unknown[]) {
      expect(() => parseHttpDate(value as string)).not.to.throw();
      expect(parseHttpDate(value as string)).to.equal(undefined);
    }
  });
});

describe('policy/http-date: formatHttpDate', () => {
  it('§5.6.7 formats IMF-fixdate', () => {
    expect(formatHttpDate(NOV_6_1994)).to.equal('Sun, 06 Nov 1994 08:49:37 GMT');
  });
  it('§5.6.7 round-trips through parseHttpDate (whole seconds)', () => {
    expect(parseHttpDate(formatHttpDate(T0 + 1234))).to.equal(T0 + 1000);
  });
  it('§5.6.7 a non-finite time formats the epoch instead of throwing', () => {
    expect(formatHttpDate(NaN)).to.equal('Thu, 01 Jan 1970 00:00:00 GMT');
  });
});
