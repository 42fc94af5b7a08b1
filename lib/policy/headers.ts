/**
 * Field access shared by every policy module: reading possibly repeated header lines, splitting
 * comma lists, and reading singleton fields. Total functions: any input (even a non-object) is
 * read as "no such field" rather than thrown on.
 */

/** Headers as the policy receives them: lowercase names, one value or one per field line. */
export type HeaderInput = Readonly<Record<string, string | readonly string[] | undefined>>;

/** The result of reading a field that RFC 9110 defines as a single value (Date, ETag, ...). */
export interface SingletonField {
  /** At least one field line was received. */
  present: boolean;
  /** The value, or undefined when absent or when repeated lines disagree (RFC 9110 §5.5: invalid). */
  value: string | undefined;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Every field line of `name` (lowercase), in order; names are matched case-insensitively. */
export function headerLines(headers: unknown, name: string): string[] {
  if (headers === null || typeof headers !== 'object') return [];
  const record = headers as Record<string, unknown>;
  let raw: unknown = hasOwn(record, name) ? record[name] : undefined;
  if (raw === undefined) {
    // RFC 9110 §5.1: field names are case-insensitive; tolerate a caller that did not lowercase.
    for (const key of Object.keys(record)) {
      if (key.toLowerCase() === name && record[key] !== undefined) {
        raw = record[key];
        break;
      }
    }
  }
  if (typeof raw === 'string') return [raw];
  if (typeof raw === 'number' && Number.isFinite(raw)) return [String(raw)];
  if (Array.isArray(raw)) {
    return raw.filter((v): v is string | number => typeof v === 'string' || typeof v === 'number').map(String);
  }
  return [];
}

/** Removes optional whitespace (SP / HTAB, RFC 9110 §5.6.3) at both ends. */
export function trimOWS(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/**
 * Splits a field value at commas that are outside quoted strings (RFC 9110 §5.6.1, §5.6.4),
 * without trimming: callers decide what whitespace means.
 */
export function splitOutsideQuotes(value: string, separator = ','): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1]!;
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === separator && !quoted) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/**
 * The members of a list-based field over all its lines (RFC 9110 §5.3: lines combine with
 * commas; §5.6.1: empty members are ignored), each trimmed of OWS.
 */
export function headerList(headers: unknown, name: string): string[] {
  const out: string[] = [];
  for (const line of headerLines(headers, name)) {
    for (const member of splitOutsideQuotes(line)) {
      const trimmed = trimOWS(member);
      if (trimmed !== '') out.push(trimmed);
    }
  }
  return out;
}

/**
 * Reads a singleton field. Repeated lines with the same value count once; lines that disagree
 * make the value unusable (RFC 9111 §4.2.1 lets a cache treat such a response as stale).
 */
export function singletonField(headers: unknown, name: string): SingletonField {
  const lines = headerLines(headers, name).map(trimOWS);
  if (lines.length === 0) return { present: false, value: undefined };
  const first = lines[0]!;
  const agree = lines.every((line) => line === first);
  return { present: true, value: agree && first !== '' ? first : undefined };
}

/** Whether any non-empty line of the field was received. */
export function hasField(headers: unknown, name: string): boolean {
  return headerLines(headers, name).some((line) => trimOWS(line) !== '');
}

/** Hop-by-hop fields (RFC 9110 §7.6.1): meaningful for one connection only, never stored (RFC 9111 §3.1). */
export const HOP_BY_HOP_FIELDS: readonly string[] = ['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade'];
