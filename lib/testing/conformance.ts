/**
 * The CacheStore conformance suite (modelled on keyv's storage test suite and requests-cache's
 * BaseStorageTest): every backend of this package runs it, and so can a user's own store.
 */
import assert from 'node:assert/strict';
import type { AliasRecord } from '../alias.js';
import { systemClock } from '../clock.js';
import type { CacheEntry } from '../entry.js';
import type { CacheStore } from '../storage/contract.js';
import {
  assertSameEntry,
  assertUnreadable,
  collect,
  garbageValues,
  makeEntry,
  patternBytes,
  RAW_ALIAS_VALUE,
  sha256,
  uniqueKey,
} from './fixtures.js';
import { register, resolveTestFunctions, type TestFunctions } from './runner.js';

export type { TestFunctions } from './runner.js';

export type Collection = 'entry' | 'alias';

/** Raw access to the backend under a store, for the "values it did not write" tests. */
export interface RawAccess {
  /**
   * Ways to write a raw value (e.g. `store`: bare in the Keyv store; `keyv`: through keyv.set). The
   * last one must lay a value out as the store's own writes do (it plants another format major's
   * entry, which prune must keep).
   */
  layers: string[];
  /** Writes `value` where `store` keeps `key` of `collection`, bypassing the CacheStore. */
  write(store: CacheStore, layer: string, collection: Collection, key: string, value: string): Promise<void>;
}

export interface ConformanceOptions {
  /** Test functions to register with; default: global `describe`/`it` (mocha), else node:test's. */
  test?: Partial<TestFunctions>;
  /** Run once before the suite (e.g. create a table); needs `test.before` or a global `before`. */
  setup?: () => Promise<void> | void;
  /** Run once after the suite (e.g. drop a table, end a pool); needs an `after` likewise. */
  teardown?: () => Promise<void> | void;
  /** keys() tests: live entries only, no aliases, deletion while iterating, a few hundred keys. Default true. */
  iteration?: boolean;
  /** The store honours `lifetimeMs` (values expire): the "(real timer)" tests. Default true. */
  ttl?: boolean;
  /** How late (ms) after its lifetime a value may still be seen; expiry is polled up to this. Default 1000. */
  ttlGranularity?: number;
  /** prune() tests: expired values removed, live ones kept, a count resolved. Default true. */
  prune?: boolean;
  /** The backend drops expired values by itself (Redis), so prune() may find none to count. Default false. */
  nativeExpiry?: boolean;
  /** Byte-for-byte bodies: every byte value, invalid UTF-8, NUL, Buffer views. Default true. */
  binary?: boolean;
  /** Largest body the backend holds; the 1 MB and 10 MB tests above it are skipped. Default 10 MB. */
  maxBodyBytes?: number;
  /** A second instance over the same cache as `store` (same path/namespace), for cross-instance races. */
  reopen?: (store: CacheStore) => Promise<CacheStore> | CacheStore;
  /** Raw writes into the underlying store; enables the foreign/garbage/other-version tests. */
  raw?: RawAccess;
  /**
   * A store whose backend is unreachable or closed (a refused port, a directory that cannot exist).
   * Enables "a failing store": every method rejects or resolves safely within `brokenBoundMs`.
   */
  broken?: () => Promise<CacheStore> | CacheStore;
  /**
   * The store has the contract's lease methods (cross-process single-flight): one holder at a
   * time, renew and release by the holder only, expiry by itself, release announced. Default false.
   */
  leases?: boolean;
  /** How long a method of the `broken` store may take to settle. Default 5000 ms. */
  brokenBoundMs?: number;
  /** Time limit of each test (ms), where the framework has per-test limits (mocha). Default 20000. */
  timeout?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Settles `promise` within `ms` or fails (a hang detector, not a speed test). */
async function settles<T>(promise: Promise<T>, ms: number, what: string): Promise<{ value?: T; error?: unknown }> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({ message: `${what} did not settle within ${ms} ms (hang)` })), ms);
  });
  try {
    return await Promise.race([promise.then((value) => ({ value }), (error: unknown) => ({ error })), hang]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Registers the CacheStore conformance suite for one backend: entries, aliases, iteration, clear,
 * lifetimes, prune, bodies byte for byte (up to 10 MB), concurrent writers, values the store did
 * not write (foreign, other-version, damaged) and a store whose backend is down.
 *
 * `factory` runs for every test and must return an independent cache each time (its own namespace
 * / table / directory), on the same backend where the backend is shared, so that clear() isolation
 * is tested for real. Each test clears and closes the stores it opened. Switches turn groups off for
 * backends without the feature, as keyv's suite does. Only `lifetimes (real timer)` and the prune
 * tests wait on the wall clock, for a few tens of ms.
 *
 * Assertions use `node:assert/strict`; nothing else is needed at runtime. It runs under mocha (the
 * global `describe`/`it`), under node:test (`node --test`; used when there are no globals), or with
 * the functions given as `options.test`:
 *
 * ```ts
 * import { storeConformance } from 'axios-stash/testing';
 * import { describe, it, before, after } from 'node:test';   // or nothing, under mocha
 *
 * storeConformance('my store', () => myStore({ namespace: `t${n++}` }), {
 *   test: { describe, it, before, after },
 *   prune: false,                       // my store has no prune()
 *   broken: () => myStore({ url: 'redis://127.0.0.1:1' }),
 * });
 * ```
 */
export function storeConformance(
  name: string,
  factory: () => Promise<CacheStore> | CacheStore,
  options: ConformanceOptions = {},
): void {
  const t = resolveTestFunctions(options.test);
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  const granularity = options.ttlGranularity ?? 1000;
  const timeout = options.timeout ?? 20_000;
  const slow = Math.max(timeout, 120_000);

  /** A test with stores of its own, cleared and closed after it whatever happened. */
  function test(label: string, body: (open: () => Promise<CacheStore>, store: CacheStore) => Promise<void>, limit = timeout, skip = false): void {
    register(t, label, limit, async () => {
      const opened: CacheStore[] = [];
      const open = async (): Promise<CacheStore> => {
        const store = await factory();
        opened.push(store);
        return store;
      };
      let failure: unknown;
      try {
        await body(open, await open());
      } catch (error) {
        failure = error;
      }
      for (const s of opened.reverse()) {
        await s.clear().catch(() => {});
        await s.close?.().catch((error: unknown) => (failure ??= error));
      }
      if (failure !== undefined) throw failure;
    }, skip);
  }

  t.describe(`${name}: CacheStore conformance`, () => {
    if (options.setup) {
      if (!t.before) throw new TypeError('storeConformance: options.setup needs a `before` function');
      t.before(async () => options.setup!());
    }
    if (options.teardown) {
      if (!t.after) throw new TypeError('storeConformance: options.teardown needs an `after` function');
      t.after(async () => options.teardown!());
    }

    t.describe('entries', () => {
      test('reads a missing key as undefined', async (_, store) => {
        assert.equal(await store.get(uniqueKey()), undefined);
      });

      test('stores and reads back every field', async (_, store) => {
        const key = uniqueKey();
        const entry = makeEntry('{"id":1}');
        await store.set(key, entry, 60_000);
        assertSameEntry(await store.get(key), entry);
      });

      test('keeps Infinity, an absent assigned lifetime and odd header values', async (_, store) => {
        const key = uniqueKey();
        const entry = makeEntry('', {
          expiresAt: Infinity,
          deleteAt: Infinity,
          statusText: '',
          status: 299,
          headers: { 'x-empty': '', 'x-list': ['', 'a,b', 'ü'], 'x-quote': '"\\\n' },
          varyHeaders: {},
        });
        delete entry.assignedLifetime;
        await store.set(key, entry, Infinity);
        const back = await store.get(key);
        assertSameEntry(back, entry);
        assert.ok(!('assignedLifetime' in back!), 'no assignedLifetime read back');
      });

      test('overwrites an entry', async (_, store) => {
        const key = uniqueKey();
        await store.set(key, makeEntry('first'), 60_000);
        const second = makeEntry('second', { status: 203 });
        await store.set(key, second, 60_000);
        assertSameEntry(await store.get(key), second);
      });

      test('deletes an entry, and deleting a missing key resolves', async (_, store) => {
        const key = uniqueKey();
        await store.set(key, makeEntry(), 60_000);
        await store.delete(key);
        assert.equal(await store.get(key), undefined);
        await store.delete(key);
        await store.delete(uniqueKey());
      });

      test('keeps keys apart, including ones with separators and unicode', async (_, store) => {
        const keys = ['a', 'a:b', 'a::b', 'entry:a', 'alias:a', 'ünï/../%2e', ' spaced key ', 'x'.repeat(200)];
        for (const [i, key] of keys.entries()) await store.set(key, makeEntry(`body ${i}`), 60_000);
        for (const [i, key] of keys.entries()) assertSameEntry(await store.get(key), makeEntry(`body ${i}`), key);
      });

      test('stores nothing for a lifetime that has already run out, and drops what was there', async (_, store) => {
        const key = uniqueKey();
        await store.set(key, makeEntry(), 60_000);
        await store.setAlias(key, { kind: 'redirect', target: 't' }, 60_000);
        await store.set(key, makeEntry(), 0);
        await store.setAlias(key, { kind: 'redirect', target: 't' }, -5);
        assert.equal(await store.get(key), undefined);
        assert.equal(await store.getAlias(key), undefined);
        const never = uniqueKey();
        await store.set(never, makeEntry(), -1);
        assert.equal(await store.get(never), undefined);
      });
    });

    t.describe('aliases', () => {
      const redirect = (target: string): AliasRecord => ({ kind: 'redirect', target });

      test('stores, reads and deletes a redirect alias', async (_, store) => {
        const key = uniqueKey('alias');
        const target = uniqueKey('target');
        assert.equal(await store.getAlias(key), undefined);
        await store.setAlias(key, redirect(target), 60_000);
        assert.deepEqual(await store.getAlias(key), redirect(target));
        await store.setAlias(key, redirect(`${target}-2`), 60_000);
        assert.deepEqual(await store.getAlias(key), redirect(`${target}-2`));
        await store.deleteAlias(key);
        assert.equal(await store.getAlias(key), undefined);
        await store.deleteAlias(key);
      });

      test('stores a vary alias with its names, generation and end (Infinity too)', async (_, store) => {
        const key = uniqueKey('vary');
        const vary: AliasRecord = { kind: 'vary', names: ['accept-language', 'x-tenant'], generation: 'g7', until: 1_900_000_000_123 };
        await store.setAlias(key, vary, 60_000);
        assert.deepEqual(await store.getAlias(key), vary);
        const forever: AliasRecord = { kind: 'vary', names: ['accept'], generation: '0', until: Infinity };
        await store.setAlias(key, forever, Infinity);
        assert.deepEqual(await store.getAlias(key), forever);
      });

      test('keeps aliases and entries in separate collections', async (_, store) => {
        const key = uniqueKey();
        const entry = makeEntry();
        await store.set(key, entry, 60_000);
        await store.setAlias(key, redirect('elsewhere'), 60_000);
        assertSameEntry(await store.get(key), entry);
        assert.deepEqual(await store.getAlias(key), redirect('elsewhere'));
        await store.deleteAlias(key);
        assertSameEntry(await store.get(key), entry);
        await store.setAlias(key, redirect('elsewhere'), 60_000);
        await store.delete(key);
        assert.deepEqual(await store.getAlias(key), redirect('elsewhere'));
      });
    });

    t.describe('clear()', () => {
      test('clears entries and aliases', async (_, store) => {
        const key = uniqueKey();
        await store.set(key, makeEntry(), 60_000);
        await store.setAlias(key, { kind: 'redirect', target: 'target' }, 60_000);
        await store.clear();
        assert.equal(await store.get(key), undefined);
        assert.equal(await store.getAlias(key), undefined);
        if (options.iteration !== false) assert.deepEqual(await collect(store.keys()), []);
      });

      test('leaves another cache on the same backend alone', async (open, store) => {
        const other = await open();
        const key = uniqueKey();
        const mine = makeEntry('mine');
        const theirs = makeEntry('theirs');
        await store.set(key, mine, 60_000);
        await other.set(key, theirs, 60_000);
        await other.setAlias(key, { kind: 'redirect', target: 'their-target' }, 60_000);
        assertSameEntry(await store.get(key), mine, 'before clear');
        await store.clear();
        assert.equal(await store.get(key), undefined);
        assertSameEntry(await other.get(key), theirs, 'other cache');
        assert.deepEqual(await other.getAlias(key), { kind: 'redirect', target: 'their-target' });
        if (options.iteration !== false) assert.deepEqual(await collect(other.keys()), [key]);
      });
    });

    if (options.iteration !== false) t.describe('iteration: keys()', () => {
      test('lists the live entries once each, and no aliases', async (_, store) => {
        const keys = [uniqueKey(), uniqueKey(), uniqueKey('with:colon')];
        for (const key of keys) await store.set(key, makeEntry(), 60_000);
        await store.setAlias(uniqueKey('alias'), { kind: 'redirect', target: keys[0]! }, 60_000);
        await store.setAlias(keys[1]!, { kind: 'redirect', target: keys[0]! }, 60_000);
        assert.deepEqual(await collect(store.keys()), [...keys].sort());
        await store.delete(keys[1]!);
        assert.deepEqual(await collect(store.keys()), [keys[0]!, keys[2]!].sort());
      });

      if (options.ttl !== false) test('skips expired entries (real timer, a few ms)', async (_, store) => {
        const live = uniqueKey('live');
        const gone = uniqueKey('gone');
        await store.set(live, makeEntry(), 60_000);
        await store.set(gone, makeEntry(), 5);
        await sleep(20);
        assert.deepEqual(await collect(store.keys()), [live]);
      });

      test('lists a few hundred keys, and lets them be deleted while iterating', async (_, store) => {
        const keys = Array.from({ length: 300 }, (_, i) => uniqueKey(`many${i}`));
        for (let i = 0; i < keys.length; i += 50) {
          await Promise.all(keys.slice(i, i + 50).map((key) => store.set(key, makeEntry(key), 60_000)));
        }
        const seen: string[] = [];
        for await (const key of store.keys()) {
          seen.push(key);
          await store.delete(key);
        }
        assert.deepEqual(seen.sort(), [...keys].sort());
        assert.deepEqual(await collect(store.keys()), []);
      }, slow);
    });

    if (options.ttl !== false) t.describe('lifetimes (real timer)', () => {
      /** Polls until `check` passes or `limit` ms have passed; a few ms per round. */
      async function eventually(limit: number, check: () => Promise<boolean>): Promise<boolean> {
        const deadline = systemClock() + limit;
        for (;;) {
          if (await check()) return true;
          if (systemClock() > deadline) return false;
          await sleep(5);
        }
      }

      test('expires entries and aliases after their lifetime, and keeps Infinity (real timer)', async (_, store) => {
        const lifetime = 40;
        const short = uniqueKey('short');
        const forever = uniqueKey('forever');
        const started = systemClock();
        await store.set(short, makeEntry('short'), lifetime);
        await store.setAlias(short, { kind: 'redirect', target: 'target' }, lifetime);
        await store.set(forever, makeEntry('forever'), Infinity);
        const present = await store.get(short);
        const presentAlias = await store.getAlias(short);
        // Only meaningful if the machine got here well within the lifetime.
        if (systemClock() - started < lifetime / 2) {
          assertSameEntry(present, makeEntry('short'), 'before expiry');
          assert.deepEqual(presentAlias, { kind: 'redirect', target: 'target' });
        }
        await sleep(Math.max(0, started + lifetime - systemClock()));
        assert.ok(await eventually(granularity, async () => (await store.get(short)) === undefined), 'entry still there after its lifetime');
        assert.ok(await eventually(granularity, async () => (await store.getAlias(short)) === undefined), 'alias still there after its lifetime');
        if (options.iteration !== false) assert.deepEqual(await collect(store.keys()), [forever]);
        assertSameEntry(await store.get(forever), makeEntry('forever'), 'Infinity entry');
      });

      test('gives each write its own lifetime: an overwrite with a longer one survives (real timer)', async (_, store) => {
        const key = uniqueKey();
        const started = systemClock();
        await store.set(key, makeEntry('short'), 30);
        await store.set(key, makeEntry('long'), 60_000);
        await sleep(Math.max(0, started + 60 - systemClock()));
        assertSameEntry(await store.get(key), makeEntry('long'));
      });
    });

    if (options.prune !== false) t.describe('prune()', () => {
      test('removes expired entries and aliases, keeps live ones, and resolves a count (real timer, a few ms)', async (_, store) => {
        assert.equal(typeof store.prune, 'function', 'this store has no prune(): pass { prune: false }');
        const old = uniqueKey('old');
        const live = uniqueKey('live');
        await store.set(old, makeEntry('old'), 5);
        await store.setAlias(old, { kind: 'redirect', target: live }, 5);
        await store.set(live, makeEntry('live'), 60_000);
        await store.setAlias(live, { kind: 'redirect', target: live }, 60_000);
        await sleep(20);
        const removed = await store.prune!();
        assert.ok(Number.isInteger(removed) && removed >= 0, `prune() resolved ${String(removed)}`);
        if (!options.nativeExpiry) assert.equal(removed, 2, 'prune() count');
        assert.equal(await store.prune!(), 0, 'a second prune() finds nothing');
        assertSameEntry(await store.get(live), makeEntry('live'), 'live entry');
        assert.deepEqual(await store.getAlias(live), { kind: 'redirect', target: live });
        assert.equal(await store.get(old), undefined);
        assert.equal(await store.getAlias(old), undefined);
        if (options.iteration !== false) assert.deepEqual(await collect(store.keys()), [live]);
      });

      if (options.raw) test('removes values it cannot read, and keeps live entries of other format majors', async (_, store) => {
        const raw = options.raw!;
        const live = uniqueKey('live');
        await store.set(live, makeEntry(), 60_000);
        const bad: Array<[Collection, string]> = [];
        const otherMajor: string[] = [];
        for (const layer of raw.layers) {
          for (const collection of ['entry', 'alias'] as const) {
            const key = uniqueKey(`bad-${layer}`);
            await raw.write(store, layer, collection, key, 'axios-stash, but not an envelope\n{}\n');
            bad.push([collection, key]);
          }
        }
        // Services still running (or already running) another major read these: prune keeps them.
        const other = uniqueKey('other-major');
        await raw.write(store, raw.layers[raw.layers.length - 1]!, 'entry', other, 'axios-stash/999 devalue/6\n{}\n');
        otherMajor.push(other);
        assert.ok((await store.prune!()) >= bad.length, 'prune() counted the unreadable values');
        for (const [collection, key] of bad) {
          // Gone: the read resolves (a value still there would reject as unreadable).
          assert.equal(collection === 'entry' ? await store.get(key) : await store.getAlias(key), undefined, `${collection} ${key}`);
        }
        for (const key of otherMajor) {
          // Still there: reading it rejects as another version (a gone value would resolve undefined).
          await assert.rejects(store.get(key), (error: unknown) => (error as { info?: { kind?: string } }).info?.kind === 'version', `other-major entry ${key} kept`);
        }
        assertSameEntry(await store.get(live), makeEntry(), 'live entry');
      });
    });

    t.describe('bodies', () => {
      const bodies: Array<[string, Uint8Array]> = [
        ['empty', new Uint8Array(0)],
        ['text', new TextEncoder().encode('plain text\nwith lines\r\nand ünïcødé ✓ 😀')],
        ['JSON', new TextEncoder().encode(JSON.stringify({ a: [1, 2, { b: 'c"d\\e' }], u: '\u2028\u0000' }))],
      ];
      if (options.binary !== false) {
        bodies.push(
          ['every byte value', Uint8Array.from({ length: 512 }, (_, i) => i % 256)],
          ['non-UTF-8 bytes', Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80, 0xf8, 0x00])],
          ['UTF-8 BOM', Uint8Array.from([0xef, 0xbb, 0xbf, 0x61, 0x62])],
          ['NUL bytes', new Uint8Array(100)],
          ['a Buffer view into a larger buffer', Buffer.from('xxxxyyyyzzzz').subarray(4, 8)],
        );
      }
      for (const [label, body] of bodies) {
        test(`keeps the body byte for byte: ${label}`, async (_, store) => {
          const key = uniqueKey();
          const entry = makeEntry(body);
          await store.set(key, entry, 60_000);
          assertSameEntry(await store.get(key), entry);
        });
      }

      for (const size of [1024 * 1024, 10 * 1024 * 1024]) {
        test(`keeps a binary body of ${size >> 20} MB`, async (_, store) => {
          const key = uniqueKey();
          const entry = makeEntry(patternBytes(size, size));
          await store.set(key, entry, 60_000);
          const back = await store.get(key);
          assert.ok(back !== undefined, 'entry is missing');
          assert.equal(sha256(back.body), sha256(entry.body));
          assertSameEntry(back, entry);
        }, slow, size > maxBodyBytes);
      }
    });

    t.describe('concurrent writers', () => {
      test('leaves one whole entry when two writes race on one key', async (_, store) => {
        for (let round = 0; round < 5; round++) {
          const key = uniqueKey('race');
          const a = makeEntry(patternBytes(256 * 1024, 2 * round + 1), { statusText: 'A' });
          const b = makeEntry(patternBytes(200 * 1024, 2 * round + 2), { statusText: 'B' });
          await Promise.all([store.set(key, a, 60_000), store.set(key, b, 60_000)]);
          const back = await store.get(key);
          assertSameEntry(back, back?.statusText === 'A' ? a : b, `round ${round}`);
        }
      }, slow);

      if (options.reopen) test('leaves one whole entry when two instances of one cache race', async (_, store) => {
        const twin = await options.reopen!(store);
        try {
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
              if (read !== undefined) assertSameEntry(read, read.statusText === 'A' ? a : b, 'concurrent read');
            }
            const back = await store.get(key);
            assertSameEntry(back, back?.statusText === 'A' ? a : b, `round ${round}`);
            assertSameEntry(await twin.get(key), back!, 'seen alike by both instances');
          }
        } finally {
          await twin.close?.();
        }
      }, slow);
    });

    // Only where the backend gives raw access (memory keeps objects: nothing raw to corrupt).
    if (options.raw) t.describe('values it did not write', () => {
      const raw = options.raw!;
      for (const [label, value, expected] of garbageValues()) {
        test(`rejects ${label} with UnreadableValueError, as an entry and as an alias; a write replaces it`, async (_, store) => {
          for (const layer of raw.layers) {
            for (const collection of ['entry', 'alias'] as const) {
              if (collection === 'alias' && value === RAW_ALIAS_VALUE) continue; // a valid alias
              const key = uniqueKey(layer);
              await raw.write(store, layer, collection, key, value);
              const read = collection === 'entry' ? store.get(key) : store.getAlias(key);
              const what = `${layer} ${collection}`;
              if (expected === 'either') {
                const outcome = await read.then((v) => ({ v }), (e: unknown) => ({ e }));
                if ('v' in outcome) assert.equal(outcome.v, undefined, `${what} resolved a value`);
                else await assertUnreadable(Promise.reject(outcome.e), key, collection, what);
              } else {
                await assertUnreadable(read, key, collection, what);
              }
              // …and the next write replaces it.
              if (collection === 'entry') {
                await store.set(key, makeEntry('fresh'), 60_000);
                assertSameEntry(await store.get(key), makeEntry('fresh'), `${what} rewritten`);
              } else {
                await store.setAlias(key, { kind: 'redirect', target: 'fresh' }, 60_000);
                assert.deepEqual(await store.getAlias(key), { kind: 'redirect', target: 'fresh' }, `${what} rewritten`);
              }
            }
          }
        });
      }

      if (options.iteration !== false) test('lists keys past values it cannot read, without rejecting', async (_, store) => {
        const good = uniqueKey('good');
        await store.set(good, makeEntry(), 60_000);
        for (const layer of raw.layers) {
          for (const [, value] of garbageValues().slice(0, 8)) {
            await raw.write(store, layer, 'entry', uniqueKey('bad'), value);
          }
        }
        const keys = await collect(store.keys());
        assert.ok(keys.includes(good), 'the readable entry is listed');
      });
    });

    if (options.leases) t.describe('leases (cross-process single-flight)', () => {
      test('one holder at a time; renew and release act only for the holder; release is announced with `stored`', async (open, store) => {
        for (const m of ['acquireLease', 'renewLease', 'releaseLease', 'leaseHeld'] as const) {
          assert.equal(typeof store[m], 'function', `this store has no ${m}(): pass { leases: false }`);
        }
        const other = options.reopen ? await options.reopen(store) : await open();
        const announced: Array<[string, boolean]> = [];
        const unsubscribe = await other.onLeaseReleased?.((key, stored) => void announced.push([key, stored]));
        const key = uniqueKey('lease');
        assert.equal(await store.acquireLease!(key, 'a', 5000), true, 'a free lease is taken');
        assert.equal(await store.acquireLease!(key, 'b', 5000), false, 'a held lease is not taken again');
        assert.equal(await store.leaseHeld!(key), true);
        assert.equal(await store.renewLease!(key, 'b', 5000), false, 'renewed by a non-holder');
        assert.equal(await store.renewLease!(key, 'a', 5000), true, 'the holder renews');
        await store.releaseLease!(key, 'b', true);
        assert.equal(await store.leaseHeld!(key), true, 'released by a non-holder');
        await store.releaseLease!(key, 'a', false);
        assert.equal(await store.leaseHeld!(key), false, 'the holder released it');
        assert.equal(await store.acquireLease!(key, 'b', 5000), true, 'taken again once released');
        await store.releaseLease!(key, 'b', true);
        if (unsubscribe !== undefined) {
          for (let i = 0; i < 100 && announced.filter(([k]) => k === key).length < 2; i++) await sleep(10);
          assert.deepEqual(announced.filter(([k]) => k === key), [[key, false], [key, true]], 'releases announced to another instance, holders only');
          unsubscribe();
        }
      });
      test('a lease expires by itself after its lifetime, so a crashed holder blocks nobody (real timer, ~100 ms)', async (_, store) => {
        const key = uniqueKey('lease-expiry');
        assert.equal(await store.acquireLease!(key, 'crashed', 50), true);
        for (let i = 0; i < 100 && (await store.leaseHeld!(key)); i++) await sleep(10);
        assert.equal(await store.acquireLease!(key, 'next', 5000), true, 'taken after the lifetime');
        await store.releaseLease!(key, 'next', false);
      });
    });

    if (options.broken) t.describe('a failing store', () => {
      const bound = options.brokenBoundMs ?? 5000;
      register(t, `every method rejects or resolves safely within ${bound} ms, and writes never report success`, timeout + 12 * bound, async () => {
        const store = await options.broken!();
        try {
          const key = uniqueKey('broken');
          const read = await settles(store.get(key), bound, 'get');
          if (!('error' in read)) assert.equal(read.value, undefined, 'get resolved a value');
          const write = await settles(store.set(key, makeEntry(), 60_000), bound, 'set');
          assert.ok('error' in write, 'set resolved: a write that cannot have happened was reported done');
          const alias = await settles(store.getAlias(key), bound, 'getAlias');
          if (!('error' in alias)) assert.equal(alias.value, undefined, 'getAlias resolved a value');
          const setAlias = await settles(store.setAlias(key, { kind: 'redirect', target: 'x' }, 60_000), bound, 'setAlias');
          assert.ok('error' in setAlias, 'setAlias resolved: a write that cannot have happened was reported done');
          await settles(store.delete(key), bound, 'delete');
          await settles(store.deleteAlias(key), bound, 'deleteAlias');
          await settles(store.clear(), bound, 'clear');
          const keys = await settles(collect(store.keys()), bound, 'keys()');
          if (!('error' in keys)) assert.deepEqual(keys.value, [], 'keys() listed entries');
          if (store.prune) {
            const pruned = await settles(store.prune(), bound, 'prune');
            if (!('error' in pruned)) assert.ok(Number.isInteger(pruned.value), 'prune() resolved a count');
          }
        } finally {
          if (store.close) await settles(store.close(), bound, 'close');
        }
      });
    });
  });
}
