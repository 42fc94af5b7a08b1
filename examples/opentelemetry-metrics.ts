/**
 * Cache metrics through OpenTelemetry: the cache's events (`api.cache.on`) feed two counters and
 * a histogram of `@opentelemetry/api`, and whatever MeterProvider the application registers
 * (the OpenTelemetry SDK with an OTLP or Prometheus exporter, usually) exports them.
 *
 * So that it runs without a collector, this example registers a tiny MeterProvider of its own
 * that keeps what is recorded in memory and prints the hit ratio and latencies at the end. In an
 * application, register the SDK's MeterProvider instead and keep `instrument()` as it is.
 */
import axios from 'axios';
import { createServer } from 'node:http';
import { type Attributes, type Counter, type Histogram, type Meter, type MeterProvider, metrics } from '@opentelemetry/api';
import { type CacheEvent, type CachedAxiosInstance, setupCache } from 'axios-stash';

/** Wires one cache instance's events to OpenTelemetry instruments. */
export function instrument(api: CachedAxiosInstance, meter: Meter): void {
  const requests = meter.createCounter('http.client.cache.requests', { description: 'Requests through the cache, by result' });
  const writes = meter.createCounter('http.client.cache.writes', { description: 'Entries stored, evicted or invalidated; store errors' });
  const duration = meter.createHistogram('http.client.cache.duration', { description: 'Time to answer a request through the cache', unit: 'ms' });
  const answered = (event: CacheEvent): void => {
    const attributes = { 'cache.result': event.type, 'http.request.method': event.method ?? 'GET' };
    requests.add(1, attributes);
    if (event.duration !== undefined) duration.record(event.duration, attributes);
  };
  for (const type of ['hit', 'stale', 'revalidated', 'miss'] as const) api.cache.on(type, answered);
  for (const type of ['store', 'evict', 'invalidate', 'error'] as const) api.cache.on(type, (e) => writes.add(1, { 'cache.event': e.type }));
}

// --- a MeterProvider that keeps the measurements (stands in for the OpenTelemetry SDK) ------------

const recorded: Array<{ name: string; value: number; attributes: Attributes }> = [];
const record = (name: string) => (value: number, attributes: Attributes = {}) => void recorded.push({ name, value, attributes });
const memoryMeterProvider: MeterProvider = {
  getMeter: () =>
    ({
      createCounter: (name: string) => ({ add: record(name) }) as Counter,
      createHistogram: (name: string) => ({ record: record(name) }) as Histogram,
    }) as unknown as Meter,
};
metrics.setGlobalMeterProvider(memoryMeterProvider);

// --- a local origin and some traffic ------------------------------------------------------------

const server = createServer((req, res) => {
  // A little work on the origin, so that the latencies tell hits from misses.
  setTimeout(() => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' }).end(JSON.stringify({ path: req.url })), 20);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as { port: number };

const api = setupCache(axios.create({ baseURL: `http://127.0.0.1:${port}` }));
instrument(api, metrics.getMeter('axios-stash-example'));

for (let round = 0; round < 4; round++) {
  for (const path of ['/users', '/users/42', '/posts']) await api.get(path);
}

// --- what an exporter would show ---------------------------------------------------------------

const count = (result: string) => recorded.filter((m) => m.name === 'http.client.cache.requests' && m.attributes['cache.result'] === result).length;
const latencies = (result: string) =>
  recorded
    .filter((m) => m.name === 'http.client.cache.duration' && m.attributes['cache.result'] === result)
    .map((m) => m.value)
    .sort((a, b) => a - b);
const median = (values: number[]) => values[Math.floor(values.length / 2)] ?? 0;
const hits = count('hit') + count('stale') + count('revalidated');
console.log(`requests: ${hits + count('miss')} (hits ${hits}, misses ${count('miss')})`);
console.log(`hit ratio: ${(hits / (hits + count('miss'))).toFixed(2)} (api.cache.stats().hitRatio: ${api.cache.stats().hitRatio.toFixed(2)})`);
console.log(`duration histogram: ${latencies('hit').length} hit and ${latencies('miss').length} miss measurements`);
console.log(`median latency: hit ${median(latencies('hit')).toFixed(2)} ms, miss ${median(latencies('miss')).toFixed(2)} ms`);
await api.cache.close();
server.close();
