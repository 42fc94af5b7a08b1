/**
 * Signed entries (setupCache's `secret`): a store wrapper that signs every entry and alias it
 * writes with HMAC-SHA256 under the first secret, and verifies what it reads against any of them.
 * A missing or wrong signature rejects the read with UnreadableValueError (kind `signature`), so
 * the guard counts it in `stats().errors`, reports it, and the request is a miss: the value is
 * never served, and the next response stored for the key replaces it.
 *
 * What is signed: the key the value is stored under and every field of the entry (the body bytes
 * and tags included: a field added to CacheEntry must be added to `entrySignature`), or the alias
 * record. Binding the key means a validly signed entry copied under
 * another key (another URL, another user's credentials) fails too, as does an alias pointing one
 * user's key at another user's entry.
 *
 * Verification hashes the whole body (about 1-2 ms per MB), so a verified entry object is
 * remembered (WeakMap, per key): stores that hand back the same decoded object for an unchanged
 * stored value (KeyvStorage's decoded cache, memoryStorage) pay it once per stored value.
 *
 * Every other store method (prune, keys, leases, close, …) passes through untouched.
 */
import type { AliasRecord } from './alias.js';
import type { CacheEntry } from './entry.js';
import { UnreadableValueError } from './errors.js';
import { hmacSha256Hex } from './hash.js';
import type { CacheStore } from './storage/contract.js';

const ENTRY_CONTEXT = 'axios-stash-entry-sig/1';
const ALIAS_CONTEXT = 'axios-stash-alias-sig/1';

function sorted<T>(record: Record<string, T>): Array<[string, T]> {
  return Object.keys(record)
    .sort()
    .map((name) => [name, record[name]!]);
}

/** Numbers as text: JSON would write Infinity (a valid expiresAt) as null. */
const num = (n: number | undefined): string | null => (n === undefined ? null : String(n));

export function entrySignature(secret: string, key: string, e: CacheEntry): string | Promise<string> {
  const meta = JSON.stringify([
    ENTRY_CONTEXT, key, e.method, e.url, e.status, e.statusText, sorted(e.headers), sorted(e.varyHeaders),
    num(e.requestTime), num(e.responseTime), num(e.createdAt), num(e.expiresAt), num(e.deleteAt), num(e.assignedLifetime),
    e.tags ?? [], e.body.byteLength,
  ]);
  return hmacSha256Hex(secret, meta, e.body);
}

export function aliasSignature(secret: string, key: string, a: AliasRecord): string | Promise<string> {
  const fields = a.kind === 'redirect' ? [a.target] : [a.names, a.generation, num(a.until)];
  return hmacSha256Hex(secret, JSON.stringify([ALIAS_CONTEXT, key, a.kind, ...fields]));
}

/** Constant-time comparison of two hex strings (no early exit on the first differing character). */
function sameHex(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

async function signedByAny(signature: string | undefined, secrets: readonly string[], sign: (secret: string) => string | Promise<string>): Promise<boolean> {
  if (typeof signature !== 'string') return false;
  for (const secret of secrets) if (sameHex(await sign(secret), signature)) return true;
  return false;
}

export function signedStore(store: CacheStore, secrets: readonly string[]): CacheStore {
  const signer = secrets[0]!;
  const verified = new WeakMap<CacheEntry, string>();
  const overrides: Partial<CacheStore> = {
    async get(key) {
      const entry = await store.get(key);
      if (entry === undefined || entry === null || verified.get(entry) === key) return entry;
      if (!(await signedByAny(entry.signature, secrets, (s) => entrySignature(s, key, entry)))) {
        throw new UnreadableValueError({ key, collection: 'entry', kind: 'signature', error: entry.signature === undefined ? 'unsigned entry' : 'wrong signature' });
      }
      verified.set(entry, key);
      return entry;
    },
    async set(key, entry, lifetimeMs) {
      const { signature: _old, ...unsigned } = entry;
      return store.set(key, { ...unsigned, signature: await entrySignature(signer, key, unsigned) }, lifetimeMs);
    },
    async getAlias(key) {
      const alias = await store.getAlias(key);
      if (alias === undefined || alias === null) return alias;
      if (!(await signedByAny(alias.signature, secrets, (s) => aliasSignature(s, key, alias)))) {
        throw new UnreadableValueError({ key, collection: 'alias', kind: 'signature', error: alias.signature === undefined ? 'unsigned alias' : 'wrong signature' });
      }
      return alias;
    },
    async setAlias(key, alias, lifetimeMs) {
      const { signature: _old, ...unsigned } = alias;
      return store.setAlias(key, { ...unsigned, signature: await aliasSignature(signer, key, unsigned as AliasRecord) } as AliasRecord, lifetimeMs);
    },
  };
  // A Proxy, so that methods the contract gains later pass through without being listed here.
  const proxy: CacheStore = new Proxy(store, {
    get(target, property, receiver) {
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof CacheStore];
      const value = Reflect.get(target, property, receiver === proxy ? target : receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}
