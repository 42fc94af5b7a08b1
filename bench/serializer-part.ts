/**
 * The cost of the stored format: encode + decode of an entry with 1 KB and 1 MB bodies, text and
 * binary, for the chosen layout (version line, devalue metadata, base64 body). The layouts it was
 * chosen against are measured in bench/serializer.ts (npx tsx bench/serializer.ts).
 */
import type { CacheEntry } from '../lib/entry.js';
import { decodeEntry, encodeEntry } from '../lib/serializer.js';
import { compare, report } from './harness.js';

function entry(body: Uint8Array): CacheEntry {
  const now = Date.now();
  return {
    method: 'GET', url: 'https://api.example.com/items?page=2', status: 200, statusText: 'OK',
    headers: { 'content-type': 'application/json', etag: '"abc"', 'cache-control': 'max-age=300', date: new Date(now).toUTCString() },
    body, varyHeaders: {}, requestTime: now, responseTime: now, createdAt: now, expiresAt: now + 300_000, deleteAt: now + 3_900_000,
  };
}

export async function serializerBench(): Promise<void> {
  const text = (n: number) => new TextEncoder().encode('{"k":"' + 'x'.repeat(n - 9) + '"}');
  const binary = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
  const cases = [
    ['1 KB text', text(1024), 3000],
    ['1 KB binary', binary(1024), 3000],
    ['1 MB text', text(1024 * 1024), 20],
    ['1 MB binary', binary(1024 * 1024), 20],
  ] as const;
  const contenders = cases.flatMap(([name, body, iterations]) => {
    const e = entry(body);
    const encoded = encodeEntry(e);
    return [
      { name: `${name}: encode`, iterations, run: async () => encodeEntry(e) },
      { name: `${name}: decode (what a hit pays)`, iterations, run: async () => decodeEntry(encoded) },
    ];
  });
  for (const [name, , iterations] of cases) {
    const mine = contenders.filter((c) => c.name.startsWith(name));
    report(`serializer, ${name}`, await compare(mine, iterations), mine[0]!.name);
  }
}
