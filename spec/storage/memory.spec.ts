import { expect } from 'chai';
import { CacheOptionsError } from '../../lib/errors.js';
import { memoryStorage } from '../../lib/storage/memory.js';
import { storeConformance } from '../../lib/testing/conformance.js';

// memoryStorage keeps entries as objects (no envelope, nothing raw to corrupt) and each call is a
// separate cache, so the raw-value and two-instance tests do not apply; nothing can be down.
storeConformance('memory', () => memoryStorage({ maxEntries: 10_000 }), { ttlGranularity: 100 });

describe('memoryStorage options', () => {
  it('refuses bad and unknown options with CacheOptionsError', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ maxEntries: 0 }, /`memoryStorage.maxEntries` must be a positive integer; got 0/],
      [{ maxBytes: 1.5 }, /`memoryStorage.maxBytes`/],
      [{ maxEntrie: 5 }, /unknown option `memoryStorage.maxEntrie`; the options of memoryStorage are maxEntries, maxBytes/],
      ['big', /`memoryStorage` must be an options object/],
    ];
    for (const [options, message] of cases) {
      expect(() => memoryStorage(options as never), String(options)).to.throw(CacheOptionsError, message);
    }
  });
});
