/**
 * How our factories lay a value out inside a Keyv store: the Keyv serialize/deserialize pair
 * `keyvSerialization`, and reading the expiry of a raw stored value without decoding the rest.
 *
 * Why not Keyv's default serializer: it wraps every value as JSON `{"value":…,"expires":…}`, and for
 * a large entry that JSON layer costs more than our whole envelope (bench/serializer.ts measures
 * both). Our layout is one line with the expiry, then the value verbatim:
 *
 *   axios-stash-kv/1 <expires ms | ->\n<value>
 *
 * Reading it slices the string (no copy). Values written by a Keyv with the default serializer (JSON
 * starting with `{`) are still read, so a store can move between the two; anything else comes back
 * as its own value, never as "absent", so that KeyvStorage sees it and reports it as unreadable
 * (Keyv turns a deserialized `undefined` into a silent miss). Only strings are stored.
 */

/** Keyv's unit of storage: the value and its absolute expiry (ms since epoch), if any. */
export type KeyvData = { value?: unknown; expires?: number | undefined };

const KV_MAGIC = 'axios-stash-kv/1 ';
/** An expiry is at most this many characters; a longer first line is not ours. */
const MAX_EXPIRY_CHARS = 24;

function serialize(data: KeyvData): string {
  if (typeof data.value !== 'string') {
    throw new TypeError('axios-stash keyv serializer stores strings only');
  }
  const expires = typeof data.expires === 'number' ? String(data.expires) : '-';
  return `${KV_MAGIC}${expires}\n${data.value}`;
}

/** The expiry in our layout's first line: a number, `null` for "no expiry", undefined if not our layout. */
export function parseKvExpiry(raw: string): number | null | undefined {
  if (!raw.startsWith(KV_MAGIC)) return undefined;
  const nl = raw.indexOf('\n', KV_MAGIC.length);
  if (nl < 0 || nl > KV_MAGIC.length + MAX_EXPIRY_CHARS) return undefined;
  const text = raw.slice(KV_MAGIC.length, nl);
  if (text === '-') return null;
  const expires = Number(text);
  return Number.isFinite(expires) ? expires : undefined;
}

function deserialize(raw: string): KeyvData | undefined {
  if (typeof raw !== 'string') return undefined;
  const expires = parseKvExpiry(raw);
  if (expires !== undefined) {
    return { value: raw.slice(raw.indexOf('\n', KV_MAGIC.length) + 1), expires: expires ?? undefined };
  }
  // Not our layout (or a damaged one): Keyv's JSON format, or else the raw text itself as the value.
  if (!raw.startsWith(KV_MAGIC)) {
    const json = parseKeyvJson(raw);
    if (json) return json;
  }
  return { value: raw };
}

/**
 * Reads Keyv's default format (JSON with `:base64:` Buffers and `:`-escaped strings, as
 * @keyv/serialize writes it) without depending on @keyv/serialize; undefined if it is not JSON.
 */
function parseKeyvJson(raw: string): KeyvData | undefined {
  try {
    const data: unknown = JSON.parse(raw, (_key, value: unknown) => {
      if (typeof value !== 'string') return value;
      if (value.startsWith(':base64:')) {
        const B = (globalThis as { Buffer?: typeof Buffer }).Buffer;
        return B ? B.from(value.slice(8), 'base64') : value;
      }
      return value.startsWith(':') ? value.slice(1) : value;
    });
    // Keyv's records are objects with a `value`; other JSON is a value of its own (foreign to us).
    if (typeof data !== 'object' || data === null || !('value' in data)) return undefined;
    const { value, expires } = data as KeyvData;
    return { value, expires: typeof expires === 'number' ? expires : undefined };
  } catch {
    return undefined;
  }
}

/**
 * Pass these to `new Keyv({ store, ...keyvSerialization })` to store entries without Keyv's JSON
 * layer (our factories do). Any Keyv serializer works with keyvStorage; this one is just faster.
 */
export const keyvSerialization = {
  serialize: serialize as <Value>(data: { value?: Value; expires?: number | undefined }) => string,
  deserialize: deserialize as <Value>(data: string) => { value?: Value; expires?: number | undefined } | undefined,
};
