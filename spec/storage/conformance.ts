/**
 * The CacheStore conformance suite, run once per backend (modelled on keyv's storageTestSuite and
 * requests-cache's BaseStorageTest). A backend spec calls:
 *
 *   storeConformance('sqlite', () => sqliteStorage({ path }), { reopen, raw: keyvRaw })
 *
 * `factory` runs before every test and must return an independent cache each time (its own
 * namespace / table / directory), on the same backend where the backend is shared, so clear()
 * isolation is tested for real. Each test's stores are cleared and closed after it.
 *
 * No test asserts on speed. TTL tests use lifetimes of seconds and only check "still there" when
 * the machine was quick enough for the check to mean something.
 */
import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { Keyv } from 'keyv';
import type { CacheEntry } from '../../lib/entry.js';
import { encodeEntry } from '../../lib/serializer.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import type { KeyvStorage } from '../../lib/storage/keyv-storage.js';

export type Collection = 'entry' | 'alias';

export interface RawAccess {
  /** Ways to write a raw value (e.g. `store`: bare in the Keyv store; `keyv`: through keyv.set). */
  layers: string[];
  /** Writes `value` where `store` keeps `key` of `collection`, bypassing the CacheStore. */
  write(store: CacheStore, layer: string, collection: Collection, key: string, value: string): Promise<void>;
}

export interface ConformanceOptions {
  /** Largest body the backend holds; bodies above it are skipped. Default 10 MB. */
  maxBodyBytes?: number;
  /** How late (ms) after its lifetime a value may still be seen. Default 500. */
  ttlGranularity?: number;
  /** A second instance over the same cache as `store` (same path/namespace), for cross-instance races. */
  reopen?: (store: CacheStore) => Promise<CacheStore> | CacheStore;
  /** Raw writes into the underlying store; enables the foreign/garbage/other-version tests. */
  raw?: RawAccess;
  /** Slow backends may need more than mocha's default per test (ms). */
  timeout?: number;
}

// --- entries ----------------------------------------------------------------------------------

let serial = 0;
/** A key unique to this process and call. */
export const uniqueKey = (label = 'k'): string => `${label}-${process.pid}-${Date.now().toString(36)}-${serial++}`;

/** One clock reading for every entry, so two makeEntry() calls with the same arguments are equal. */
const NOW = Date.now();

export function makeEntry(body: Uint8Array | string = 'hello', overrides: Partial<CacheEntry> = {}): CacheEntry {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const now = NOW;
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
    requestTime: now - 25,
    responseTime: now,
    createdAt: now,
    expiresAt: now + 60_000,
    deleteAt: Infinity,
    ttl: 30_000,
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
export function expectSameEntry(actual: CacheEntry | undefined, expected: CacheEntry, label = 'entry'): void {
  expect(actual, `${label} is missing`).to.not.equal(undefined);
  const { body: a, ...restA } = actual as CacheEntry;
  const { body: b, ...restB } = expected;
  expect(restA, `${label} fields`).to.deep.equal(restB);
  expect(a, `${label} body type`).to.be.instanceOf(Uint8Array);
  expect(a.byteLength, `${label} body length`).to.equal(b.byteLength);
  expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)), `${label} body bytes`).to.equal(0);
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out.sort();
}

const ALIAS_VALUE = 'axios-stash-alias/1\nsome-key';

/** Raw values that are not a readable entry of this version (nor an alias), whatever layer they are written at. */
export function garbageValues(): Array<[string, string]> {
  const valid = encodeEntry(makeEntry('{"ok":true}'));
  const bumped = (line: string): string => line + valid.slice(valid.indexOf('\n'));
  const binaryJunk = Buffer.from(randomBytes(256).map((b) => b || 1)).toString('latin1'); // no NUL: Postgres TEXT refuses it
  return [
    ['empty string', ''],
    ['plain text', 'garbage'],
    ['binary junk', binaryJunk],
    ['JSON null', 'null'],
    ['JSON number', '42'],
    ['JSON array', '[]'],
    ['JSON object', '{"a":1}'],
    ['keyv wrapper of garbage', '{"value":"garbage","expires":null}'],
    ['keyv wrapper of an object', '{"value":{"method":"GET"},"expires":null}'],
    ['keyv wrapper of a truncated entry', JSON.stringify({ value: valid.slice(0, 60), expires: null })],
    ['expired keyv wrapper of a valid entry', JSON.stringify({ value: valid, expires: 1 })],
    ['other format major', bumped('axios-stash/2 devalue/6')],
    ['other devalue major', bumped('axios-stash/1 devalue/5')],
    ['older format major', bumped('axios-stash/0 devalue/4')],
    ['truncated entry (half)', valid.slice(0, Math.floor(valid.length / 2))],
    ['truncated entry (one char)', valid.slice(0, -1)],
    ['entry with metadata of another shape', `axios-stash/1 devalue/6\n[{"x":1},2]\n${valid.slice(valid.lastIndexOf('\n') + 1)}`],
    ['an alias value (as an entry)', ALIAS_VALUE],
    ['kv wrapper, damaged expiry', `axios-stash-kv/1 soon\n${valid}`],
    ['kv wrapper, expired', `axios-stash-kv/1 1\n${valid}`],
    ['kv wrapper of garbage', 'axios-stash-kv/1 -\ngarbage'],
    ['kv wrapper of a truncated entry', `axios-stash-kv/1 -\n${valid.slice(0, 80)}`],
  ];
}

/** Raw access for any KeyvStorage: `store` writes the bare value into the Keyv store, `keyv` goes through keyv.set. */
export const keyvRaw: RawAccess = {
  layers: ['store', 'keyv'],
  async write(store, layer, collection, key, value) {
    const storage = store as KeyvStorage;
    const keyv: Keyv = await storage.getKeyv();
    const storeKey = storage.storeKey(collection, key);
    if (layer === 'keyv') {
      await keyv.set(storeKey, value);
      return;
    }
    // What Keyv itself would hand the store: `namespace:key` unless the store prefixes itself.
    const full = keyv.useKeyPrefix && keyv.namespace ? `${keyv.namespace}:${storeKey}` : storeKey;
    await keyv.store.set(full, value);
  },
};

// --- the suite --------------------------------------------------------------------------------

export function storeConformance(
  name: string,
  factory: () => Promise<CacheStore> | CacheStore,
  options: ConformanceOptions = {},
): void {
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const granularity = options.ttlGranularity ?? 500;

  describe(`${name}: CacheStore conformance`, function () {
    if (options.timeout) this.timeout(options.timeout);
    let store: CacheStore;
    const opened: CacheStore[] = [];

    /** Another store to be cleaned up with this test's. */
    async function track(s: Promise<CacheStore> | CacheStore): Promise<CacheStore> {
      const resolved = await s;
      opened.push(resolved);
      return resolved;
    }

    beforeEach(async () => {
      store = await track(factory());
    });

    afterEach(async () => {
      for (const s of opened.splice(0).reverse()) {
        await s.clear().catch(() => {});
        await s.close?.();
      }
    });

    describe('entries', () => {
      it('reads a missing key as undefined', async () => {
        expect(await store.get(uniqueKey())).to.equal(undefined);
      });

      it('stores and reads back every field', async () => {
        const key = uniqueKey();
        const entry = makeEntry('{"id":1}');
        await store.set(key, entry, 60_000);
        expectSameEntry(await store.get(key), entry);
      });

      it('keeps Infinity, an absent ttl and odd header values', async () => {
        const key = uniqueKey();
        const entry = makeEntry('', {
          expiresAt: Infinity,
          deleteAt: Infinity,
          statusText: '',
          status: 299,
          headers: { 'x-empty': '', 'x-list': ['', 'a,b', 'ü'], 'x-quote': '"\\\n' },
          varyHeaders: {},
        });
        delete entry.ttl;
        await store.set(key, entry, Infinity);
        const back = await store.get(key);
        expectSameEntry(back, entry);
        expect(back).to.not.have.property('ttl');
      });

      it('overwrites an entry', async () => {
        const key = uniqueKey();
        await store.set(key, makeEntry('first'), 60_000);
        const second = makeEntry('second', { status: 203 });
        await store.set(key, second, 60_000);
        expectSameEntry(await store.get(key), second);
      });

      it('deletes an entry, and deleting a missing key resolves', async () => {
        const key = uniqueKey();
        await store.set(key, makeEntry(), 60_000);
        await store.delete(key);
        expect(await store.get(key)).to.equal(undefined);
        await store.delete(key);
        await store.delete(uniqueKey());
      });

      it('keeps keys apart, including ones with separators and unicode', async () => {
        const keys = ['a', 'a:b', 'a::b', 'entry:a', 'alias:a', 'ünï/../%2e', ' spaced key ', 'x'.repeat(200)];
        for (const [i, key] of keys.entries()) await store.set(key, makeEntry(`body ${i}`), 60_000);
        for (const [i, key] of keys.entries()) expectSameEntry(await store.get(key), makeEntry(`body ${i}`), key);
      });
    });

    describe('aliases', () => {
      it('stores, reads and deletes an alias', async () => {
        const key = uniqueKey('alias');
        const target = uniqueKey('target');
        expect(await store.getAlias(key)).to.equal(undefined);
        await store.setAlias(key, target, 60_000);
        expect(await store.getAlias(key)).to.equal(target);
        await store.setAlias(key, `${target}-2`, 60_000);
        expect(await store.getAlias(key)).to.equal(`${target}-2`);
        await store.deleteAlias(key);
        expect(await store.getAlias(key)).to.equal(undefined);
        await store.deleteAlias(key);
      });

      it('keeps aliases and entries in separate collections', async () => {
        const key = uniqueKey();
        const entry = makeEntry();
        await store.set(key, entry, 60_000);
        await store.setAlias(key, 'elsewhere', 60_000);
        expectSameEntry(await store.get(key), entry);
        expect(await store.getAlias(key)).to.equal('elsewhere');
        await store.deleteAlias(key);
        expectSameEntry(await store.get(key), entry);
        await store.setAlias(key, 'elsewhere', 60_000);
        await store.delete(key);
        expect(await store.getAlias(key)).to.equal('elsewhere');
      });
    });

    describe('keys() and clear()', () => {
      it('lists the stored entries once each, and no aliases', async () => {
        const keys = [uniqueKey(), uniqueKey(), uniqueKey('with:colon')];
        for (const key of keys) await store.set(key, makeEntry(), 60_000);
        await store.setAlias(uniqueKey('alias'), keys[0]!, 60_000);
        expect(await collect(store.keys())).to.deep.equal([...keys].sort());
        await store.delete(keys[1]!);
        expect(await collect(store.keys())).to.deep.equal([keys[0]!, keys[2]!].sort());
      });

      it('lets entries be deleted while iterating', async () => {
        const keys = Array.from({ length: 30 }, () => uniqueKey());
        for (const key of keys) await store.set(key, makeEntry(), 60_000);
        const seen: string[] = [];
        for await (const key of store.keys()) {
          seen.push(key);
          await store.delete(key);
        }
        expect(seen.sort()).to.deep.equal([...keys].sort());
        expect(await collect(store.keys())).to.deep.equal([]);
      });

      it('clears entries and aliases', async () => {
        const key = uniqueKey();
        await store.set(key, makeEntry(), 60_000);
        await store.setAlias(key, 'target', 60_000);
        await store.clear();
        expect(await store.get(key)).to.equal(undefined);
        expect(await store.getAlias(key)).to.equal(undefined);
        expect(await collect(store.keys())).to.deep.equal([]);
      });

      it('clear() leaves another cache on the same backend alone', async () => {
        const other = await track(factory());
        const key = uniqueKey();
        const mine = makeEntry('mine');
        const theirs = makeEntry('theirs');
        await store.set(key, mine, 60_000);
        await other.set(key, theirs, 60_000);
        await other.setAlias(key, 'their-target', 60_000);
        expectSameEntry(await store.get(key), mine, 'before clear');
        await store.clear();
        expect(await store.get(key)).to.equal(undefined);
        expectSameEntry(await other.get(key), theirs, 'other cache');
        expect(await other.getAlias(key)).to.equal('their-target');
        expect(await collect(other.keys())).to.deep.equal([key]);
      });
    });

    describe('time to live', () => {
      it('expires entries and aliases after their ttl, and keeps Infinity', async function () {
        this.timeout(20_000);
        const ttl = 1500;
        const short = uniqueKey('short');
        const forever = uniqueKey('forever');
        const started = Date.now();
        await store.set(short, makeEntry('short'), ttl);
        await store.setAlias(short, 'target', ttl);
        await store.set(forever, makeEntry('forever'), Infinity);
        const present = await store.get(short);
        const presentAlias = await store.getAlias(short);
        // Only meaningful if the machine got here well within the lifetime.
        if (Date.now() - started < ttl / 2) {
          expectSameEntry(present, makeEntry('short'), 'before expiry');
          expect(presentAlias).to.equal('target');
        }
        await sleep(Math.max(0, started + ttl + granularity - Date.now()));
        expect(await store.get(short), 'expired entry').to.equal(undefined);
        expect(await store.getAlias(short), 'expired alias').to.equal(undefined);
        expect(await collect(store.keys())).to.deep.equal([forever]);
        expectSameEntry(await store.get(forever), makeEntry('forever'), 'Infinity entry');
      });

      it('gives each write its own ttl (an overwrite with a longer ttl survives)', async function () {
        this.timeout(20_000);
        const key = uniqueKey();
        const started = Date.now();
        await store.set(key, makeEntry('short'), 1000);
        await store.set(key, makeEntry('long'), 60_000);
        await sleep(Math.max(0, started + 1000 + granularity - Date.now()));
        expectSameEntry(await store.get(key), makeEntry('long'));
      });
    });

    describe('bodies', () => {
      const bodies: Array<[string, Uint8Array]> = [
        ['empty', new Uint8Array(0)],
        ['text', new TextEncoder().encode('plain text\nwith lines\r\nand ünïcødé ✓ 😀')],
        ['JSON', new TextEncoder().encode(JSON.stringify({ a: [1, 2, { b: 'c"d\\e' }], u: '\u2028\u0000' }))],
        ['every byte value', Uint8Array.from({ length: 512 }, (_, i) => i % 256)],
        ['non-UTF-8 bytes', Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80, 0xf8, 0x00])],
        ['UTF-8 BOM', Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0x62])],
        ['NUL bytes', new Uint8Array(100)],
        ['a Buffer view into a larger buffer', Buffer.from('xxxxyyyyzzzz').subarray(4, 8)],
      ];
      for (const [label, body] of bodies) {
        it(`keeps the body byte for byte: ${label}`, async () => {
          const key = uniqueKey();
          const entry = makeEntry(body);
          await store.set(key, entry, 60_000);
          const back = await store.get(key);
          expectSameEntry(back, entry);
        });
      }

      for (const size of [1024 * 1024, 10 * 1024 * 1024]) {
        const label = `${size >> 20} MB`;
        it(`keeps a binary body of ${label}`, async function () {
          if (size > maxBodyBytes) this.skip();
          this.timeout(60_000);
          const key = uniqueKey();
          const entry = makeEntry(patternBytes(size, size));
          await store.set(key, entry, 60_000);
          const back = await store.get(key);
          expect(back).to.not.equal(undefined);
          expect(sha256(back!.body)).to.equal(sha256(entry.body));
          expectSameEntry(back, entry);
        });
      }
    });

    describe('concurrent writers', () => {
      it('leaves one whole entry when two writes race on one key', async function () {
        this.timeout(60_000);
        for (let round = 0; round < 5; round++) {
          const key = uniqueKey('race');
          const a = makeEntry(patternBytes(256 * 1024, 2 * round + 1), { statusText: 'A' });
          const b = makeEntry(patternBytes(200 * 1024, 2 * round + 2), { statusText: 'B' });
          await Promise.all([store.set(key, a, 60_000), store.set(key, b, 60_000)]);
          const back = await store.get(key);
          expectSameEntry(back, back?.statusText === 'A' ? a : b, `round ${round}`);
        }
      });

      if (options.reopen) it('leaves one whole entry when two instances of one cache race', async function () {
        this.timeout(60_000);
        const twin = await track(options.reopen!(store));
        for (let round = 0; round < 5; round++) {
          const key = uniqueKey('race2');
          const a = makeEntry(patternBytes(300 * 1024, 10 + round), { statusText: 'A' });
          const b = makeEntry(patternBytes(100 * 1024, 20 + round), { statusText: 'B' });
          const reads: Array<Promise<CacheEntry | undefined>> = [];
          await Promise.all([
            store.set(key, a, 60_000),
            twin.set(key, b, 60_000),
            (async () => {
              for (let i = 0; i < 5; i++) reads.push(twin.get(key));
            })(),
          ]);
          for (const read of await Promise.all(reads)) {
            if (read !== undefined) expectSameEntry(read, read.statusText === 'A' ? a : b, 'concurrent read');
          }
          const back = await store.get(key);
          expectSameEntry(back, back?.statusText === 'A' ? a : b, `round ${round}`);
          expectSameEntry(await twin.get(key), back!, 'seen alike by both instances');
        }
      });
    });

    // Only where the backend gives raw access (memory keeps objects: nothing raw to corrupt).
    if (options.raw) describe('values it did not write', () => {
      for (const [label, value] of garbageValues()) {
        it(`reads ${label} as undefined, as an entry and as an alias`, async () => {
          const raw = options.raw!;
          for (const layer of raw.layers) {
            const key = uniqueKey(layer);
            await raw.write(store, layer, 'entry', key, value);
            expect(await store.get(key), `${layer} entry`).to.equal(undefined);
            if (value !== ALIAS_VALUE) {
              await raw.write(store, layer, 'alias', key, value);
              expect(await store.getAlias(key), `${layer} alias`).to.equal(undefined);
            }
            // …and the next write replaces it.
            const entry = makeEntry('fresh');
            await store.set(key, entry, 60_000);
            expectSameEntry(await store.get(key), entry, `${layer} rewritten`);
          }
        });
      }

      it('lists keys past values it cannot read', async () => {
        const good = uniqueKey('good');
        await store.set(good, makeEntry(), 60_000);
        for (const layer of options.raw!.layers) {
          for (const [, value] of garbageValues().slice(0, 6)) {
            await options.raw!.write(store, layer, 'entry', uniqueKey('bad'), value);
          }
        }
        expect(await collect(store.keys())).to.include(good);
      });
    });
  });
}
