/**
 * fileStorage: one file per entry in a directory, through our own Keyv adapter (fs-adapter.ts).
 * Node only; reachable from the `axios-stash/file` entry.
 */
import { Keyv } from 'keyv';
import { boolean, checkOptions, integer, nonEmptyString, optionalFunction } from './factory-options.js';
import { fileLimits } from './file-limits.js';
import { KeyvFile } from './fs-adapter.js';
import { keyvBackedStorage, type KeyvStorage, type KeyvStorageOptions } from './keyv-storage.js';
import { keyvSerialization } from './kv-wire-format.js';

export interface FileStorageOptions {
  /** Cache directory, created on first write. Default `.http-cache` (relative to the cwd). */
  dir?: string;
  /** fsync every file before it is renamed into place (survives power loss). Default false. */
  fsync?: boolean;
  /** Also told about every unreadable stored value (each read of one rejects with UnreadableValueError). */
  onInvalid?: KeyvStorageOptions['onInvalid'];
  /**
   * Most files kept in the directory (entries and redirect/Vary aliases): past it, the least
   * recently written are removed. Checked after each write without listing the directory
   * (lib/storage/file-limits.ts). Default: unbounded.
   */
  maxEntries?: number;
  /** Most bytes of files kept in the directory: past it, the least recently written are removed. Default: unbounded. */
  maxBytes?: number;
}

/** The Keyv namespace of file caches: every key in the directory starts with it. */
const NAMESPACE = 'axios-stash';

/** @throws CacheOptionsError for a bad or unknown option. */
export function fileStorage(options?: FileStorageOptions): KeyvStorage {
  const checked = checkOptions('fileStorage', options, ['dir', 'fsync', 'onInvalid', 'maxEntries', 'maxBytes']);
  const dir = nonEmptyString('fileStorage.dir', checked.dir, '.http-cache');
  const fsync = boolean('fileStorage.fsync', checked.fsync, false);
  const onInvalid = optionalFunction('fileStorage.onInvalid', checked.onInvalid);
  const maxEntries = integer('fileStorage.maxEntries', checked.maxEntries, 1);
  const maxBytes = integer('fileStorage.maxBytes', checked.maxBytes, 1);
  const store = new KeyvFile({ dir, fsync });
  const keyv = new Keyv({ store, namespace: NAMESPACE, throwOnErrors: true, ...keyvSerialization });
  const extension = maxEntries === undefined && maxBytes === undefined ? {} : fileLimits(store, NAMESPACE, { maxEntries, maxBytes });
  return keyvBackedStorage(keyv, { onInvalid }, { extension });
}
