import axios, { AxiosError } from 'axios';
import { expect } from 'chai';
import { Readable } from 'node:stream';
import { setupCache } from '../../lib/index.js';
import { countingJson, useServer } from '../helpers/server.js';

describe('adapter: hits and misses through real sockets', () => {
  const ctx = useServer();
  let seq = 0;
  /** A fresh path per test, so tests never see each other's entries or counters. */
  const path = (name: string) => `/${name}-${++seq}`;

  it('answers the second request from the cache and says so', async () => {
    const p = path('json');
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const first = await api.get(p);
    const second = await api.get(p);
    expect(first.cached).to.equal(false);
    expect(first.cache?.state).to.equal('miss');
    expect(second.cached).to.equal(true);
    expect(second.cache?.state).to.equal('hit');
    expect(second.data).to.deep.equal({ n: 1 });
    expect(second.cache?.key).to.equal(first.cache?.key).and.match(/^[0-9a-f]{64}$/);
    expect(second.cache?.createdAt).to.be.a('number');
    expect(second.cache!.expiresAt! - second.cache!.createdAt!).to.be.closeTo(60_000, 100);
    expect(second.headers['age']).to.be.oneOf(['0', '1']); // Date has one-second resolution (RFC 9111 4.2.3 apparent_age)
    expect(ctx.server.count(p)).to.equal(1);
    expect(api.cache.stats()).to.include({ hits: 1, misses: 1, stores: 1, errors: 0 });
  });

  it('without a ttl, a response with no freshness of its own is not served from the cache', async () => {
    const p = path('no-ttl');
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    await api.get(p);
    const second = await api.get(p);
    expect(second.cached).to.equal(false);
    expect(second.data).to.deep.equal({ n: 2 });
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('runs transformResponse and response interceptors on hits as on misses', async () => {
    const p = path('transform');
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    let intercepted = 0;
    api.interceptors.response.use((res) => {
      intercepted++;
      return res;
    });
    const transform = (data: string) => ({ wrapped: JSON.parse(data) as unknown });
    const miss = await api.get(p, { transformResponse: [transform] });
    const hit = await api.get(p, { transformResponse: [transform] });
    expect(miss.data).to.deep.equal({ wrapped: { n: 1 } });
    expect(hit.data).to.deep.equal({ wrapped: { n: 1 } });
    expect(hit.cached).to.equal(true);
    expect(intercepted).to.equal(2);
  });

  it('serves every responseType from one entry', async () => {
    const p = path('types');
    ctx.server.route(p, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":[1,2,3]}'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    await api.get(p);
    const json = await api.get(p);
    const text = await api.get(p, { responseType: 'text' });
    const buffer = await api.get(p, { responseType: 'arraybuffer' });
    const stream = await api.get<Readable>(p, { responseType: 'stream' });
    const chunks: Buffer[] = [];
    for await (const chunk of stream.data) chunks.push(chunk as Buffer);
    expect(json.data).to.deep.equal({ a: [1, 2, 3] });
    expect(text.data).to.equal('{"a":[1,2,3]}');
    expect(Buffer.isBuffer(buffer.data)).to.equal(true);
    expect((buffer.data as Buffer).toString()).to.equal('{"a":[1,2,3]}');
    expect(Buffer.concat(chunks).toString()).to.equal('{"a":[1,2,3]}');
    expect([json, text, buffer, stream].every((r) => r.cached)).to.equal(true);
    expect(ctx.server.count(p)).to.equal(1);
  });

  it('gives every caller its own objects: mutating one response changes no other', async () => {
    const p = path('mutate');
    ctx.server.route(p, (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"list":[1]}'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const miss = await api.get(p);
    miss.data.list.push('mutated');
    const hit = await api.get(p);
    hit.data.list.push('again');
    const bytes = await api.get(p, { responseType: 'arraybuffer' });
    (bytes.data as Buffer)[0] = 0x21;
    const last = await api.get(p);
    expect(last.data).to.deep.equal({ list: [1] });
    expect(last.cached).to.equal(true);
  });

  it('keeps binary bodies byte for byte', async () => {
    const p = path('binary');
    const payload = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256));
    ctx.server.route(p, (_req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(payload));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    await api.get(p, { responseType: 'arraybuffer' });
    const hit = await api.get(p, { responseType: 'arraybuffer' });
    expect(hit.cached).to.equal(true);
    expect(Buffer.compare(hit.data as Buffer, payload)).to.equal(0);
  });

  it('applies validateStatus to hits: a stored 404 rejects like the network one did', async () => {
    const p = path('not-found');
    let n = 0;
    ctx.server.route(p, (_req, res) => void res.writeHead(404, { 'content-type': 'text/plain' }).end(`gone ${++n}`));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', statuses: [200, 404] });
    const first = await api.get(p).catch((e: AxiosError) => e);
    const second = await api.get(p).catch((e: AxiosError) => e);
    expect(first).to.be.instanceOf(AxiosError);
    expect(second).to.be.instanceOf(AxiosError);
    expect((second as AxiosError).response?.status).to.equal(404);
    expect((second as AxiosError).response?.data).to.equal('gone 1');
    expect((second as AxiosError).response?.cached).to.equal(true);
    const accepted = await api.get(p, { validateStatus: () => true });
    expect(accepted.status).to.equal(404);
    expect(accepted.cached).to.equal(true);
    expect(ctx.server.count(p)).to.equal(1);
  });

  it('does not store statuses outside `statuses` when only a ttl gives them a lifetime', async () => {
    const p = path('status');
    ctx.server.route(p, (_req, res) => void res.writeHead(404).end('nope'));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    await api.get(p).catch(() => undefined);
    const second = await api.get(p).catch((e: AxiosError) => e.response);
    expect(second?.cached).to.equal(false);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('caches HEAD apart from GET', async () => {
    const p = path('head');
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    await api.head(p);
    const head = await api.head(p);
    const get = await api.get(p);
    expect(head.cached).to.equal(true);
    expect(head.data).to.equal('');
    expect(get.cached).to.equal(false);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('passes methods that are not cacheable straight through', async () => {
    const p = path('post');
    ctx.server.route(p, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m' });
    const a = await api.post(p, { x: 1 });
    const b = await api.post(p, { x: 1 });
    expect(a.cached).to.equal(false);
    expect(b.cached).to.equal(false);
    expect(b.cache).to.equal(undefined);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('caches POST when configured, keyed by the body', async () => {
    const p = path('graphql');
    ctx.server.route(p, (_req, res, body) => void res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', methods: ['get', 'post'] });
    await api.post(p, { query: 'a' });
    const sameBody = await api.post(p, { query: 'a' });
    const otherBody = await api.post(p, { query: 'b' });
    expect(sameBody.cached).to.equal(true);
    expect(sameBody.data).to.deep.equal({ query: 'a' });
    expect(otherBody.cached).to.equal(false);
    expect(otherBody.data).to.deep.equal({ query: 'b' });
  });

  it('refuses a second setupCache on one instance with a clear message', () => {
    const api = setupCache(axios.create());
    expect(() => setupCache(api)).to.throw(/already called on this axios instance/);
  });
});
