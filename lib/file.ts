/** `axios-stash/file`: filesystem storage (Node only). */
export { fileStorage, type FileStorageOptions } from './storage/file.js';
export { KeyvFile, type KeyvFileOptions } from './storage/fs-adapter.js';
