/**
 * One service process of the stampede bench (bench/stampede.ts), forked with `--import tsx`:
 * argv[2] = '{"contender": "stash" | "stash-coordinate" | "aci", "redis": url, "namespace": …}'.
 * Answers `{ cmd: 'burst', url, concurrency }` with every caller's latency (ms).
 */
import KeyvRedis from '@keyv/redis';
import axios from 'axios';
import { buildStorage, setupCache as setupAci, type StorageValue } from 'axios-cache-interceptor';
import { Keyv } from 'keyv';
import { setupCache } from 'axios-stash';
import { redisStorage } from 'axios-stash/redis';

const { contender, redis, namespace } = JSON.parse(process.argv[2]!) as { contender: string; redis: string; namespace: string };

let api: { get(url: string): Promise<unknown> };
let close: () => Promise<void>;
if (contender === 'aci') {
  const keyv = new Keyv({ store: new KeyvRedis(redis), namespace, useKeyPrefix: false });
  const storage = buildStorage({
    find: async (key) => (await keyv.get(key)) as StorageValue | undefined,
    set: async (key, value) => void (await keyv.set(key, value)),
    remove: async (key) => void (await keyv.delete(key)),
  });
  api = setupAci(axios.create(), { storage, ttl: 60_000, interpretHeader: true });
  close = () => keyv.disconnect();
} else {
  const cached = setupCache(axios.create(), {
    storage: redisStorage({ url: redis, namespace, ...(contender === 'stash-coordinate' ? { coordinate: true } : {}) }),
  });
  api = cached;
  close = () => cached.cache.close();
}

process.on('message', async (m: { cmd: string; url?: string; concurrency?: number }) => {
  if (m.cmd === 'burst') {
    const latencies = await Promise.all(
      Array.from({ length: m.concurrency! }, async () => {
        const start = performance.now();
        await api.get(m.url!);
        return performance.now() - start;
      }),
    );
    process.send!({ latencies });
  } else if (m.cmd === 'close') {
    await close();
    process.exit(0);
  }
});
process.send!({ ready: true });
