/**
 * fileStorage: one file per entry in a directory, through our own Keyv adapter (fs-adapter.ts).
 * Node only; reachable from the `axios-stash/file` entry.
 */
import { Keyv } from 'keyv';
import { KeyvFile } from './fs-adapter.js';
import { KeyvStorage, keyvSerialization, type KeyvStorageOptions } from './keyv-storage.js';

export interface FileStorageOptions {
  /** Cache directory, created on first write. Default `.http-cache` (relative to the cwd). */
  dir?: string;
  /** fsync every file before it is renamed into place (survives power loss). Default false. */
  fsync?: boolean;
  /** Told about every unreadable stored value (each is read as a miss). */
  onInvalid?: KeyvStorageOptions['onInvalid'];
}

/** The Keyv namespace of file caches: every key in the directory starts with it. */
const NAMESPACE = 'axios-stash';

export function fileStorage(options: FileStorageOptions = {}): KeyvStorage {
  const store = new KeyvFile({ dir: options.dir ?? '.http-cache', fsync: options.fsync ?? false });
  const keyv = new Keyv({ store, namespace: NAMESPACE, throwOnErrors: true, ...keyvSerialization });
  return new KeyvStorage(keyv, { onInvalid: options.onInvalid });
}
