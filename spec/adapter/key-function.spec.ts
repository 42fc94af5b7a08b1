import axios from 'axios';
import { expect } from 'chai';
import { type CacheEvent, setupCache } from '../../lib/index.js';
import { countingJson, useServer } from '../helpers/server.js';

/**
 * A custom `key` function that gives no usable key is handled one way, as a `filter` that throws:
 * that request is not cached (network, nothing read or stored), reported, and never failed.
 */
describe('adapter: a key function that gives no usable key', () => {
  const ctx = useServer();
  let seq = 0;

  const cases: Array<[string, () => unknown]> = [
    ['returns null', () => null],
    ['returns undefined', () => undefined],
    ['returns an empty string', () => ''],
    ['returns a number', () => 42],
    ['returns an object', () => ({ key: 'x' })],
    [
      'throws',
      () => {
        throw new Error('key broke');
      },
    ],
  ];

  for (const [name, key] of cases) {
    it(`${name}: the request goes to the network uncached and is reported`, async () => {
      const a = `/key-a-${++seq}`;
      const b = `/key-b-${seq}`;
      ctx.server.route(a, countingJson());
      ctx.server.route(b, countingJson());
      const events: CacheEvent[] = [];
      const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', key: key as never, debug: (e) => events.push(e) });
      const first = await api.get(a);
      const again = await api.get(a);
      const other = await api.get(b);
      expect([first.data, again.data, other.data]).to.deep.equal([{ n: 1 }, { n: 2 }, { n: 1 }]);
      expect([first.cached, again.cached, other.cached]).to.deep.equal([false, false, false]);
      await api.cache.idle();
      expect(api.cache.stats().stores).to.equal(0);
      const reported = events.filter((e) => e.type === 'error' && e.operation === 'key');
      expect(reported).to.have.length(3);
      expect(reported[0]!.error).to.be.instanceOf(Error);
    });
  }

  it('a non-empty string is used verbatim; requests keyed alike share an entry', async () => {
    const a = `/key-ok-a-${++seq}`;
    const b = `/key-ok-b-${seq}`;
    ctx.server.route(a, countingJson());
    ctx.server.route(b, countingJson());
    const api = setupCache(axios.create({ baseURL: ctx.server.url }), { ttl: '1m', key: () => 'same' });
    const first = await api.get(a);
    expect(first.cache?.key).to.equal('same');
    await api.cache.idle();
    // The entry answers only its own URL and method: /b misses rather than getting /a's answer,
    // and the entry it cannot use is counted and reported.
    expect((await api.get(b)).cached).to.equal(false);
    expect(api.cache.stats().errors).to.equal(1);
  });
});
