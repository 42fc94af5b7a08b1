/** `axios-stash/sqlite`: SQLite storage (needs the optional peer @keyv/sqlite). */
export { sqliteStorage, type SqliteStorageOptions } from './storage/sqlite.js';
