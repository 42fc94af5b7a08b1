import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import * as devalue from 'devalue';
import type { CacheEntry } from '../lib/entry.js';
import { FORMAT_MAJOR } from '../lib/format-version.js';
import { decodeEntry, decodeEntryDetailed, DEVALUE_MAJOR, encodeEntry, encodeEntryBytes, ENVELOPE_HEADER } from '../lib/serializer.js';

const fixtures = new URL('./fixtures/entries/', import.meta.url);

function entry(body: Uint8Array | string = '{"ok":true}', overrides: Partial<CacheEntry> = {}): CacheEntry {
  return {
    method: 'GET',
    url: 'https://example.com/a?b=c',
    status: 200,
    statusText: 'OK',
    headers: { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] },
    body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
    varyHeaders: { accept: 'application/json' },
    requestTime: 1_700_000_000_000,
    responseTime: 1_700_000_000_100,
    createdAt: 1_700_000_000_100,
    expiresAt: 1_700_000_060_100,
    deleteAt: Infinity,
    assignedLifetime: 5000,
    ...overrides,
  };
}

function expectSame(actual: CacheEntry | undefined, expected: CacheEntry): void {
  expect(actual).to.not.equal(undefined);
  const { body: a, ...restA } = actual!;
  const { body: b, ...restB } = expected;
  expect(restA).to.deep.equal(restB);
  expect(Buffer.from(a).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength)), 'body bytes').to.equal(true);
}

const roundTrip = (e: CacheEntry): CacheEntry | undefined => decodeEntry(encodeEntry(e));

describe('serializer', () => {
  describe('golden fixtures', () => {
    // The values golden entries must decode to, per format major, written out here on purpose
    // (not imported from spec/fixtures/generate.ts): a golden file must keep meaning this.
    const expected: Record<number, Omit<CacheEntry, 'body'> & { body: string }> = {
      1: {
        method: 'GET',
        url: 'https://api.example.com/v1/r%C3%A9sum%C3%A9?lang=fr&q=a%20b',
        status: 203,
        statusText: 'Non-Authoritative Information',
        headers: {
          'content-type': 'application/octet-stream',
          'cache-control': 'public, max-age=600',
          etag: 'W/"42"',
          'set-cookie': ['a=1; Path=/', 'b=2'],
          vary: 'Accept-Language',
          'x-unicode': 'naïve ✓',
        },
        body: Buffer.concat([Buffer.from('golden\n'), Buffer.from(Array.from({ length: 256 }, (_, i) => i))]).toString('hex'),
        varyHeaders: { 'accept-language': 'fr-CH, fr;q=0.9' },
        requestTime: 1_700_000_000_000,
        responseTime: 1_700_000_000_250,
        createdAt: 1_700_000_000_300,
        expiresAt: 1_700_000_600_250,
        deleteAt: Infinity,
        assignedLifetime: 120_000,
      },
    };
    const files = readdirSync(fixtures).filter((f) => /^v\d+\.entry$/.test(f));

    it(`has a golden entry for the current format major (${FORMAT_MAJOR})`, () => {
      expect(files).to.include(`v${FORMAT_MAJOR}.entry`);
    });

    for (const file of files) {
      const major = Number(/^v(\d+)/.exec(file)![1]);
      const raw = readFileSync(new URL(file, fixtures), 'utf8');
      if (major === FORMAT_MAJOR) {
        it(`reads ${file} field for field`, () => {
          const result = decodeEntryDetailed(raw);
          expect(result).to.have.property('entry');
          const { body, ...rest } = (result as { entry: CacheEntry }).entry;
          const { body: hex, ...want } = expected[major]!;
          expect(rest).to.deep.equal(want);
          expect(Buffer.from(body).toString('hex')).to.equal(hex);
        });
        it(`reads ${file} from bytes as from a string`, () => {
          expectSame(decodeEntry(readFileSync(new URL(file, fixtures))), decodeEntry(raw)!);
        });
        it(`writes what ${file} holds, byte for byte`, () => {
          const decoded = decodeEntry(raw)!;
          expect(encodeEntry(decoded)).to.equal(raw);
        });
      } else {
        it(`refuses ${file} (format ${major}) as another version`, () => {
          expect(decodeEntryDetailed(raw)).to.include({ kind: 'version' });
        });
      }
    }

    it("names the installed devalue's major in every entry", () => {
      const installed = JSON.parse(readFileSync(new URL('../node_modules/devalue/package.json', import.meta.url), 'utf8')) as { version: string };
      // If this fails, devalue moved to another major: bump FORMAT_MAJOR (lib/format.ts) and
      // DEVALUE_MAJOR, and add the new golden fixture (npx tsx spec/fixtures/generate.ts).
      expect(Number(installed.version.split('.')[0])).to.equal(DEVALUE_MAJOR);
      expect(ENVELOPE_HEADER).to.equal(`axios-stash/${FORMAT_MAJOR} devalue/${DEVALUE_MAJOR}`);
    });
  });

  describe('round trips', () => {
    const bodies: Array<[string, Uint8Array]> = [
      ['empty', new Uint8Array(0)],
      ['text', new TextEncoder().encode('hello\nworld\r\n')],
      ['JSON', new TextEncoder().encode(JSON.stringify({ a: '"\\\n', b: [1, null], c: '\u2028' }))],
      ['non-UTF-8', Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, 0x80, 0xed, 0xa0, 0x80])],
      ['UTF-8 BOM', Uint8Array.from([0xef, 0xbb, 0xbf, 0x68, 0x69])],
      ['every byte value', Uint8Array.from({ length: 256 }, (_, i) => i)],
      ['1 byte', Uint8Array.of(0)],
      ['2 bytes', Uint8Array.of(1, 2)],
      ['3 bytes', Uint8Array.of(1, 2, 3)],
      ['1 MB random', randomBytes(1 << 20)],
      ['10 MB random', randomBytes(10 << 20)],
    ];
    for (const [label, body] of bodies) {
      it(`keeps a ${label} body byte for byte`, () => {
        expectSame(roundTrip(entry(body)), entry(body));
      });
    }

    it('hands back a plain Uint8Array that owns exactly the body', () => {
      for (const size of [0, 10, 5000, 100_000]) {
        const back = roundTrip(entry(randomBytes(size)))!;
        expect(Object.getPrototypeOf(back.body)).to.equal(Uint8Array.prototype);
        expect([back.body.byteOffset, back.body.buffer.byteLength]).to.deep.equal([0, size]);
      }
    });

    it('encodes only the visible bytes of a Buffer view', () => {
      const view = Buffer.from('0123456789').subarray(3, 6);
      expect(Buffer.from(roundTrip(entry(view))!.body).toString()).to.equal('345');
    });

    it('keeps Infinity, unicode, an empty statusText and an absent assigned lifetime', () => {
      const e = entry('x', { expiresAt: Infinity, deleteAt: Infinity, url: 'https://ü.example/ä?ö=ß', statusText: '' });
      delete e.assignedLifetime;
      const back = roundTrip(e)!;
      expectSame(back, e);
      expect(back).to.not.have.property('assignedLifetime');
    });

    it('turns header maps into plain string maps (class instances, numbers, __proto__)', () => {
      class Headers {
        'content-type' = 'text/plain';
        'content-length' = 12 as unknown as string;
        empty = undefined as unknown as string;
      }
      const headers = new Headers() as unknown as CacheEntry['headers'];
      Object.defineProperty(headers, '__proto__', { value: 'x', enumerable: true, configurable: true, writable: true });
      const vary = JSON.parse('{"__proto__":"y","accept":"a"}') as Record<string, string>;
      const back = roundTrip(entry('x', { headers, varyHeaders: vary }))!;
      expect(back.headers).to.deep.equal({ 'content-type': 'text/plain', 'content-length': '12' });
      expect(Object.getPrototypeOf(back.headers)).to.equal(Object.prototype);
      expect(back.varyHeaders).to.deep.equal({ accept: 'a' });
    });

    it('refuses to encode a body that is not bytes', () => {
      expect(() => encodeEntry(entry('x', { body: 'text' as unknown as Uint8Array }))).to.throw(TypeError);
    });
  });

  describe('the byte variant (stores that keep bytes)', () => {
    it('round-trips entries with the body stored verbatim after the version line and metadata', () => {
      const body = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7) % 256);
      for (const e of [entry(), entry(body), entry(new Uint8Array(0)), entry(Buffer.from('xxabcxx').subarray(2, 5))]) {
        const bytes = encodeEntryBytes(e);
        expect(Buffer.from(bytes.subarray(0, ENVELOPE_HEADER.length + 1)).toString()).to.equal(`${ENVELOPE_HEADER}\n`);
        expect(Buffer.from(bytes.subarray(bytes.length - e.body.length)).equals(Buffer.from(e.body))).to.equal(true);
        const back = decodeEntry(bytes)!;
        expectSame(back, e);
        expect(Buffer.isBuffer(back.body), 'a plain Uint8Array, like base64 bodies').to.equal(false);
      }
    });

    it('copies a body out of a value that shares its memory (a pool slice), and views one that owns it', () => {
      const bytes = encodeEntryBytes(entry('pooled'));
      const pool = new Uint8Array(bytes.length + 64);
      pool.set(bytes, 32);
      const shared = decodeEntry(pool.subarray(32, 32 + bytes.length))!;
      expect(shared.body.buffer.byteLength).to.equal(shared.body.byteLength);
      const owned = new Uint8Array(bytes);
      expect(decodeEntry(owned)!.body.buffer).to.equal(owned.buffer);
    });

    it('still reads the text envelope handed back as bytes', () => {
      expectSame(decodeEntry(Buffer.from(encodeEntry(entry()))), entry());
    });

    it('refuses truncated bytes and a bytes body inside a text value as damaged', () => {
      const bytes = encodeEntryBytes(entry('0123456789'));
      expect(decodeEntryDetailed(bytes.subarray(0, bytes.length - 1))).to.deep.include({ kind: 'damaged' });
      expect(decodeEntryDetailed(Buffer.from([...bytes, 1]))).to.deep.include({ kind: 'damaged' });
      expect(decodeEntryDetailed(Buffer.from(bytes).toString('latin1'))).to.deep.include({ kind: 'damaged' });
      expect(decodeEntryDetailed(bytes.subarray(0, 30))).to.deep.include({ kind: 'damaged' });
    });

    it('leaves the text envelope as it was (the golden fixtures hold it)', () => {
      expect(encodeEntry(entry()).split('\n')[1]).to.contain('"base64"');
    });
  });

  describe('within one format major', () => {
    /** Rewrites the metadata line of an encoded entry. */
    function withMeta(raw: string, change: (meta: Record<string, unknown>) => void): string {
      const [header, meta, body] = [raw.slice(0, raw.indexOf('\n')), raw.slice(raw.indexOf('\n') + 1, raw.lastIndexOf('\n')), raw.slice(raw.lastIndexOf('\n') + 1)];
      const parsed = devalue.parse(meta) as Record<string, unknown>;
      change(parsed);
      return `${header}\n${devalue.stringify(parsed)}\n${body}`;
    }

    it('ignores fields it does not know', () => {
      const raw = withMeta(encodeEntry(entry()), (m) => {
        m.addedLater = { nested: [1, 2], when: new Date(0) };
        m.priority = 'high';
      });
      const back = decodeEntry(raw)!;
      expectSame(back, entry());
      expect(back).to.not.have.property('addedLater');
    });

    it('refuses a body encoding it does not know (reading it as base64 would serve garbage)', () => {
      const raw = withMeta(encodeEntry(entry()), (m) => (m.bodyEncoding = 'zstd'));
      expect(decodeEntryDetailed(raw)).to.include({ kind: 'version' });
    });

    it('refuses metadata of the wrong types', () => {
      const cases: Array<(m: Record<string, unknown>) => void> = [
        (m) => delete m.method,
        (m) => (m.status = '200'),
        (m) => (m.status = 200.5),
        (m) => (m.headers = [['a', 'b']]),
        (m) => (m.headers = { a: 1 }),
        (m) => (m.headers = { a: ['b', 2] }),
        (m) => (m.varyHeaders = { a: ['b'] }),
        (m) => (m.createdAt = Number.NaN),
        (m) => (m.expiresAt = '1'),
        (m) => (m.ttl = 'soon'),
        (m) => (m.bodyLength = -1),
        (m) => (m.bodyLength = 999),
      ];
      for (const [i, change] of cases.entries()) {
        const result = decodeEntryDetailed(withMeta(encodeEntry(entry()), change));
        expect(result, `case ${i}`).to.include({ kind: 'damaged' });
      }
    });
  });

  describe('values that are not a readable entry', () => {
    const valid = encodeEntry(entry(randomBytes(3000)));
    const rest = valid.slice(valid.indexOf('\n'));

    it('reads other versions as undefined, and says so', () => {
      for (const line of ['axios-stash/2 devalue/6', 'axios-stash/1 devalue/5', 'axios-stash/1 devalue/7', 'axios-stash/0 devalue/4', 'axios-stash/10 devalue/6']) {
        const result = decodeEntryDetailed(line + rest);
        expect(result, line).to.include({ kind: 'version' });
        expect(decodeEntry(line + rest)).to.equal(undefined);
      }
    });

    it('reads foreign values as undefined', () => {
      const foreign: unknown[] = [
        undefined, null, 42, true, {}, [], new Map(), Symbol('s'), () => 1,
        '', 'garbage', '{}', 'null', JSON.stringify(entry()),
        JSON.stringify({ value: 'garbage', expires: null }),
        JSON.stringify({ value: valid, expires: null }), // Keyv's wrapper: Keyv unwraps it, we do not
        { value: valid, expires: null },
        'axios-stash-alias/1\nkey',
        'AXIOS-STASH/1 devalue/6' + rest,
        ` ${valid}`,
      ];
      for (const value of foreign) {
        expect(decodeEntry(value), String(value).slice(0, 40)).to.equal(undefined);
        expect(decodeEntryDetailed(value)).to.include({ kind: 'foreign' });
      }
    });

    it('reads every truncation as undefined', () => {
      const small = encodeEntry(entry('short body'));
      for (let length = 0; length < small.length; length++) {
        expect(decodeEntry(small.slice(0, length)), `cut at ${length}`).to.equal(undefined);
      }
      for (const cut of [1, 4, 100, valid.length >> 1]) {
        expect(decodeEntryDetailed(valid.slice(0, -cut))).to.include({ kind: 'damaged' });
      }
    });

    it('reads a value with bytes appended as undefined', () => {
      expect(decodeEntry(`${valid}AAAA`)).to.equal(undefined);
      expect(decodeEntry(`${valid}\n`)).to.equal(undefined);
    });

    it('never throws on random bytes, as a string or as bytes', () => {
      for (let i = 0; i < 500; i++) {
        const bytes = randomBytes(1 + (i % 300));
        expect(decodeEntry(bytes)).to.equal(undefined);
        expect(decodeEntry(bytes.toString('latin1'))).to.equal(undefined);
        expect(decodeEntry(`${ENVELOPE_HEADER}\n${bytes.toString('latin1')}`)).to.equal(undefined);
      }
    });

    it('never throws on single-character damage anywhere in an entry', () => {
      const small = encodeEntry(entry('abcdef'));
      const alphabet = '\n"[]{},:0-9aZ+/=\u0000é';
      for (let at = 0; at < small.length; at++) {
        for (const ch of alphabet) {
          const damaged = small.slice(0, at) + ch + small.slice(at + 1);
          const result = decodeEntryDetailed(damaged); // a decoded entry or a reason: never a throw
          expect('entry' in result || 'kind' in result).to.equal(true);
        }
      }
    });
  });
});
