/**
 * HTTP-date (RFC 9110 §5.6.7): parsing all three formats and formatting IMF-fixdate.
 * Parsing never throws; anything that is not a valid date in GMT reads as undefined.
 */

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};
const SHORT_DAYS = new Set(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
const LONG_DAYS = new Set(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']);

// RFC 9111 §4.2: match case-insensitively; a zone other than "GMT" is invalid for expiration.
/** IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT` (also tolerates a two-digit year, RFC 1123 style). */
const IMF_FIXDATE = /^([a-z]{3}),[ \t]*(\d{1,2})[ \t]+([a-z]{3})[ \t]+(\d{4}|\d{2})[ \t]+(\d{2}):(\d{2}):(\d{2})[ \t]+gmt$/i;
/** Obsolete RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`. */
const RFC850_DATE = /^([a-z]{6,9}),[ \t]*(\d{1,2})-([a-z]{3})-(\d{2}|\d{4})[ \t]+(\d{2}):(\d{2}):(\d{2})[ \t]+gmt$/i;
/** Obsolete asctime: `Sun Nov  6 08:49:37 1994`. */
const ASCTIME_DATE = /^([a-z]{3})[ \t]+([a-z]{3})[ \t]+(\d{1,2})[ \t]+(\d{2}):(\d{2}):(\d{2})[ \t]+(\d{4})$/i;

/**
 * RFC 9110 §5.6.7: a two-digit year that appears more than 50 years in the future is the most
 * recent past year with those digits. Without `now` the policy may not read the clock, so it
 * falls back to the common fixed pivot (00–69 → 20xx, 70–99 → 19xx).
 */
function fullYear(twoDigits: number, now: number | undefined): number {
  if (now === undefined || !Number.isFinite(now)) return twoDigits < 70 ? 2000 + twoDigits : 1900 + twoDigits;
  const currentYear = new Date(now).getUTCFullYear();
  let year = currentYear - (currentYear % 100) + twoDigits;
  if (year > currentYear + 50) year -= 100;
  return year;
}

function build(year: number, monthName: string, day: number, hour: number, minute: number, second: number): number | undefined {
  const month = MONTHS[monthName.toLowerCase()];
  if (month === undefined) return undefined;
  // RFC 9110 §5.6.7: hour 00-23, minute 00-59, second 00-60 (leap second).
  if (hour > 23 || minute > 59 || second > 60 || day < 1) return undefined;
  const daysInMonth = new Date(Date.UTC(2000, month + 1, 0)).getUTCDate();
  const leap = month === 1 && (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0));
  if (day > (month === 1 ? (leap ? 29 : 28) : daysInMonth)) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month, day); // setUTCFullYear keeps years 0–99 literal, unlike Date.UTC
  date.setUTCHours(hour, minute, second, 0);
  const time = date.getTime();
  return Number.isFinite(time) ? time : undefined;
}

function parseOne(raw: string, now: number | undefined): number | undefined {
  const value = raw.trim();
  let m = IMF_FIXDATE.exec(value);
  if (m) {
    if (!SHORT_DAYS.has(m[1]!.toLowerCase())) return undefined;
    const y = Number(m[4]);
    const year = m[4]!.length === 2 ? fullYear(y, now) : y;
    return build(year, m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = RFC850_DATE.exec(value);
  if (m) {
    if (!LONG_DAYS.has(m[1]!.toLowerCase())) return undefined;
    const y = Number(m[4]);
    const year = m[4]!.length === 2 ? fullYear(y, now) : y;
    return build(year, m[3]!, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]));
  }
  m = ASCTIME_DATE.exec(value);
  if (m) {
    if (!SHORT_DAYS.has(m[1]!.toLowerCase())) return undefined;
    return build(Number(m[7]), m[2]!, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  }
  return undefined;
}

/**
 * Parses an HTTP-date in any of the three formats of RFC 9110 §5.6.7, case-insensitively, into
 * ms since epoch. Several field lines must agree (RFC 9111 §4.2.1: disagreeing values are unusable).
 * `now` only resolves two-digit RFC 850 years.
 */
export function parseHttpDate(value: string | readonly string[] | undefined, now?: number): number | undefined {
  const lines = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  let result: number | undefined;
  for (const line of lines) {
    if (typeof line !== 'string') return undefined;
    const time = parseOne(line, now);
    if (time === undefined || (result !== undefined && result !== time)) return undefined;
    result = time;
  }
  return result;
}

/** Formats ms since epoch as IMF-fixdate (RFC 9110 §5.6.7), the only format a sender may generate. */
export function formatHttpDate(time: number): string {
  const date = new Date(Number.isFinite(time) ? time : 0);
  return Number.isNaN(date.getTime()) ? new Date(0).toUTCString() : date.toUTCString();
}
