/**
 * The store contract's lease methods on Redis (lib/storage/contract.ts, used by lib/coordination.ts),
 * for a single client or a cluster client alike:
 *
 *   <namespace>::lease:<key>   a token, written with SET NX PX (expires by itself)
 *   <namespace>::leases        the pub/sub channel a release is announced on: `<0|1><key>`
 *
 * Renewal and release compare the token and act in one step (a one-key Lua script, so it runs on
 * the key's own node in a cluster). PUBLISH on a cluster reaches the subscribers of every node.
 * Notifications come through a duplicate of the client (a subscribed connection can do nothing
 * else), made on the first wait and closed with the store.
 */
import type { RedisClientConnectionType } from '@keyv/redis';
import type { CacheStore } from './contract.js';

const RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
const RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/** The slice of node-redis (client or cluster) this module uses. */
interface LeaseClient {
  set(key: string, value: string, options: Record<string, unknown>): Promise<string | null>;
  exists(key: string): Promise<number>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<number>;
  duplicate(): LeaseClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  close?(): Promise<void>;
  destroy?(): void;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

export type LeaseMethods = Required<Pick<CacheStore, 'acquireLease' | 'renewLease' | 'releaseLease' | 'leaseHeld' | 'onLeaseReleased'>> & {
  /** Closes the notification connection, if one was made. */
  closeLeases(): Promise<void>;
};

/**
 * `connected` settles when the store's first connection attempt is over (as every store call
 * waits for it): before that a cluster client knows no slot, and a single client is offline.
 */
export function redisLeases(client: RedisClientConnectionType, namespace: string, connected: Promise<unknown>): LeaseMethods {
  const raw = client as unknown as LeaseClient;
  let ready = false;
  void connected.then(() => (ready = true));
  const connection = async (): Promise<LeaseClient> => {
    if (!ready) await connected;
    return raw;
  };
  const leaseKey = (key: string): string => `${namespace}::lease:${key}`;
  const channel = `${namespace}::leases`;
  let subscriber: LeaseClient | undefined;
  let subscribing: Promise<void> | undefined;
  const listeners = new Set<(key: string, stored: boolean) => void>();

  return {
    async acquireLease(key, token, lifetimeMs) {
      const redis = await connection();
      return (await redis.set(leaseKey(key), token, { condition: 'NX', expiration: { type: 'PX', value: Math.ceil(lifetimeMs) } })) === 'OK';
    },
    async renewLease(key, token, lifetimeMs) {
      const redis = await connection();
      return Number(await redis.eval(RENEW, { keys: [leaseKey(key)], arguments: [token, String(Math.ceil(lifetimeMs))] })) === 1;
    },
    async releaseLease(key, token, stored) {
      const redis = await connection();
      // Only the holder announces: a lease that expired and went to another process is theirs now.
      if (Number(await redis.eval(RELEASE, { keys: [leaseKey(key)], arguments: [token] })) !== 1) return;
      await redis.publish(channel, `${stored ? 1 : 0}${key}`);
    },
    async leaseHeld(key) {
      const redis = await connection();
      return (await redis.exists(leaseKey(key))) === 1;
    },
    async onLeaseReleased(listener) {
      listeners.add(listener);
      // One subscribed connection per store, however many waiters ask at once.
      subscribing ??= (async () => {
        const sub = (await connection()).duplicate();
        subscriber = sub;
        // Connection errors are emitted as events; without a listener they would crash the process.
        sub.on('error', () => {});
        try {
          await sub.connect();
          await sub.subscribe(channel, (message) => {
            const key = message.slice(1);
            for (const l of [...listeners]) l(key, message[0] === '1');
          });
        } catch (error) {
          subscriber = undefined;
          subscribing = undefined;
          sub.destroy?.();
          throw error;
        }
      })();
      try {
        await subscribing;
      } catch (error) {
        listeners.delete(listener);
        throw error;
      }
      return () => listeners.delete(listener);
    },
    async closeLeases() {
      const sub = subscriber;
      subscriber = undefined;
      subscribing = undefined;
      listeners.clear();
      if (sub === undefined) return;
      try {
        await sub.close?.();
      } catch {
        sub.destroy?.();
      }
    },
  };
}
