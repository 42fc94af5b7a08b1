/**
 * The `filter` option decides on the response as its caller will see it: `data` parsed by the
 * request's own transformResponse (JSON becomes an object), not the raw body text.
 */
import axios from 'axios';
import { expect } from 'chai';
import { setupCache } from '../../lib/index.js';
import { useServer } from '../helpers/server.js';

describe('filter', () => {
  const ctx = useServer();
  let seq = 0;

  function jsonRoute(body: unknown): string {
    const p = `/filter-json-${++seq}`;
    ctx.server.route(p, (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end(JSON.stringify(body));
    });
    return p;
  }

  it('decides on parsed JSON: a partial answer is not stored, a complete one is', async () => {
    const seenData: unknown[] = [];
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      filter: (response) => {
        seenData.push(response.data);
        return !(response.data as { partial?: boolean }).partial;
      },
    });
    const partial = jsonRoute({ partial: true, items: [1] });
    const complete = jsonRoute({ partial: false, items: [1, 2] });
    await api.get(partial);
    await api.get(complete);
    expect(seenData).to.deep.equal([{ partial: true, items: [1] }, { partial: false, items: [1, 2] }]);
    expect((await api.get(partial)).cache?.state).to.equal('miss');
    expect((await api.get(complete)).cache?.state).to.equal('hit');
    expect(ctx.server.count(partial)).to.equal(2);
    expect(ctx.server.count(complete)).to.equal(1);
  });

  it('sees the data the request asked for: text stays text with responseType text', async () => {
    const seenData: unknown[] = [];
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), {
      filter: (response) => (seenData.push(response.data), true),
    });
    await api.get(jsonRoute({ a: 1 }), { responseType: 'text', transitional: { forcedJSONParsing: false } });
    expect(seenData).to.deep.equal(['{"a":1}']);
  });

  it('runs the request’s own transformResponse, once for the filter and again for the caller', async () => {
    let transforms = 0;
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { filter: (response) => (response.data as { v: number }).v === 2 });
    const p = jsonRoute({ v: 1 });
    const res = await api.get(p, {
      transformResponse: [(data: string) => (transforms++, { v: JSON.parse(data).v + 1 })],
    });
    expect(res.data).to.deep.equal({ v: 2 });
    expect(transforms).to.equal(2);
    expect((await api.get(p, { transformResponse: [(data: string) => ({ v: JSON.parse(data).v + 1 })] })).cache?.state).to.equal('hit');
  });

  it('an unparseable JSON body reaches the filter as text, as axios\' silent JSON parsing hands it over', async () => {
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { filter: () => true });
    const p = `/filter-bad-json-${++seq}`;
    ctx.server.route(p, (_req, res) => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=600' }).end('{not json'));
    // axios' default (silent) JSON parsing hands the text through: the filter sees it and stores it.
    const res = await api.get(p);
    expect(res.data).to.equal('{not json');
    expect((await api.get(p)).cache?.state).to.equal('hit');
  });

  it('a transform that throws stores nothing; the caller gets the error axios gives', async () => {
    let filtered = 0;
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { filter: () => (filtered++, true) });
    const p = jsonRoute({ a: 1 });
    const boom = () => {
      throw new Error('transform broke');
    };
    const failed = await api.get(p, { transformResponse: [boom] }).catch((error: Error) => error);
    expect((failed as Error).message).to.equal('transform broke');
    expect(filtered).to.equal(0);
    expect((await api.get(p)).cache?.state).to.equal('miss');
  });
});
