/**
 * Property-based tests (fast-check) for what reads bytes from outside: the header parsers, the
 * HTTP-date parser, the URL normaliser of keys and the entry serializer. Run counts are modest
 * (PROPERTY_RUNS, default 200) so `npm test` stays quick; raise it to search harder.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { decodeAlias, encodeAlias, type AliasRecord } from '../../lib/alias.js';
import type { CacheEntry } from '../../lib/entry.js';
import { normaliseUrl } from '../../lib/key.js';
import { parseCacheControl } from '../../lib/policy/cache-control.js';
import { headerList, splitOutsideQuotes } from '../../lib/policy/headers.js';
import { formatHttpDate, parseHttpDate } from '../../lib/policy/http-date.js';
import { parseEntityTag } from '../../lib/policy/validators.js';
import { varyNames } from '../../lib/policy/vary.js';
import { decodeEntry, decodeEntryDetailed, encodeEntry, encodeEntryBytes } from '../../lib/serializer.js';

const runs = { numRuns: Number(process.env.PROPERTY_RUNS ?? 200) };

/** Header-ish text: printable ASCII with the characters parsers care about, and some anything. */
const headerText = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-=,;" \t0123456789\\/WHATEVERmax-age=no-cache'.split('')), maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

describe('properties: header parsers never throw and keep their invariants', () => {
  it('parseCacheControl: any field lines parse; max-age is absent or a non-negative integer', () => {
    fc.assert(
      fc.property(fc.oneof(headerText, fc.array(headerText, { maxLength: 4 })), (value) => {
        const directives = parseCacheControl(value);
        const maxAge = directives.get('max-age');
        if (maxAge !== undefined && maxAge !== true) expect(Number(maxAge)).to.satisfy((n: number) => Number.isNaN(n) || (Number.isInteger(n) && n >= 0));
      }),
      runs,
    );
  });

  it('parseCacheControl: a max-age written as a number reads back as that number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), headerText, (seconds, noise) => {
        const line = `max-age=${seconds}, ${noise.replace(/max-age/gi, 'x')}`;
        expect(parseCacheControl(line).get('max-age')).to.equal(String(seconds));
      }),
      runs,
    );
  });

  it('splitOutsideQuotes, headerList, parseEntityTag, varyNames: total on any input', () => {
    fc.assert(
      fc.property(headerText, (value) => {
        expect(splitOutsideQuotes(value)).to.be.an('array');
        expect(headerList({ vary: value }, 'vary')).to.be.an('array');
        parseEntityTag(value);
        // Lowercase, without optional whitespace (SP, HTAB) around it (RFC 9110 §5.6.3).
        for (const name of varyNames({ vary: value })) expect(name).to.equal(name.toLowerCase()).and.not.match(/^[ \t]|[ \t]$/);
      }),
      runs,
    );
  });
});

describe('properties: HTTP dates', () => {
  it('parseHttpDate(formatHttpDate(t)) is t, to the second', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253402300799 }), (seconds) => {
        expect(parseHttpDate(formatHttpDate(seconds * 1000))).to.equal(seconds * 1000);
      }),
      runs,
    );
  });

  it('parseHttpDate of anything is a finite time or undefined, never a throw', () => {
    fc.assert(
      fc.property(fc.oneof(headerText, fc.array(headerText, { maxLength: 3 })), (value) => {
        const time = parseHttpDate(value, Date.now());
        if (time !== undefined) expect(Number.isFinite(time)).to.equal(true);
      }),
      runs,
    );
  });
});

describe('properties: the URL normaliser of keys', () => {
  const ignored = new Set(['token']);
  const url = fc.webUrl({ withQueryParameters: true, withFragments: true });

  it('is idempotent: a normalised URL normalises to itself', () => {
    fc.assert(
      fc.property(url, (raw) => {
        const once = normaliseUrl(raw, ignored);
        if (once !== undefined) expect(normaliseUrl(once, ignored)).to.equal(once);
      }),
      runs,
    );
  });

  it('does not depend on the order of query parameters, and drops ignored ones', () => {
    const param = fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-zA-Z0-9]{0,6}$/));
    fc.assert(
      fc.property(fc.uniqueArray(param, { selector: ([k]) => k, maxLength: 6 }), fc.stringMatching(/^[a-zA-Z0-9]{1,8}$/), (params, secret) => {
        const query = (list: Array<[string, string]>) => list.map(([k, v]) => `${k}=${v}`).join('&');
        const a = normaliseUrl(`https://example.com/p?${query([...params, ['token', secret]])}`, ignored);
        const b = normaliseUrl(`https://example.com/p?${query([['token', secret], ...[...params].reverse()])}`, ignored);
        expect(a).to.equal(b);
        expect(a).to.not.contain(`token=${secret}`);
      }),
      runs,
    );
  });

  it('is total: any string is a URL or undefined, never a throw', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (raw) => {
        const out = normaliseUrl(raw, ignored);
        if (out !== undefined) expect(out).to.be.a('string');
      }),
      runs,
    );
  });
});

describe('properties: the serializer', () => {
  const headerValue = fc.oneof(fc.string({ maxLength: 30 }), fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 3 }));
  const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
  const entry: fc.Arbitrary<CacheEntry> = fc.record(
    {
      method: fc.constantFrom('GET', 'HEAD', 'POST'),
      url: fc.webUrl(),
      status: fc.integer({ min: 100, max: 999 }),
      statusText: fc.string({ maxLength: 20 }),
      headers: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), headerValue, { maxKeys: 6 }),
      body: fc.uint8Array({ maxLength: 2048 }),
      varyHeaders: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ maxLength: 64 }), { maxKeys: 3 }),
      requestTime: time,
      responseTime: time,
      createdAt: time,
      expiresAt: fc.oneof(time, fc.constant(Infinity)),
      deleteAt: fc.oneof(time, fc.constant(Infinity)),
      assignedLifetime: fc.integer({ min: 0, max: 10 ** 9 }),
      tags: fc.array(fc.stringMatching(/^[a-z0-9:_-]{1,12}$/), { minLength: 1, maxLength: 3 }),
    },
    { requiredKeys: ['method', 'url', 'status', 'statusText', 'headers', 'body', 'varyHeaders', 'requestTime', 'responseTime', 'createdAt', 'expiresAt', 'deleteAt'] },
  );
  const plain = (e: CacheEntry) => ({ ...e, body: [...e.body], headers: { ...e.headers }, varyHeaders: { ...e.varyHeaders } });

  it('decode(encode(x)) equals x, in text and in bytes', () => {
    fc.assert(
      fc.property(entry, (x) => {
        expect(plain(decodeEntry(encodeEntry(x))!)).to.deep.equal(plain(x));
        expect(plain(decodeEntry(encodeEntryBytes(x))!)).to.deep.equal(plain(x));
      }),
      runs,
    );
  });

  it('decoding arbitrary bytes or text never throws: an entry or a reasoned failure', () => {
    const raw = fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.string({ maxLength: 300 }),
      // Damaged real envelopes: truncated, or with a byte changed.
      fc.tuple(entry, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([x, at, byte]) => {
        const bytes = encodeEntryBytes(x).slice();
        if (bytes.length > 0) bytes[at % bytes.length] = byte;
        return at % 2 === 0 ? bytes : bytes.subarray(0, at % (bytes.length + 1));
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(raw, (value) => {
        const result = decodeEntryDetailed(value);
        expect('entry' in result || typeof result.error === 'string').to.equal(true);
      }),
      runs,
    );
  });

  it('aliases: decode(encode(x)) equals x, and decoding anything never throws', () => {
    const alias: fc.Arbitrary<AliasRecord> = fc.oneof(
      fc.record({ kind: fc.constant('redirect' as const), target: fc.stringMatching(/^[0-9a-f]{64}$/) }),
      fc.record({
        kind: fc.constant('vary' as const),
        names: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), { minLength: 1, maxLength: 4 }).map((n) => n.sort()),
        generation: fc.stringMatching(/^[a-z0-9]{1,16}$/),
        until: fc.integer({ min: 0, max: 4_102_444_800_000 }),
      }),
    );
    fc.assert(
      fc.property(alias, fc.anything(), (x, junk) => {
        expect(decodeAlias(encodeAlias(x))).to.deep.equal(x);
        decodeAlias(junk);
      }),
      runs,
    );
  });
});
