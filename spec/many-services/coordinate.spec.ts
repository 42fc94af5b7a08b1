import { stampedeSpecs } from './fixtures/stampede.js';

const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('coordinate: cross-process single-flight on one Redis', function () {
  this.timeout(60_000);
  stampedeSpecs(() => ({ url: REDIS }));
});
