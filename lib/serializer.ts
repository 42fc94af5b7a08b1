/**
 * The versioned envelope every persisted cache entry travels in.
 *
 * Layout (one string, three parts, chosen by bench/serializer.ts):
 *
 *   axios-stash/1 devalue/6\n        version line: format major + devalue major
 *   <devalue.stringify(metadata)>\n  every CacheEntry field but the body, plus bodyEncoding/bodyLength
 *   <base64(body)>                   the raw body bytes
 *
 * Why this layout:
 * - The version line comes first and is compared as a plain string, so a foreign value or another
 *   major is recognised before anything is parsed. devalue promises its format only within one of
 *   its own majors, so its major is part of the line too.
 * - Metadata goes through devalue, not JSON, because entries carry `Infinity` (expiresAt/deleteAt)
 *   and may omit fields; devalue's output is JSON text, so it holds no raw newline and the second
 *   `\n` always ends it.
 * - The body is kept out of devalue: devalue base64-encodes typed arrays with its own code inside
 *   its JSON, slower than Node's base64 on the side (bench/serializer.ts compares the layouts).
 * - Base64 even for UTF-8 bodies: keeping valid UTF-8 as raw text was slower for non-ASCII JSON
 *   (two-byte strings, validation, JSON escaping in Keyv's default serializer), no faster for
 *   ASCII, and saved little space.
 * - A string rather than a Buffer: Keyv's default serializer turns a Buffer into `":base64:…"` of
 *   the whole value anyway and a plain Uint8Array into a JSON object of digits; every SQL/Redis
 *   Keyv store holds text. Raw bytes only pay off with a byte-native store and no Keyv JSON layer.
 *
 * `bodyLength` guards against truncation (a cut value, a store's column limit): the base64 length
 * and the decoded length must both match it. There is no checksum: the stores keep bytes intact
 * and a hash over 1 MB would cost more than the rest of a hit.
 *
 * The byte variant (encodeEntryBytes), for stores that keep bytes (better-sqlite3 BLOBs): the same
 * version line and metadata, `bodyEncoding: 'bytes'`, then the body verbatim, all as one
 * Uint8Array. A 1 MB body then costs a memcpy to store and nothing to decode, where base64 costs
 * ~1 ms each way and a third more space. Readers that know only base64 refuse `bytes` (a miss).
 *
 * Optional metadata fields added within format 1: `tags`, and `sig` (the HMAC of lib/signing.ts,
 * written only with setupCache's `secret`); a reader without them ignores them, so the unsigned
 * golden fixture still reads and a signed entry still reads in an older release.
 *
 * Compatibility rules: within one format major, readers ignore metadata fields they do not know
 * (writers may add fields); a field that changes how another is read (a new `bodyEncoding`) is
 * refused by older readers, so it degrades to a miss. Anything else is a new major.
 */
import * as devalue from 'devalue';
import type { CacheEntry, HeaderMap, HeaderValue } from './entry.js';
import { FORMAT_MAJOR } from './format-version.js';

/**
 * devalue's major version this build writes and reads. Kept as a constant (the core must not read
 * package.json at run time); spec/serializer.spec.ts fails when the installed devalue's major
 * differs, which is the signal to bump FORMAT_MAJOR and add a golden fixture.
 */
export const DEVALUE_MAJOR = 6;

const MAGIC = 'axios-stash/';
/** The first line of every entry this build writes. */
export const ENVELOPE_HEADER = `${MAGIC}${FORMAT_MAJOR} devalue/${DEVALUE_MAJOR}`;
const HEADER_PATTERN = /^axios-stash\/(\d+) devalue\/(\d+)$/;
/** A version line longer than this is not ours (and we never scan a 10 MB value for it). */
const MAX_HEADER_LENGTH = 64;

/**
 * Whether a stored value starts with the version line of an axios-stash entry of any format or
 * devalue major (string or byte variant): another version's live entry belongs to the services
 * still running that version, so prune leaves it alone.
 */
export function isEnvelopeOfAnyVersion(value: unknown): boolean {
  let head: string;
  if (typeof value === 'string') head = value.slice(0, MAX_HEADER_LENGTH + 1);
  else if (value instanceof Uint8Array) head = String.fromCharCode(...value.subarray(0, MAX_HEADER_LENGTH + 1));
  else return false;
  const end = head.indexOf('\n');
  return end > 0 && HEADER_PATTERN.test(head.slice(0, end));
}

/** Why a raw value did not decode: `foreign` (not an axios-stash entry), `version` (ours, another format or devalue major), `damaged` (ours and this version, but unreadable or truncated). */
export type DecodeFailureKind = 'foreign' | 'version' | 'damaged';
export type DecodeResult = { entry: CacheEntry } | { error: string; kind: DecodeFailureKind };

// --- base64 ---------------------------------------------------------------------------------
// Node's Buffer is used when present (native, far faster than btoa/atob); the core entry
// must not import node:buffer, so it is looked up on globalThis, with a btoa/atob fallback for
// runtimes without it.
const NodeBuffer = (globalThis as { Buffer?: typeof Buffer }).Buffer;

function toBase64(bytes: Uint8Array): string {
  if (NodeBuffer) {
    // Only the visible bytes of the view: a pooled Buffer's ArrayBuffer holds other data too.
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Decodes into a plain Uint8Array that owns exactly its bytes (`body.buffer` is the body). */
function fromBase64(text: string): Uint8Array {
  if (NodeBuffer) {
    const buf = NodeBuffer.from(text, 'base64');
    // Small Buffers are slices of Node's shared 8 KB pool: copy those so the entry never exposes
    // (or pins) unrelated memory. Large ones own their ArrayBuffer and are re-viewed for free.
    if (buf.byteOffset === 0 && buf.buffer.byteLength === buf.length) {
      return new Uint8Array(buf.buffer, 0, buf.length);
    }
    // (Not buf.slice()/Uint8Array#slice: both return a Buffer, via the species constructor.)
    const own = new Uint8Array(buf.length);
    own.set(buf);
    return own;
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** Length of padded base64 for n bytes, as Buffer and btoa write it. */
const base64Length = (n: number): number => Math.ceil(n / 3) * 4;

// --- encode ---------------------------------------------------------------------------------

/**
 * A plain copy of a header map: devalue refuses class instances (AxiosHeaders) and `__proto__`
 * keys (it throws "Cannot stringify objects with __proto__ keys"), and a header map comes from the
 * network. Values become strings; `undefined`/`null` values are dropped.
 */
function serializableHeaders(headers: Record<string, unknown>): HeaderMap {
  const out: HeaderMap = {};
  for (const name of Object.keys(headers)) {
    if (name === '__proto__') continue;
    const value = headers[name];
    if (value === undefined || value === null) continue;
    out[name] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

function plainStrings(record: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of Object.keys(record)) {
    if (name === '__proto__') continue;
    const value = record[name];
    if (value === undefined || value === null) continue;
    out[name] = String(value);
  }
  return out;
}

/**
 * Encodes an entry into the envelope. Throws a TypeError only for a value that is not a
 * CacheEntry (a body that is not a Uint8Array): that is a programming error, not bad data.
 */
export function encodeEntry(entry: CacheEntry): string {
  return `${ENVELOPE_HEADER}\n${devalue.stringify(metadataOf(entry, 'base64'))}\n${toBase64(entry.body)}`;
}

let utf8Encoder: TextEncoder | undefined;

/**
 * Encodes an entry into the byte variant of the envelope: version line and metadata as UTF-8,
 * then the body bytes as they are (one copy into the result, no base64).
 */
export function encodeEntryBytes(entry: CacheEntry): Uint8Array {
  const head = `${ENVELOPE_HEADER}\n${devalue.stringify(metadataOf(entry, 'bytes'))}\n`;
  const { body } = entry;
  if (NodeBuffer) {
    // allocUnsafe: every byte is written below (head, then body), so zero-filling would be waste.
    const out = NodeBuffer.allocUnsafe(NodeBuffer.byteLength(head, 'utf8') + body.byteLength);
    const headLength = out.write(head, 0, 'utf8');
    out.set(body, headLength);
    return out;
  }
  const headBytes = (utf8Encoder ??= new TextEncoder()).encode(head);
  const out = new Uint8Array(headBytes.length + body.byteLength);
  out.set(headBytes, 0);
  out.set(body, headBytes.length);
  return out;
}

/** Every CacheEntry field but the body, as the envelope's metadata. */
function metadataOf(entry: CacheEntry, bodyEncoding: 'base64' | 'bytes'): Record<string, unknown> {
  const { body } = entry;
  if (!(body instanceof Uint8Array)) {
    throw new TypeError('encodeEntry: entry.body must be a Uint8Array');
  }
  const meta: Record<string, unknown> = {
    method: entry.method,
    url: entry.url,
    status: entry.status,
    statusText: entry.statusText,
    headers: serializableHeaders(entry.headers),
    varyHeaders: plainStrings(entry.varyHeaders),
    requestTime: entry.requestTime,
    responseTime: entry.responseTime,
    createdAt: entry.createdAt,
    expiresAt: entry.expiresAt,
    deleteAt: entry.deleteAt,
    bodyEncoding,
    bodyLength: body.byteLength,
  };
  // Written as `ttl` since format 1: the wire name stays, the field's name in code says what it is.
  if (entry.assignedLifetime !== undefined) meta.ttl = entry.assignedLifetime;
  // Added within format 1: older readers ignore it (they read every field by name).
  if (entry.tags !== undefined && entry.tags.length > 0) meta.tags = entry.tags.map(String);
  // Added within format 1 (readers ignore unknown fields): an unsigned reader still reads it.
  if (entry.signature !== undefined) meta.sig = entry.signature;
  return meta;
}

// --- decode ---------------------------------------------------------------------------------

const fail = (kind: DecodeFailureKind, error: string): DecodeResult => ({ kind, error });

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isHeaderValue = (v: unknown): v is HeaderValue =>
  typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));

const isTime = (v: unknown): v is number => typeof v === 'number' && !Number.isNaN(v);

let utf8: TextDecoder | undefined;

/**
 * Decodes a raw stored value. Never throws: every failure comes back as `{ kind, error }` so the
 * caller can report it (and treat the value as a miss).
 */
export function decodeEntryDetailed(raw: unknown): DecodeResult {
  try {
    return decodeUnsafe(raw);
  } catch (error) {
    // devalue.parse / JSON.parse on damaged metadata, or anything unforeseen.
    return fail('damaged', `unreadable entry: ${(error as Error)?.message ?? String(error)}`);
  }
}

/** Decodes a raw stored value; `undefined` for anything that is not a readable entry of this version. */
export function decodeEntry(raw: unknown): CacheEntry | undefined {
  const result = decodeEntryDetailed(raw);
  return 'entry' in result ? result.entry : undefined;
}

/** The newline byte that ends the version line and the metadata in the byte variant. */
const NEWLINE = 0x0a;
const MAGIC_BYTES = Array.from(MAGIC, (c) => c.charCodeAt(0));

/**
 * An entry's metadata without decoding its body (listing a million entries must not decode a
 * million bodies); `bytes` is the recorded body length. undefined for anything unreadable.
 */
export function decodeEntryHead(raw: unknown): { entry: Omit<CacheEntry, 'body'>; bytes: number } | undefined {
  try {
    const result = decodeUnsafe(raw, false);
    if (!('entry' in result)) return undefined;
    const { body: _body, ...entry } = result.entry;
    return { entry, bytes: result.bodyLength ?? 0 };
  } catch {
    return undefined;
  }
}

type Decoded = DecodeResult & { bodyLength?: number };

function decodeUnsafe(raw: unknown, withBody = true): Decoded {
  if (typeof raw === 'string') return decodeText(raw, undefined, false, withBody);
  if (!(raw instanceof Uint8Array)) return fail('foreign', `not an axios-stash entry (${raw === null ? 'null' : typeof raw})`);
  // Bytes: the byte variant, or the text envelope handed back as bytes (Keyv's `:base64:` Buffers).
  // Only the version line and metadata are decoded as text; a `bytes` body is then a view of `raw`
  // (which the store allocated for this read), a base64 body the text after them.
  if (!MAGIC_BYTES.every((byte, i) => raw[i] === byte)) return fail('foreign', 'not an axios-stash entry (no version line)');
  const headerEnd = raw.indexOf(NEWLINE);
  const metaEnd = headerEnd < 0 || headerEnd > MAX_HEADER_LENGTH ? -1 : raw.indexOf(NEWLINE, headerEnd + 1);
  utf8 ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  if (metaEnd < 0) return decodeText(utf8.decode(raw)); // reports what is wrong with it
  const ownsMemory = raw.byteOffset === 0 && raw.buffer.byteLength === raw.byteLength;
  return decodeText(utf8.decode(raw.subarray(0, metaEnd + 1)), raw.subarray(metaEnd + 1), ownsMemory, withBody);
}

/**
 * The text envelope, or (with `bytes`) the version line and metadata of the byte variant, whose
 * body follows as `bytes`; `ownsMemory`: the stored value is the whole of its ArrayBuffer.
 */
function decodeText(text: string, bytes?: Uint8Array, ownsMemory = false, withBody = true): Decoded {
  if (!text.startsWith(MAGIC)) return fail('foreign', 'not an axios-stash entry (no version line)');
  const headerEnd = text.indexOf('\n');
  if (headerEnd < 0 || headerEnd > MAX_HEADER_LENGTH) {
    return fail('damaged', 'truncated or malformed version line');
  }
  const header = text.slice(0, headerEnd);
  if (header !== ENVELOPE_HEADER) {
    const m = HEADER_PATTERN.exec(header);
    if (!m) return fail('damaged', `malformed version line ${JSON.stringify(header)}`);
    return fail(
      'version',
      `entry format ${m[1]} / devalue ${m[2]}; this reader knows format ${FORMAT_MAJOR} / devalue ${DEVALUE_MAJOR}`,
    );
  }

  const metaEnd = text.indexOf('\n', headerEnd + 1);
  if (metaEnd < 0) return fail('damaged', 'truncated entry (no body section)');
  const meta: unknown = devalue.parse(text.slice(headerEnd + 1, metaEnd));
  if (!isRecord(meta)) return fail('damaged', 'entry metadata is not an object');

  const {
    method, url, status, statusText, headers, varyHeaders,
    requestTime, responseTime, createdAt, expiresAt, deleteAt, ttl, tags, bodyEncoding, bodyLength, sig,
  } = meta;
  if (typeof method !== 'string' || typeof url !== 'string') return fail('damaged', 'entry lacks method/url');
  if (typeof status !== 'number' || !Number.isInteger(status)) return fail('damaged', 'entry status is not an integer');
  if (typeof statusText !== 'string') return fail('damaged', 'entry statusText is not a string');
  if (!isRecord(headers) || !Object.values(headers).every(isHeaderValue)) {
    return fail('damaged', 'entry headers are malformed');
  }
  if (!isRecord(varyHeaders) || !Object.values(varyHeaders).every((v) => typeof v === 'string')) {
    return fail('damaged', 'entry varyHeaders are malformed');
  }
  if (![requestTime, responseTime, createdAt, expiresAt, deleteAt].every(isTime)) {
    return fail('damaged', 'entry times are malformed');
  }
  if (ttl !== undefined && !isTime(ttl)) return fail('damaged', 'entry ttl is malformed');
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) return fail('damaged', 'entry tags are malformed');
  if (bodyEncoding !== 'base64' && bodyEncoding !== 'bytes') {
    // A later writer of this major may add encodings; reading one as base64 would serve garbage.
    return fail('version', `unknown body encoding ${JSON.stringify(bodyEncoding)}`);
  }
  if (typeof bodyLength !== 'number' || !Number.isSafeInteger(bodyLength) || bodyLength < 0) {
    return fail('damaged', 'entry bodyLength is malformed');
  }

  let body: Uint8Array;
  if (!withBody) {
    // A listing: the body's size is the recorded one; a damaged body is found when it is read.
    body = new Uint8Array(0);
  } else if (bodyEncoding === 'bytes') {
    // Raw bytes cannot travel inside a string: a text value claiming them was mangled somewhere.
    if (bytes === undefined) return fail('damaged', 'a bytes body inside a text value');
    if (bytes.byteLength !== bodyLength) return fail('damaged', `truncated body: ${bytes.byteLength} bytes for ${bodyLength}`);
    // A plain Uint8Array (not a Buffer, whatever the store returned), as fromBase64 gives: a view
    // when the value owns its memory, else a copy, so the entry never exposes (or pins) a pool.
    if (ownsMemory) {
      body = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } else {
      body = new Uint8Array(bytes.byteLength);
      body.set(bytes);
    }
  } else {
    const bodyText = bytes === undefined ? text.slice(metaEnd + 1) : (utf8 ??= new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })).decode(bytes);
    if (bodyText.length !== base64Length(bodyLength)) {
      return fail('damaged', `truncated body: ${bodyText.length} base64 chars for ${bodyLength} bytes`);
    }
    body = fromBase64(bodyText);
    if (body.length !== bodyLength) return fail('damaged', 'body does not decode to its recorded length');
  }

  const entry: CacheEntry = {
    method,
    url,
    status,
    statusText,
    headers: headers as HeaderMap,
    body,
    varyHeaders: varyHeaders as Record<string, string>,
    requestTime: requestTime as number,
    responseTime: responseTime as number,
    createdAt: createdAt as number,
    expiresAt: expiresAt as number,
    deleteAt: deleteAt as number,
  };
  if (ttl !== undefined) entry.assignedLifetime = ttl as number;
  if (tags !== undefined) entry.tags = tags as string[];
  if (typeof sig === 'string') entry.signature = sig;
  return { entry, bodyLength };
}
