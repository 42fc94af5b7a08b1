/**
 * Issue 3 figures: memory-storage hits against the floor no axios cache can beat (the same
 * instance with an adapter that returns a canned response of the same body), plain axios over
 * loopback, and axios-cache-interceptor's memory hits; and a miss (lookup + network + store)
 * against plain axios.
 */
import axios, { type AxiosAdapter, type AxiosHeaders, type AxiosRequestConfig } from 'axios';
import { setupCache as setupAci, buildMemoryStorage } from 'axios-cache-interceptor';
import { NEVER_EXPIRE, setupCache } from 'axios-stash';
import { binaryBody, compare, jsonBody, report, startOrigin } from './harness.js';

export async function memoryBench(): Promise<void> {
  const bodies = {
    '/json-1k': { body: jsonBody(1024), type: 'application/json' },
    '/json-1m': { body: jsonBody(1024 * 1024), type: 'application/json' },
    '/bin-1m': { body: binaryBody(1024 * 1024), type: 'application/octet-stream' },
  };
  const origin = await startOrigin(bodies);

  const cases: Array<{ title: string; path: keyof typeof bodies; config: AxiosRequestConfig; iterations: number }> = [
    { title: '1 KB JSON hit (memory)', path: '/json-1k', config: {}, iterations: 2000 },
    { title: '1 MB JSON hit (memory): every contender but ACI pays JSON.parse', path: '/json-1m', config: {}, iterations: 20 },
    { title: '1 MB binary hit (memory), responseType arraybuffer', path: '/bin-1m', config: { responseType: 'arraybuffer' }, iterations: 200 },
  ];

  for (const c of cases) {
    const spec = bodies[c.path];
    // The same response the origin sends (its real headers), handed on as axios' http adapter
    // does: a string for text/json, the Buffer for arraybuffer.
    const originHeaders = ((await axios.get(`${origin.url}${c.path}`, { responseType: 'arraybuffer' })).headers as AxiosHeaders).toJSON();
    const text = spec.body.toString('utf8');
    const canned: AxiosAdapter = async (config) => ({
      data: config.responseType === 'arraybuffer' ? spec.body : text,
      status: 200,
      statusText: 'OK',
      headers: { ...originHeaders },
      config,
      request: {},
    });
    const floor = axios.create({ baseURL: origin.url, adapter: canned });
    // A real adapter hands every response bytes of its own; so must a cache that never shares
    // objects between callers. This floor copies the canned body per response.
    const fresh = axios.create({
      baseURL: origin.url,
      adapter: async (config) => ({ ...(await canned(config)), data: config.responseType === 'arraybuffer' ? Buffer.copyBytesFrom(spec.body) : text }),
    });
    const plain = axios.create({ baseURL: origin.url });
    const stash = setupCache(axios.create({ baseURL: origin.url }), { ttl: NEVER_EXPIRE });
    const aci = setupAci(axios.create({ baseURL: origin.url }), { storage: buildMemoryStorage(), ttl: 3_600_000, interpretHeader: false });
    await stash.get(c.path, c.config);
    await aci.get(c.path, c.config as never);
    const results = await compare(
      [
        { name: 'floor: canned adapter', run: () => floor.get(c.path, c.config) },
        ...(c.config.responseType === 'arraybuffer' ? [{ name: 'floor: canned, fresh copy per response', run: () => fresh.get(c.path, c.config) }] : []),
        { name: 'axios-stash hit', run: () => stash.get(c.path, c.config) },
        { name: 'axios-cache-interceptor hit', run: () => aci.get(c.path, c.config as never) },
        { name: 'plain axios (loopback network)', run: () => plain.get(c.path, c.config) },
      ],
      c.iterations,
    );
    report(c.title, results, 'floor: canned adapter');
    const stats = stash.cache.stats();
    if (stats.misses !== 1) throw new Error(`bench invariant: expected every axios-stash request after the first to hit, got ${JSON.stringify(stats)}`);
  }

  // Miss: lookup + network + store, on a new URL every time, against plain axios on the same URLs.
  for (const path of ['/json-1k', '/bin-1m'] as const) {
    const config: AxiosRequestConfig = path === '/bin-1m' ? { responseType: 'arraybuffer' } : {};
    const plain = axios.create({ baseURL: origin.url });
    const stash = setupCache(axios.create({ baseURL: origin.url }), { ttl: NEVER_EXPIRE });
    let i = 0;
    let j = 0;
    const results = await compare(
      [
        { name: 'plain axios', run: () => plain.get(`${path}?i=${i++}`, config) },
        { name: 'axios-stash miss + store', run: () => stash.get(`${path}?i=${j++}`, config) },
      ],
      path === '/json-1k' ? 1000 : 100,
    );
    report(`miss (lookup + network + store) ${path}`, results, 'plain axios');
  }
  origin.server.close();
}
