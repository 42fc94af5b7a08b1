/**
 * Vary end to end (RFC 9111 §4.1, RFC 9110 §12.5.5): several variants of one URL coexist, each is
 * selected by the request headers it was stored with, and validation answers the right variant.
 */
import { expect } from 'chai';
import axios from 'axios';
import { type AliasRecord, type CacheStore, memoryStorage } from '../../../lib/index.js';
import { cachedWithClock, TestClock } from '../../helpers/clock.js';
import { useServer } from '../../helpers/server.js';
import { cachedClient, seen, uniquePath } from './helpers.js';

describe('HTTP Vary (RFC 9111 §4.1)', () => {
  const ctx = useServer();

  /** An origin whose body is `<value of header>:<answer number>`, varying on `vary`. */
  function negotiated(name: string, header: string, headers: Record<string, string> = {}): string {
    const p = uniquePath(name);
    let n = 0;
    ctx.server.route(p, (req, res) => {
      const value = String(req.headers[header] ?? '');
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'max-age=600', vary: header, ...headers }).end(`${value}:${++n}`);
    });
    return p;
  }
  const lang = (value: string) => ({ headers: { 'accept-language': value } });

  it('§4.1 two variants of one URL coexist, each a hit for its own header value', async () => {
    const p = negotiated('two-variants', 'accept-language');
    const api = cachedClient(ctx.server);
    const en1 = await api.get(p, lang('en'));
    const fr1 = await api.get(p, lang('fr'));
    const en2 = await api.get(p, lang('en'));
    const fr2 = await api.get(p, lang('fr'));
    expect([en1, fr1, en2, fr2].map((r) => r.cache?.state)).to.deep.equal(['miss', 'miss', 'hit', 'hit']);
    expect([en2.data, fr2.data]).to.deep.equal(['en:1', 'fr:2']);
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('§4.1 a short-lived variant stored last does not cut the lookup of a longer-lived one', async () => {
    const p = uniquePath('vary-lifetimes');
    ctx.server.route(p, (req, res) => {
      const value = String(req.headers['accept-language']);
      // en lives ten minutes; fr one second, without a validator, so it goes from the store at once.
      const cacheControl = value === 'en' ? 'max-age=600' : 'max-age=1';
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': cacheControl, vary: 'accept-language' }).end(value);
    });
    // The store's own expiry runs on the wall clock, so the alias lifetime it is given is checked
    // directly; the cache's clock then moves past fr's lifetime.
    const memory = memoryStorage();
    const aliasLifetimes: number[] = [];
    const storage: CacheStore = {
      ...memory,
      setAlias: (key: string, alias: AliasRecord, lifetimeMs: number) => {
        aliasLifetimes.push(lifetimeMs);
        return memory.setAlias(key, alias, lifetimeMs);
      },
    };
    const clock = new TestClock();
    const api = cachedWithClock(axios.create({ baseURL: ctx.server.url }), clock, { storage });
    await api.get(p, lang('en'));
    await api.get(p, lang('fr'));
    expect(aliasLifetimes).to.have.length(2);
    expect(aliasLifetimes[1], 'alias lifetime after the short-lived variant').to.be.at.least(599_000);
    clock.advance(1300);
    const en = await api.get(p, lang('en'));
    expect(en.cache?.state).to.equal('hit');
    expect(en.data).to.equal('en');
  });

  it('§4.1 a request matching no stored variant is a miss, and stores a third variant beside the others', async () => {
    const p = negotiated('no-match', 'accept-language');
    const api = cachedClient(ctx.server);
    await api.get(p, lang('en'));
    await api.get(p, lang('fr'));
    const de = await api.get(p, lang('de'));
    const none = await api.get(p);
    expect([de.cache?.state, none.cache?.state]).to.deep.equal(['miss', 'miss']);
    expect([de.data, none.data]).to.deep.equal(['de:3', ':4']);
    const again = await Promise.all(['en', 'fr', 'de'].map((l) => api.get(p, lang(l))));
    expect(again.map((r) => [r.cache?.state, r.data])).to.deep.equal([
      ['hit', 'en:1'],
      ['hit', 'fr:2'],
      ['hit', 'de:3'],
    ]);
    expect((await api.get(p)).data).to.equal(':4');
    expect(ctx.server.count(p)).to.equal(4);
  });

  it('§4.1 values match after removing whitespace around commas; other differences do not', async () => {
    const p = negotiated('whitespace', 'accept');
    const api = cachedClient(ctx.server);
    await api.get(p, { headers: { accept: 'text/html,application/json' } });
    const spaced = await api.get(p, { headers: { accept: 'text/html, application/json' } });
    const padded = await api.get(p, { headers: { accept: 'text/html ,\tapplication/json' } });
    const other = await api.get(p, { headers: { accept: 'application/json,text/html' } });
    expect([spaced.cache?.state, padded.cache?.state, other.cache?.state]).to.deep.equal(['hit', 'hit', 'miss']);
    expect(spaced.data).to.equal('text/html,application/json:1');
  });

  it('§4.1 Vary names are case-insensitive and may list several headers', async () => {
    const p = negotiated('two-headers', 'accept-language', { vary: 'Accept-Language, X-TENANT' });
    const api = cachedClient(ctx.server);
    const a = { headers: { 'accept-language': 'en', 'x-tenant': 'a' } };
    const b = { headers: { 'accept-language': 'en', 'x-tenant': 'b' } };
    await api.get(p, a);
    expect((await api.get(p, b)).cache?.state).to.equal('miss');
    expect((await api.get(p, a)).cache?.state).to.equal('hit');
    expect((await api.get(p, b)).cache?.state).to.equal('hit');
    expect(ctx.server.count(p)).to.equal(2);
  });

  it('§4.3.4 a 304 answers the variant that was validated', async () => {
    const p = uniquePath('vary-304');
    ctx.server.route(p, (req, res) => {
      const language = String(req.headers['accept-language']);
      const etag = `"${language}-1"`;
      const headers = { etag, vary: 'accept-language', 'cache-control': 'max-age=0' };
      if (req.headers['if-none-match'] === etag) return void res.writeHead(304, headers).end();
      res.writeHead(200, { ...headers, 'content-type': 'text/plain' }).end(`hello in ${language}`);
    });
    const api = cachedClient(ctx.server);
    await api.get(p, lang('en'));
    await api.get(p, lang('fr'));
    const fr = await api.get(p, lang('fr'));
    const en = await api.get(p, lang('en'));
    expect([fr.cache?.state, fr.data]).to.deep.equal(['revalidated', 'hello in fr']);
    expect([en.cache?.state, en.data]).to.deep.equal(['revalidated', 'hello in en']);
    expect(seen(ctx.server, p).map((r) => r.headers['if-none-match'])).to.deep.equal([undefined, undefined, '"fr-1"', '"en-1"']);
  });
});
