/**
 * Benchmark harness: sequential async operations, timed in rounds that interleave the
 * contenders of one comparison, so a noisy neighbour slows them all alike. Figures are
 * medians of the rounds; ratios are computed within one run, never against stored numbers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** Scales every iteration count; `BENCH_SCALE=0.2` for a quick look. */
export const SCALE = Number(process.env.BENCH_SCALE ?? 1);

export interface Contender {
  name: string;
  run: () => Promise<unknown>;
}

export interface Result {
  name: string;
  /** Median µs per operation. */
  us: number;
}

/** Times each contender `iterations` times per round, rounds interleaved; returns medians. */
export async function compare(contenders: Contender[], iterations: number): Promise<Result[]> {
  const n = Math.max(5, Math.round(iterations * SCALE));
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (const c of contenders) for (let i = 0; i < Math.min(n, 50); i++) await c.run(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const c of contenders) {
      const start = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await c.run();
      samples.get(c.name)!.push(Number(process.hrtime.bigint() - start) / 1000 / n);
    }
  }
  return contenders.map((c) => ({ name: c.name, us: median(samples.get(c.name)!) }));
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints a table: µs/op, ops/s, and the ratio to the named baseline. */
export function report(title: string, results: Result[], baseline: string): void {
  const base = results.find((r) => r.name === baseline)!;
  console.log(`\n${title}`);
  console.log(`  ${'contender'.padEnd(44)} ${'µs/op'.padStart(10)} ${'ops/s'.padStart(10)} ${`x ${baseline}`.padStart(26)}`);
  for (const r of results) {
    console.log(`  ${r.name.padEnd(44)} ${r.us.toFixed(1).padStart(10)} ${Math.round(1e6 / r.us).toString().padStart(10)} ${(r.us / base.us).toFixed(2).padStart(26)}`);
  }
}

/** A local origin serving fixed bodies; `/json-1k`, `/json-1m`, `/bin-1m`, `/etag-1k` ... */
export async function startOrigin(bodies: Record<string, { body: Buffer; type: string; headers?: Record<string, string> }>): Promise<{ url: string; server: Server; count: () => number }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    const path = (req.url ?? '/').split('?')[0]!;
    const spec = bodies[path];
    if (!spec) return void res.writeHead(404).end();
    const etag = spec.headers?.etag;
    if (etag !== undefined && req.headers['if-none-match'] === etag) {
      return void res.writeHead(304, spec.headers).end();
    }
    res.writeHead(200, { 'content-type': spec.type, 'content-length': spec.body.length, ...spec.headers }).end(spec.body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server, count: () => requests };
}

export function jsonBody(bytes: number): Buffer {
  const items: Array<{ id: number; name: string }> = [];
  let size = 2;
  for (let i = 0; size < bytes - 40; i++) {
    const item = { id: i, name: `item-${i}-${'x'.repeat(20)}` };
    size += JSON.stringify(item).length + 1;
    items.push(item);
  }
  return Buffer.from(JSON.stringify(items));
}

export function binaryBody(bytes: number): Buffer {
  const body = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) body[i] = (i * 31 + 7) & 0xff;
  return body;
}
