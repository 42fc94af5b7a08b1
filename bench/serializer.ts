/**
 * Serializer layouts, measured: µs per encode+decode (and per decode alone, what a hit pays) of a
 * realistic entry with a text (JSON) or binary body of 1 KB and 1 MB (10 MB with `--big`).
 *
 *   npx tsx bench/serializer.ts [--big]
 *
 * Columns:
 *   enc+dec     encodeEntry + decodeEntry alone
 *   dec         decodeEntry alone (the CPU a hit pays after the store returned the value)
 *   +keyv json  the same through Keyv's default serializer (JSON {value, expires}), as a Keyv
 *               built by a user stores it
 *   +keyv fast  through `keyvSerialization` (lib/storage/keyv-storage.ts), as our factories store it
 *   stored KB   size of the value the store holds (Keyv JSON variant)
 *
 * The layouts besides the chosen one (`split base64`, lib/serializer.ts) are here only to keep
 * the decision reproducible.
 */
import { Buffer } from 'node:buffer';
import * as devalue from 'devalue';
import { Keyv } from 'keyv';
import type { CacheEntry } from '../lib/entry.js';
import { decodeEntry, encodeEntry } from '../lib/serializer.js';
import { keyvSerialization } from '../lib/storage/kv-wire-format.js';

type Layout = { name: string; encode(e: CacheEntry): string | Buffer; decode(raw: string | Buffer): CacheEntry | undefined };

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const toBuffer = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

const layouts: Layout[] = [
  {
    name: 'split base64 (chosen)',
    encode: encodeEntry,
    decode: (raw) => decodeEntry(raw),
  },
  {
    name: 'devalue whole entry',
    encode: (e) => `axios-stash/1 devalue/6\n${devalue.stringify(e)}`,
    decode: (raw) => devalue.parse(String(raw).slice(String(raw).indexOf('\n') + 1)) as CacheEntry,
  },
  {
    name: 'split, utf8 text if valid',
    encode: (e) => {
      const { body, ...meta } = e;
      let text: string | undefined;
      try {
        text = utf8.decode(body);
      } catch {
        text = undefined;
      }
      return `axios-stash/1 devalue/6\n${devalue.stringify({ ...meta, enc: text === undefined ? 'b' : 't' })}\n${text ?? toBuffer(body).toString('base64')}`;
    },
    decode: (r) => {
      const raw = String(r);
      const a = raw.indexOf('\n');
      const b = raw.indexOf('\n', a + 1);
      const meta = devalue.parse(raw.slice(a + 1, b)) as CacheEntry & { enc: string };
      meta.body = Buffer.from(raw.slice(b + 1), meta.enc === 't' ? 'utf8' : 'base64');
      return meta;
    },
  },
  {
    name: 'binary Buffer (header + raw bytes)',
    encode: (e) => {
      const { body, ...meta } = e;
      return Buffer.concat([Buffer.from(`axios-stash/1 devalue/6\n${devalue.stringify(meta)}\n`), body]);
    },
    decode: (r) => {
      const raw = r as Buffer;
      const a = raw.indexOf(10);
      const b = raw.indexOf(10, a + 1);
      const meta = devalue.parse(raw.toString('utf8', a + 1, b)) as CacheEntry;
      meta.body = raw.subarray(b + 1);
      return meta;
    },
  },
];

function entryWith(body: Uint8Array): CacheEntry {
  const now = Date.now();
  return {
    method: 'GET',
    url: 'https://api.example.com/v1/items?page=2&sort=name',
    status: 200,
    statusText: 'OK',
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'public, max-age=300',
      etag: '"33a64df551425fcc55e4d42a148795d9f25f89d4"',
      date: new Date(now).toUTCString(),
      'last-modified': new Date(now - 86_400_000).toUTCString(),
      vary: 'accept-encoding, accept-language',
      'content-length': String(body.length),
      'x-request-id': 'f0e4c2f76c58916ec258f246851bea091d14d4247a2fc3e18694461b1816e13b',
      'set-cookie': ['a=1; Path=/', 'b=2; Path=/; HttpOnly'],
    },
    body,
    varyHeaders: { 'accept-encoding': 'gzip, deflate, br', 'accept-language': 'en-GB' },
    requestTime: now - 40,
    responseTime: now,
    createdAt: now,
    expiresAt: now + 300_000,
    deleteAt: Infinity,
    assignedLifetime: 60_000,
  };
}

function textBody(size: number): Uint8Array {
  let s = '[';
  for (let i = 0; s.length < size; i++) {
    s += `${JSON.stringify({ id: i, name: `item "${i}" – ünïcödé`, tags: ['a', 'b\n'], ok: i % 2 === 0 })},`;
  }
  return new Uint8Array(Buffer.from(s).subarray(0, size));
}

function binaryBody(size: number): Uint8Array {
  const b = new Uint8Array(size);
  let x = 2463534242;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/** µs per call, measured for about `ms` after a warm-up. */
function measure(fn: () => unknown, ms = 500): number {
  for (let i = 0; i < 5; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    fn();
    n++;
    now = performance.now();
  }
  return ((now - start) * 1000) / n;
}

const json = new Keyv(); // only for its default serialize/deserialize (@keyv/serialize)
const jsonSer = json.serialize!;
// Keyv types deserialize as possibly async; the default one is synchronous.
const jsonDes = json.deserialize! as <V>(data: string) => { value?: V } | undefined;
const fastSer = keyvSerialization.serialize;
const fastDes = keyvSerialization.deserialize;

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(toBuffer(a), toBuffer(b)) === 0;

const sizes = process.argv.includes('--big') ? [1024, 1 << 20, 10 << 20] : [1024, 1 << 20];
const fmt = (n: number): string => (n < 100 ? n.toFixed(1) : n.toFixed(0)).padStart(8);

console.log(`node ${process.version}; µs per operation (lower is better)\n`);
for (const [kind, make] of [['text', textBody], ['binary', binaryBody]] as const) {
  for (const size of sizes) {
    const entry = entryWith(make(size));
    console.log(`${kind} body, ${size >= 1 << 20 ? `${size >> 20} MB` : `${size >> 10} KB`}`);
    console.log(`  ${'layout'.padEnd(36)}${'enc+dec'.padStart(8)}${'dec'.padStart(8)}${'+keyv json'.padStart(11)}${'(dec)'.padStart(8)}${'+keyv fast'.padStart(11)}${'(dec)'.padStart(8)}${'stored KB'.padStart(10)}`);
    for (const layout of layouts) {
      const raw = layout.encode(entry);
      const back = layout.decode(raw);
      if (!back || !sameBytes(back.body, entry.body)) throw new Error(`${layout.name} does not round-trip`);
      const viaJson = String(jsonSer({ value: raw, expires: 1 }));
      const roundTrip = measure(() => layout.decode(layout.encode(entry)));
      const decode = measure(() => layout.decode(raw));
      const jsonRoundTrip = measure(() => layout.decode(jsonDes<string | Buffer>(String(jsonSer({ value: layout.encode(entry), expires: 1 })))!.value!));
      const jsonDecode = measure(() => layout.decode(jsonDes<string | Buffer>(viaJson)!.value!));
      let fastRoundTrip = NaN;
      let fastDecode = NaN;
      if (typeof raw === 'string') {
        const viaFast = fastSer({ value: raw, expires: 1 });
        fastRoundTrip = measure(() => layout.decode(fastDes<string>(fastSer({ value: layout.encode(entry), expires: 1 }))!.value!));
        fastDecode = measure(() => layout.decode(fastDes<string>(viaFast)!.value!));
      }
      console.log(
        `  ${layout.name.padEnd(36)}${fmt(roundTrip)}${fmt(decode)}${fmt(jsonRoundTrip).padStart(11)}${fmt(jsonDecode)}` +
          `${(Number.isNaN(fastRoundTrip) ? 'n/a' : fmt(fastRoundTrip)).padStart(11)}${(Number.isNaN(fastDecode) ? 'n/a' : fmt(fastDecode)).padStart(8)}` +
          `${(viaJson.length / 1024).toFixed(0).padStart(10)}`,
      );
    }
    console.log();
  }
}
