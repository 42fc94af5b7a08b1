/**
 * redisStorage: Redis through @keyv/redis (an optional peer, loaded at the factory call).
 *
 * Built like keyv's `createKeyvNonBlocking`, with what that lacks. Facts about @keyv/redis 5 /
 * node-redis 5 relied on here (node_modules/@keyv/redis/dist/index.js, @redis/client):
 * - `new Keyv({ store: new KeyvRedis(…), namespace })` writes `ns::ns:key` (the store prefixes
 *   `ns::`, Keyv prefixes `ns:` again): Keyv gets `useKeyPrefix: false` and the store the prefix.
 * - With the offline queue on (node-redis' default), a command issued while the server is down
 *   waits for it to come back: a request would hang. With `disableOfflineQueue` it rejects at
 *   once with ClientOfflineError, which KeyvRedis swallows unless its own `throwOnErrors` is set;
 *   then Keyv's set() reports `true` for a write that never happened. So both are on here, and
 *   KeyvStorage double-checks (emitted errors, client readiness).
 * - KeyvRedis connects lazily inside each command (`getClient()`), awaiting `connect()`; against a
 *   server that is not up, connect() retries for ever and the command hangs unless
 *   `connectionTimeout` is set, and on that timeout it destroys the client, so each later command
 *   waits the timeout again. We therefore connect our client ourselves, once, in the background:
 *   it is then "open" (KeyvRedis uses it as is), commands fail fast while it is not ready, and its
 *   reconnect strategy keeps retrying, so a Redis that comes back is used again without a restart.
 * - A command sent to a server that stops answering (paused, network partition) waits for TCP.
 *   Our guard (setupCache's `storeTimeout`, one budget per request) bounds what a request waits,
 *   and its circuit breaker stops sending commands until a probe answers. There is no
 *   `commandTimeout` option: node-redis 5's `commandOptions.timeout` clears the command's timer
 *   once the command is written to the socket (@redis/client lib/client/commands-queue.js removes
 *   the timeout listener as it yields the command for writing), so a paused server's commands are never dropped
 *   (they stay queued until it answers); an option claiming to drop them would not.
 * - node-redis parses `url` only when it connects (createClient throws a bare TypeError
 *   `Invalid URL` / `Invalid protocol` for a bad one): we check it up front, as it does (WHATWG URL,
 *   `redis:` or `rediss:`, a numeric database path), to throw a CacheOptionsError instead.
 * - keys()/clear() SCAN `ns::*` (with `TYPE string`: Redis >= 6; on a cluster, every master);
 *   get/set/delete are single-key GET / SET PX / UNLINK, so no request ever scans the keyspace.
 * Redis Cluster (`cluster`, or a cluster client as `client`): see ./redis-cluster.ts. Leases for
 * `coordinate`: see ./redis-leases.ts.
 */
import type { RedisClientConnectionType } from '@keyv/redis';
import { Keyv } from 'keyv';
import { CacheOptionsError } from '../errors.js';
import { loadDriver } from './driver.js';
import { boolean, checkOptions, integer, matching, optionalFunction } from './factory-options.js';
import { keyvBackedStorage, type KeyvStorage, type KeyvStorageOptions } from './keyv-storage.js';
import { keyvSerialization } from './kv-wire-format.js';
import { checkClusterOptions, createClusterClient, isClusterClient, type RedisClusterStorageOptions } from './redis-cluster.js';
import { redisLeases } from './redis-leases.js';
import { redisTagIndex } from './redis-tags.js';

export type { RedisClusterStorageOptions } from './redis-cluster.js';

export interface RedisStorageOptions {
  /** Server URL (`redis[s]://[[user]:password@]host[:port][/db]`). Default `redis://127.0.0.1:6379`. Not with `client`. */
  url?: string;
  /**
   * An existing node-redis client (e.g. with TLS or cluster settings). It is connected if it is
   * not yet, and is left open by close(). Create it with `disableOfflineQueue: true`, or a request
   * made while Redis is down fails only after the guard's timeout instead of at once.
   */
  client?: RedisClientConnectionType;
  /** Key prefix: keys are `<namespace>::entry:<key>` and clear() only touches these. Default `axios-stash`. */
  namespace?: string;
  /** Limit (ms) of each connection attempt. Default 2000. */
  connectTimeout?: number;
  /** Also told about every unreadable stored value (each read of one rejects with UnreadableValueError). */
  onInvalid?: KeyvStorageOptions['onInvalid'];
  /**
   * A Redis Cluster instead of one server: `{ rootNodes: [{ url }], defaults? }` (node-redis'
   * createCluster options; `defaults` apply to every node). Not with `url` or `client` (a cluster
   * client made with createCluster may be passed as `client` instead).
   */
  cluster?: RedisClusterStorageOptions;
  /**
   * Cross-process single-flight: processes sharing this Redis fetch a missing or stale entry once
   * between them (one takes a lease, the others wait for its entry). Default false.
   */
  coordinate?: boolean;
  /**
   * With `coordinate`: how long (ms) a process waits for another's fetch before fetching itself.
   * Default: the request's own `timeout`, capped at 5000.
   */
  coordinateTimeout?: number;
}

type RedisModule = {
  default: new (client: unknown, options: Record<string, unknown>) => object;
  createClient: (options: Record<string, unknown>) => RedisClientConnectionType;
  createCluster: (options: Record<string, unknown>) => RedisClientConnectionType;
};

const KNOWN = ['url', 'client', 'namespace', 'connectTimeout', 'onInvalid', 'cluster', 'coordinate', 'coordinateTimeout'] as const;

/** Letters, digits, `_ . -`: no `:` (would nest inside another namespace) and no SCAN glob characters. */
const NAMESPACE_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** Retry every 50 ms, doubling up to 2 s, for ever: the cache works again as soon as Redis does. */
const reconnectStrategy = (retries: number): number => Math.min(50 * 2 ** Math.min(retries, 10), 2000);

/** The URL as node-redis will parse it when it connects (see the facts above). */
function redisUrl(value: unknown): string {
  const expected = 'a redis:// or rediss:// URL (redis[s]://[[user]:password@]host[:port][/db])';
  if (value === undefined) return 'redis://127.0.0.1:6379';
  if (typeof value !== 'string') throw new CacheOptionsError('redisStorage.url', expected, value);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CacheOptionsError('redisStorage.url', expected, value);
  }
  const db = url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0;
  if ((url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '' || !Number.isInteger(db) || db < 0) {
    throw new CacheOptionsError('redisStorage.url', expected, value);
  }
  return value;
}

function isRedisClient(value: unknown): value is RedisClientConnectionType {
  const c = value as Record<string, unknown> | null;
  return typeof c === 'object' && c !== null && typeof c.connect === 'function' && typeof c.on === 'function';
}

/**
 * @throws CacheOptionsError for a bad or unknown option (or `url`/`cluster` next to `client`,
 * which would be ignored); MissingDriverError when @keyv/redis is not installed.
 */
export function redisStorage(options?: RedisStorageOptions): KeyvStorage {
  const checked = checkOptions('redisStorage', options, KNOWN);
  const given = checked.client;
  if (given !== undefined && !isRedisClient(given)) {
    throw new CacheOptionsError('redisStorage.client', 'a node-redis client (createClient() from @keyv/redis or redis)', given);
  }
  for (const name of ['url', 'cluster'] as const) {
    if (given !== undefined && checked[name] !== undefined) {
      throw new CacheOptionsError(`redisStorage.${name}`, 'left out when `client` is given (configure the client instead)', checked[name]);
    }
  }
  const cluster = checkClusterOptions(checked.cluster);
  if (cluster !== undefined && checked.url !== undefined) {
    throw new CacheOptionsError('redisStorage.url', 'left out when `cluster` is given (list the nodes in cluster.rootNodes)', checked.url);
  }
  const coordinate = boolean('redisStorage.coordinate', checked.coordinate, false);
  const coordinateTimeout = integer('redisStorage.coordinateTimeout', checked.coordinateTimeout, 1);
  if (coordinateTimeout !== undefined && !coordinate) {
    throw new CacheOptionsError('redisStorage.coordinateTimeout', 'left out unless `coordinate: true`', coordinateTimeout);
  }
  const url = redisUrl(checked.url);
  const namespace = matching('redisStorage.namespace', checked.namespace, NAMESPACE_PATTERN, 'axios-stash');
  const connectTimeout = integer('redisStorage.connectTimeout', checked.connectTimeout, 1, 2000);
  const onInvalid = optionalFunction('redisStorage.onInvalid', checked.onInvalid);
  const { default: KeyvRedis, createClient, createCluster } = loadDriver<RedisModule>('@keyv/redis', 'redisStorage');

  const client =
    given ??
    (cluster !== undefined
      ? createClusterClient(createCluster, cluster, { connectTimeout, reconnectStrategy })
      : createClient({
          url,
          disableOfflineQueue: true,
          socket: { connectTimeout, reconnectStrategy },
        }));
  // node-redis emits 'error' on every failed (re)connection attempt; an EventEmitter 'error' with
  // no listener would crash the process. KeyvRedis listens too, but only from its constructor on.
  client.on('error', () => {});

  const store = new KeyvRedis(client, {
    namespace,
    throwOnErrors: true,
    throwOnConnectError: false,
    connectionTimeout: connectTimeout,
  });
  const wasOpen = client.isOpen;
  // Failures are emitted as 'error' events (seen by keyvStorage); for one server the promise itself
  // only settles when the client is closed, since the reconnect strategy never gives up. A cluster
  // client's connect() settles once it has read the slots (or found no root node).
  const connecting = wasOpen ? undefined : client.connect();
  connecting?.catch(() => {});
  const keyv = new Keyv({ store, namespace, useKeyPrefix: false, throwOnErrors: true, ...keyvSerialization });
  // Calls made while the first connection is being set up wait for it (at most connectTimeout);
  // once that wait is over, a client that is not ready fails each call at once (keyvStorage).
  const firstConnection = new Promise<Keyv>((resolve) => {
    const events = client as unknown as { isReady?: boolean; isOpen?: boolean; once(e: string, f: () => void): void; off(e: string, f: () => void): void };
    if (events.isReady) return resolve(keyv);
    // A cluster client has no `ready` (and is `isOpen` from the moment connect() starts, before it
    // knows any slot: a command then fails with a TypeError inside node-redis): it is usable once
    // its connect() has resolved.
    const cluster = isClusterClient(client);
    if (cluster && wasOpen) return resolve(keyv);
    const done = (): void => {
      clearTimeout(timer);
      events.off('ready', done);
      resolve(keyv);
    };
    const timer = setTimeout(done, connectTimeout);
    timer.unref?.();
    if (cluster) connecting?.then(done, done);
    else events.once('ready', done);
  });
  const leases = coordinate ? redisLeases(client, namespace, firstConnection) : undefined;
  const { clearTags, ...tagIndex } = redisTagIndex(client, namespace, firstConnection);
  const storage = keyvBackedStorage(
    firstConnection,
    {
      onInvalid,
      // A client we created is ours to close; a client we were given stays open for its owner.
      close: async (k) => {
        await leases?.closeLeases();
        if (given === undefined) await k.disconnect();
      },
    },
    { extension: { ...tagIndex, afterClear: clearTags } },
  );
  if (leases === undefined) return storage;
  const { closeLeases: _internal, ...methods } = leases;
  return Object.assign(storage, methods, { coordinateTimeout });
}
