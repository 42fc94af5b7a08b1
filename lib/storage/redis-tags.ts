/**
 * The tag index on Redis, for a single client or a cluster client alike: one set per tag,
 *
 *   <namespace>::tag:<tag>   members: the tagged entries' keys within the storage (`entry:<key>`)
 *
 * written before the entry (a crash in between leaves an extra member, never a missing one).
 * Redis expires entries by itself, so a set would keep members whose entries are gone: each set
 * expires with its longest-lived member (a one-key Lua script: SADD, then extend the set's TTL,
 * so it also runs on the key's own node in a cluster), and a lookup drops the members whose entry
 * no longer exists. Lookups page with SSCAN, so a set of a million members is never read at once.
 *
 * Facts relied on: @keyv/redis' clear() SCANs with `TYPE string`, so it leaves these sets alone:
 * `clearTags` removes them. node-redis pipelines commands issued together (EXISTS of one page).
 */
import type { RedisClientConnectionType } from '@keyv/redis';
import type { StoreExtension } from './keyv-storage.js';

const ADD =
  "redis.call('sadd', KEYS[1], ARGV[1]) " +
  "local ms = tonumber(ARGV[2]) " +
  "local ttl = redis.call('pttl', KEYS[1]) " +
  "if ms == 0 then redis.call('persist', KEYS[1]) " +
  "elseif ttl >= 0 and ttl < ms then redis.call('pexpire', KEYS[1], ms) " +
  "elseif ttl == -1 and redis.call('scard', KEYS[1]) == 1 then redis.call('pexpire', KEYS[1], ms) end " +
  'return 1';

/** Members read per SSCAN step. */
const PAGE = 200;

/** The slice of node-redis (client or cluster) this module uses. */
interface TagClient {
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  sScan(key: string, cursor: string, options: { COUNT: number }): Promise<{ cursor: string | number; members: string[] }>;
  sRem(key: string, members: string[]): Promise<number>;
  exists(key: string): Promise<number>;
  scan(cursor: string, options: { MATCH: string; COUNT: number; TYPE: string }): Promise<{ cursor: string | number; keys: string[] }>;
  unlink(keys: string[] | string): Promise<number>;
  /** A cluster client: its masters, and a client for one of them. */
  masters?: unknown[];
  nodeClient?(node: unknown): TagClient | Promise<TagClient>;
}

/** `connected`: the first connection attempt is over (commands sent before it fail at once). */
export function redisTagIndex(client: RedisClientConnectionType, namespace: string, connected: Promise<unknown>): StoreExtension & { clearTags(): Promise<void> } {
  const redis = client as unknown as TagClient;
  const setKey = (tag: string): string => `${namespace}::tag:${tag}`;
  const entryKey = (storeKey: string): string => `${namespace}::${storeKey}`;

  return {
    // SCAN (what @keyv/redis' iterator pages with) returns every key present for the whole
    // iteration, whatever is deleted meanwhile: listing while deleting skips nothing.
    safeIteration: true,

    async beforeSet(storeKey, entry, lifetime) {
      await connected;
      for (const tag of entry.tags ?? []) {
        await redis.eval(ADD, { keys: [setKey(tag)], arguments: [storeKey, String(lifetime)] });
      }
    },

    async *keysWithTag(tag) {
      await connected;
      const key = setKey(tag);
      let cursor = '0';
      do {
        const page = await redis.sScan(key, cursor, { COUNT: PAGE });
        cursor = String(page.cursor);
        const alive = await Promise.all(page.members.map(async (member) => (await redis.exists(entryKey(member))) === 1));
        const gone = page.members.filter((_, i) => !alive[i]);
        if (gone.length > 0) await redis.sRem(key, gone);
        yield* page.members.filter((_, i) => alive[i]);
      } while (cursor !== '0');
    },

    async clearTags() {
      await connected;
      // A single client SCANs its keyspace; a cluster client has no SCAN of its own, so every
      // master is scanned (as @keyv/redis' clear() does), and each set is unlinked on its own: the
      // sets of one node sit in different slots, and a multi-key UNLINK across slots is refused.
      const cluster = Array.isArray(redis.masters) && typeof redis.nodeClient === 'function';
      const nodes = cluster ? await Promise.all(redis.masters!.map((m) => redis.nodeClient!(m))) : [redis];
      for (const node of nodes) {
        if (typeof node.scan !== 'function') continue;
        let cursor = '0';
        do {
          const page = await node.scan(cursor, { MATCH: `${namespace}::tag:*`, COUNT: 500, TYPE: 'set' });
          cursor = String(page.cursor);
          if (page.keys.length === 0) continue;
          if (cluster) for (const key of page.keys) await redis.unlink(key);
          else await redis.unlink(page.keys);
        } while (cursor !== '0');
      }
    },
  };
}
