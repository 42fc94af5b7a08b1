/**
 * Entries, byte patterns and assertions for the store conformance suite (and the storage specs).
 * Assertions use node:assert/strict only: the suite has no runtime dependency on a test library.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { systemClock } from '../clock.js';
import type { CacheEntry } from '../entry.js';
import { isAxiosStashError, type UnreadableValueError } from '../errors.js';
import { encodeEntry } from '../serializer.js';

let serial = 0;
/** A key unique to this process and call. */
export const uniqueKey = (label = 'k'): string => `${label}-${process.pid}-${systemClock().toString(36)}-${serial++}`;

/** One clock reading for every entry, so two makeEntry() calls with the same arguments are equal. */
const NOW = systemClock();

/** A complete cache entry with a body, unicode and list headers, Vary values and a lifetime. */
export function makeEntry(body: Uint8Array | string = 'hello', overrides: Partial<CacheEntry> = {}): CacheEntry {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  return {
    method: 'GET',
    url: 'https://api.example.com/items?page=2&q=%C3%BCml%C3%A4ut',
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'max-age=60',
      etag: '"v1"',
      'set-cookie': ['a=1', 'b=2'],
      'x-unicode': 'ünïcødé ✓',
    },
    body: bytes,
    varyHeaders: { 'accept-language': 'en' },
    requestTime: NOW - 25,
    responseTime: NOW,
    createdAt: NOW,
    expiresAt: NOW + 60_000,
    deleteAt: Infinity,
    assignedLifetime: 30_000,
    ...overrides,
  };
}

/** Deterministic pseudo-random bytes (xorshift), so a failure can be reproduced. */
export function patternBytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Deep equality with the body compared byte for byte (a Buffer and a Uint8Array are the same bytes). */
export function assertSameEntry(actual: CacheEntry | undefined, expected: CacheEntry, label = 'entry'): void {
  assert.ok(actual !== undefined && actual !== null, `${label} is missing`);
  const { body: a, ...restA } = actual;
  const { body: b, ...restB } = expected;
  assert.deepEqual({ ...restA }, { ...restB }, `${label} fields`);
  assert.ok(a instanceof Uint8Array, `${label} body is not a Uint8Array`);
  assert.equal(a.byteLength, b.byteLength, `${label} body length`);
  assert.equal(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)), 0, `${label} body bytes`);
}

/** Asserts that `promise` rejects with UnreadableValueError about `key` of `collection`. */
export async function assertUnreadable(promise: Promise<unknown>, key: string, collection: 'entry' | 'alias', label: string): Promise<void> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    assert.ok(isAxiosStashError(error) && error.name === 'UnreadableValueError', `${label}: rejected with ${String(error)}, not UnreadableValueError`);
    const { info } = error as UnreadableValueError;
    assert.equal(info.key, key, `${label}: info.key`);
    assert.equal(info.collection, collection, `${label}: info.collection`);
    assert.ok(['foreign', 'version', 'damaged'].includes(info.kind), `${label}: info.kind ${info.kind}`);
    return;
  }
  assert.fail(`${label}: expected a rejection with UnreadableValueError, resolved ${describe(outcome)}`);
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value).slice(0, 100);
  } catch {
    return String(value);
  }
}

export async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out.sort();
}

/** A redirect alias as lib/alias.ts encodes it, for raw writes. */
export const RAW_ALIAS_VALUE = 'axios-stash-alias/1\nsome-key';

/**
 * How a raw value must read: `unreadable` rejects with UnreadableValueError; `either` may also
 * resolve undefined, for values that can be absent below the store: an expired Keyv record (absent
 * when written at the store layer in a layout the Keyv reads, foreign when written as a value), and
 * JSON `null`, which Keyv's default deserializer hands Keyv as `null`, read as absent.
 */
export type GarbageExpectation = 'unreadable' | 'either';

/** Raw values that are not a readable entry of this version (nor an alias), whatever layer they are written at. */
export function garbageValues(): Array<[label: string, value: string, expect: GarbageExpectation]> {
  const valid = encodeEntry(makeEntry('{"ok":true}'));
  const bumped = (line: string): string => line + valid.slice(valid.indexOf('\n'));
  const binaryJunk = Buffer.from(randomBytes(256).map((b) => b || 1)).toString('latin1'); // no NUL: Postgres TEXT refuses it
  return [
    ['empty string', '', 'unreadable'],
    ['plain text', 'garbage', 'unreadable'],
    ['binary junk', binaryJunk, 'unreadable'],
    ['JSON null', 'null', 'either'],
    ['JSON number', '42', 'unreadable'],
    ['JSON array', '[]', 'unreadable'],
    ['JSON object', '{"a":1}', 'unreadable'],
    ['keyv wrapper of garbage', '{"value":"garbage","expires":null}', 'unreadable'],
    ['keyv wrapper of an object', '{"value":{"method":"GET"},"expires":null}', 'unreadable'],
    ['keyv wrapper of a truncated entry', JSON.stringify({ value: valid.slice(0, 60), expires: null }), 'unreadable'],
    ['expired keyv wrapper of a valid entry', JSON.stringify({ value: valid, expires: 1 }), 'either'],
    ['other format major', bumped('axios-stash/2 devalue/6'), 'unreadable'],
    ['other devalue major', bumped('axios-stash/1 devalue/5'), 'unreadable'],
    ['older format major', bumped('axios-stash/0 devalue/4'), 'unreadable'],
    ['truncated entry (half)', valid.slice(0, Math.floor(valid.length / 2)), 'unreadable'],
    ['truncated entry (one char)', valid.slice(0, -1), 'unreadable'],
    ['entry with metadata of another shape', `axios-stash/1 devalue/6\n[{"x":1},2]\n${valid.slice(valid.lastIndexOf('\n') + 1)}`, 'unreadable'],
    ['an alias value (as an entry)', RAW_ALIAS_VALUE, 'unreadable'],
    ['kv wrapper, damaged expiry', `axios-stash-kv/1 soon\n${valid}`, 'unreadable'],
    ['kv wrapper, expired', `axios-stash-kv/1 1\n${valid}`, 'either'],
    ['kv wrapper of garbage', 'axios-stash-kv/1 -\ngarbage', 'unreadable'],
    ['kv wrapper of a truncated entry', `axios-stash-kv/1 -\n${valid.slice(0, 80)}`, 'unreadable'],
  ];
}
