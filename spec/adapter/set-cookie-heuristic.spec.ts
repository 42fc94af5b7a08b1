/**
 * What the cache keeps by default: no Set-Cookie (one caller's session must never reach the next),
 * and heuristic lifetimes capped at a week (RFC 9111 §4.2.2 leaves the bound to the cache).
 */
import axios from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { useServer } from '../helpers/server.js';

const DAY = 86_400_000;

describe('adapter: Set-Cookie and heuristic limits', () => {
  const ctx = useServer();
  let seq = 0;
  function route(headers: Record<string, string | string[]>): string {
    const p = `/cookie-heuristic-${++seq}`;
    ctx.server.route(p, (_req, res) => res.writeHead(200, { 'content-type': 'text/plain', ...headers }).end('body'));
    return p;
  }

  it('a miss hands the caller its Set-Cookie; hits carry none, by default', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    const p = route({ 'cache-control': 'max-age=600', 'set-cookie': ['sid=user-1; HttpOnly'] });
    const miss = await api.get(p);
    expect(miss.headers['set-cookie']).to.deep.equal(['sid=user-1; HttpOnly']);
    const hit = await api.get(p);
    expect(hit.cache?.state).to.equal('hit');
    expect(hit.headers['set-cookie']).to.equal(undefined);
    expect((await api.cache.getEntry(hit.cache!.key))?.headers['set-cookie']).to.equal(undefined);
  });

  it('storeSetCookie: true keeps it for a private cache', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { storeSetCookie: true });
    const p = route({ 'cache-control': 'max-age=600', 'set-cookie': ['sid=user-1'] });
    await api.get(p);
    expect((await api.get(p)).headers['set-cookie']).to.deep.equal(['sid=user-1']);
  });

  it('storeSetCookie must be a boolean', () => {
    expect(() => setupCache(axios.create(), { storeSetCookie: 'yes' as never })).to.throw(/`storeSetCookie` must be true or false/);
  });

  it('heuristic freshness is capped at a week by default, even for a ten-year-old Last-Modified', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }));
    const p = route({ 'last-modified': new Date(Date.now() - 3650 * DAY).toUTCString() });
    await api.get(p);
    const hit = await api.get(p);
    expect(hit.cache?.state).to.equal('hit');
    expect(hit.cache!.expiresAt! - hit.cache!.createdAt!).to.be.within(7 * DAY - 2000, 7 * DAY);
  });

  it('maxHeuristicLifetime sets the cap', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { maxHeuristicLifetime: '1h' });
    const p = route({ 'last-modified': new Date(Date.now() - 3650 * DAY).toUTCString() });
    await api.get(p);
    const hit = await api.get(p);
    expect(hit.cache!.expiresAt! - hit.cache!.createdAt!).to.be.within(3_600_000 - 2000, 3_600_000);
  });

  it('maxHeuristicLifetime must be a duration', () => {
    expect(() => setupCache(axios.create(), { maxHeuristicLifetime: 'forever' })).to.throw(/`maxHeuristicLifetime`/);
  });
});
