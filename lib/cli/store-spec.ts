/**
 * `--store` and `--namespace` as a description of which store to open, before anything is
 * loaded or opened: pure, so every form is tested without a store.
 *
 *   sqlite:<path>        SQLite file (`sqlite:./http-cache.sqlite`, `sqlite:///var/cache/http.sqlite`)
 *   file:<dir>           a fileStorage directory (`file:./.http-cache`, `file:///var/cache/http`)
 *   redis[s]://…         a Redis server (`redis://127.0.0.1:6379`, `rediss://user:pw@host:6380/2`)
 *
 * `--namespace` names the cache inside a shared store: the key prefix on Redis, the table in a
 * SQLite file. A file store is one directory per cache, so it takes no namespace.
 */
import { usageError } from './exit-codes.js';

export type StoreSpec =
  | { kind: 'sqlite'; path: string; table?: string; label: string }
  | { kind: 'file'; dir: string; label: string }
  | { kind: 'redis'; url: string; namespace?: string; label: string };

export const STORE_FORMS = 'sqlite:<path>, file:<dir> or redis://host:port';

export function parseStoreSpec(store: string | undefined, namespace?: string): StoreSpec {
  if (store === undefined || store === '') {
    throw usageError(`--store is required (${STORE_FORMS}), or set AXIOS_STASH_STORE`);
  }
  if (namespace === '') throw usageError('--namespace must not be empty');
  const label = redactPassword(store);
  const sqlite = pathAfter(store, 'sqlite');
  if (sqlite !== undefined) return namespace === undefined ? { kind: 'sqlite', path: sqlite, label } : { kind: 'sqlite', path: sqlite, table: namespace, label };
  const dir = pathAfter(store, 'file');
  if (dir !== undefined) {
    if (namespace !== undefined) {
      throw usageError(`--namespace does not apply to a file store (one directory is one cache): point --store at another directory`);
    }
    return { kind: 'file', dir, label };
  }
  if (/^rediss?:\/\//i.test(store)) return namespace === undefined ? { kind: 'redis', url: store, label } : { kind: 'redis', url: store, namespace, label };
  throw usageError(`--store ${JSON.stringify(label)} is not a store this tool knows; use ${STORE_FORMS}`);
}

/** `scheme:<path>` or `scheme://<path>` (so `sqlite:///abs` is `/abs`); undefined for another scheme. */
function pathAfter(store: string, scheme: string): string | undefined {
  const prefix = `${scheme}:`;
  if (store.slice(0, prefix.length).toLowerCase() !== prefix) return undefined;
  const rest = store.slice(prefix.length);
  const path = rest.startsWith('//') ? rest.slice(2) : rest;
  if (path === '') throw usageError(`--store ${store} names no ${scheme === 'file' ? 'directory' : 'file'}: use ${scheme}:<path>`);
  return path;
}

/** The store as messages show it: a Redis password never reaches a terminal or a CI log. */
function redactPassword(store: string): string {
  return store.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}
