import axios from 'axios';
import { expect } from 'chai';
import { CacheOptionsError, type CacheOptions, isAxiosStashError, memoryStorage, setupCache } from '../lib/index.js';
import { parseDuration } from '../lib/duration.js';

describe('options: bad options fail fast at setupCache, naming the option', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['unknown key', { tll: '5m' }, /^axios-stash: unknown option `tll`; the known options are storage, ttl, urlTtl, /],
    ['negative ttl', { ttl: -1 }, /`ttl` must be a duration/],
    ['NaN ttl', { ttl: Number.NaN }, /`ttl` must be a duration/],
    ['bad duration string', { ttl: '5 minutes' }, /`ttl` must be a duration.*"5 minutes"/],
    ['ttl of another type', { ttl: true }, /`ttl` must be a duration/],
    ['non-array methods', { methods: 'get' }, /`methods` must be an array of HTTP method names/],
    ['bad method name', { methods: ['get it'] }, /`methods`/],
    ['bad glob (brackets)', { urlTtl: { 'api.example.com/[ab]': '1m' } }, /urlTtl\['api.example.com\/\[ab\]'\]` must be a URL glob/],
    ['bad glob (empty)', { urlTtl: { '': '1m' } }, /urlTtl\[''\]` must be a URL glob/],
    ['bad glob (scheme)', { urlTtl: { 'ftp://x/*': '1m' } }, /must be a URL glob/],
    ['bad urlTtl value', { urlTtl: { 'a.com/*': '10 min' } }, /urlTtl\['a.com\/\*'\]` must be a duration/],
    ['urlTtl not an object', { urlTtl: ['a.com'] }, /`urlTtl` must be an object/],
    ['statuses out of range', { statuses: [200, 999] }, /`statuses` must be an array of HTTP status codes/],
    ['filter not a function', { filter: 'yes' }, /`filter` must be a function/],
    ['key not a function', { key: 'k' }, /`key` must be a function/],
    ['ignoredParams not strings', { ignoredParams: [1] }, /`ignoredParams` must be an array of strings/],
    ['matchHeaders bad', { matchHeaders: 'accept' }, /`matchHeaders` must be true, false or an array/],
    ['storage not a store', { storage: {} }, /`storage` must be a cache store.*missing: get/],
    ['heuristic > 1', { heuristic: 2 }, /`heuristic` must be a fraction between 0 and 1/],
    ['staleIfError bad', { staleIfError: 'often' }, /`staleIfError` must be true, false or a duration/],
    ['staleWhileRevalidate bad', { staleWhileRevalidate: true }, /`staleWhileRevalidate` must be false or a duration/],
    ['storeTimeout zero', { storeTimeout: 0 }, /`storeTimeout` must be a duration greater than 0/],
    ['debug bad', { debug: 'loud' }, /`debug` must be true, false or a function/],
    ['keyCredentials bad', { keyCredentials: 'no' }, /`keyCredentials` must be true or false/],
    ['credentialSalt empty', { credentialSalt: '' }, /`credentialSalt` must be a non-empty string/],
    ['shared bad', { shared: 1 }, /`shared` must be true or false/],
  ];
  for (const [name, options, message] of cases) {
    it(`${name}: ${JSON.stringify(options)}`, () => {
      let thrown: unknown;
      try {
        setupCache(axios.create(), options as CacheOptions);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).to.be.instanceOf(CacheOptionsError);
      expect(isAxiosStashError(thrown)).to.equal(true);
      expect((thrown as Error).message).to.match(message);
    });
  }

  it('memoryStorage validates its own options', () => {
    expect(() => memoryStorage({ maxEntries: 0 })).to.throw(/memoryStorage.maxEntries` must be a positive integer/);
    expect(() => memoryStorage({ maxBytes: -5 })).to.throw(/memoryStorage.maxBytes/);
  });

  it('setupCache needs an axios instance', () => {
    expect(() => setupCache({} as never)).to.throw(/needs an axios instance/);
  });

  it('a bad per-request option rejects that request, naming it', async () => {
    const api = setupCache(axios.create({ adapter: async (config) => ({ data: '', status: 200, statusText: 'OK', headers: {}, config }) }));
    const error = await api.get('http://example.test/', { cache: { ttl: 'soon' } }).catch((e: Error) => e);
    expect((error as Error).message).to.match(/`cache.ttl` must be a duration/);
    const unknown = await api.get('http://example.test/', { cache: { tll: 1 } as never }).catch((e: Error) => e);
    expect((unknown as Error).message).to.match(/^axios-stash: unknown option `cache.tll`; the known options are ttl, mode, /);
  });
});

describe('durations', () => {
  const table: Array<[unknown, number]> = [
    [0, 0],
    [1500, 1500],
    ['250ms', 250],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
    ['1w', 604_800_000],
    ['1.5h', 5_400_000],
    [' 10S ', 10_000],
  ];
  for (const [input, ms] of table) {
    it(`${JSON.stringify(input)} is ${ms} ms`, () => expect(parseDuration('ttl', input)).to.equal(ms));
  }
  for (const bad of ['', '5', '-5m', '5 minutes', 'm', Infinity, -1, null]) {
    it(`${String(bad)} is rejected`, () => expect(() => parseDuration('ttl', bad)).to.throw(CacheOptionsError));
  }
});
