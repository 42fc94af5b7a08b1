import type { CacheStore } from '../../lib/storage/contract.js';
import { redisStorage } from '../../lib/storage/redis.js';
import { scenarioSuite } from './suite.js';

// One namespace per cache (cleared after each scenario); a second instance opens its own client on it.
const URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const run = `stash-scenarios-${process.pid}-${Date.now().toString(36)}`;
const namespaces = new WeakMap<CacheStore, string>();
let n = 0;
function open(namespace = `${run}-${n++}`): CacheStore {
  const store = redisStorage({ url: URL, namespace });
  namespaces.set(store, namespace);
  return store;
}

scenarioSuite('redis', () => open(), { reopen: (store) => open(namespaces.get(store)) });
