/**
 * The Redis Cluster client redisStorage uses for `cluster: { rootNodes, … }`, built on node-redis'
 * createCluster (re-exported by @keyv/redis 5, whose KeyvRedis accepts a cluster client).
 *
 * What @keyv/redis 5.1 / node-redis 5.12 do on a cluster, as checked against a six-node cluster
 * (spec/storage/redis-cluster.spec.ts):
 * - KeyvRedis routes GET/SET/UNLINK by key; its iterator() and clear() SCAN every master
 *   (`cluster.masters`, `nodeClient`) and MGET/UNLINK grouped by slot, so nothing needs two keys in
 *   one slot. Our layout never does: entries, aliases and leases are single-key commands, and a
 *   lease's compare-and-delete is a one-key script.
 * - node-redis re-reads the cluster's topology only on a MOVED or ASK reply. A master that dies
 *   gives neither: its slots stay mapped to a client that reconnects for ever, and every command
 *   for them fails (ClientOfflineError with the offline queue disabled; a hang with it enabled),
 *   even after a replica has been promoted. So a node's connection error here asks node-redis to
 *   rediscover (`_slots.rediscover`, an internal of RedisCluster: there is no public method), at
 *   most every REDISCOVER_MS while errors go on: commands for the other masters' slots never stop
 *   working, and the dead master's slots work again as soon as the promoted replica is seen.
 * - `disableOfflineQueue`, the connect timeout and the reconnect strategy are per-node settings
 *   (`defaults`), not top-level options of createCluster.
 */
import type { RedisClientConnectionType } from '@keyv/redis';
import { elapsedClock } from '../clock.js';
import { CacheOptionsError } from '../errors.js';

export interface RedisClusterStorageOptions {
  /** At least one node of the cluster, `{ url: 'redis://host:port' }`; the rest are discovered. */
  rootNodes: Array<{ url: string }>;
  /** node-redis options applied to every node's client (credentials, TLS). Passed through as is. */
  defaults?: Record<string, unknown>;
}

type CreateCluster = (options: Record<string, unknown>) => RedisClientConnectionType;

/** Re-reads the topology at most this often while nodes keep failing. */
const REDISCOVER_MS = 500;

export function checkClusterOptions(value: unknown): RedisClusterStorageOptions | undefined {
  if (value === undefined) return undefined;
  const expected = "{ rootNodes: [{ url: 'redis://host:port' }, …], defaults?: { …node-redis client options } }";
  const v = value as Partial<RedisClusterStorageOptions> | null;
  if (typeof v !== 'object' || v === null || !Array.isArray(v.rootNodes) || v.rootNodes.length === 0) {
    throw new CacheOptionsError('redisStorage.cluster', expected, value);
  }
  for (const node of v.rootNodes) {
    const url = (node as { url?: unknown } | null)?.url;
    if (typeof url !== 'string' || !/^rediss?:\/\/[^/]+/.test(url)) throw new CacheOptionsError('redisStorage.cluster', expected, value);
  }
  for (const name of Object.keys(v)) {
    if (name !== 'rootNodes' && name !== 'defaults') throw new CacheOptionsError(`redisStorage.cluster.${name}`, 'left out (only rootNodes and defaults)', name);
  }
  if (v.defaults !== undefined && (typeof v.defaults !== 'object' || v.defaults === null)) {
    throw new CacheOptionsError('redisStorage.cluster.defaults', 'an object of node-redis client options', v.defaults);
  }
  return v as RedisClusterStorageOptions;
}

/** True for a node-redis cluster client (the test KeyvRedis itself uses). */
export function isClusterClient(client: unknown): boolean {
  return (client as { slots?: unknown } | null)?.slots !== undefined;
}

export function createClusterClient(
  createCluster: CreateCluster,
  options: RedisClusterStorageOptions,
  socket: Record<string, unknown>,
): RedisClientConnectionType {
  const defaults = options.defaults ?? {};
  const cluster = createCluster({
    rootNodes: options.rootNodes,
    defaults: {
      ...defaults,
      disableOfflineQueue: true,
      socket: { ...socket, ...((defaults.socket as Record<string, unknown> | undefined) ?? {}) },
    },
  });
  healOnNodeErrors(cluster);
  return cluster;
}

/** See the facts above: rediscover the topology when a node's connection fails. */
export function healOnNodeErrors(cluster: RedisClientConnectionType): void {
  const c = cluster as unknown as {
    on(event: string, listener: (...args: unknown[]) => void): void;
    _slots?: { rediscover?: (startWith: unknown) => Promise<void> };
    _self?: { _slots?: { rediscover?: (startWith: unknown) => Promise<void> } };
    isOpen?: boolean;
  };
  let last = 0;
  let running = false;
  c.on('node-error', () => {
    const slots = c._slots ?? c._self?._slots;
    if (running || typeof slots?.rediscover !== 'function' || c.isOpen === false || elapsedClock() - last < REDISCOVER_MS) return;
    running = true;
    last = elapsedClock();
    // A start node without options: node-redis then asks the root nodes, skipping dead ones.
    slots
      .rediscover({ options: undefined })
      .catch(() => {})
      .finally(() => {
        running = false;
      });
  });
}
