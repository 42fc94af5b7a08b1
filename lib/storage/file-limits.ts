/**
 * `maxEntries` / `maxBytes` of a file cache directory: after each write, the oldest files (by
 * modification time, i.e. least recently written) are removed until the directory is within
 * bounds again.
 *
 * No scan per write: the directory is listed (names and sizes) once, on the first write, and then
 * kept up to date by this process's own writes and deletes. Other processes writing to the same
 * directory are picked up by a fresh listing every RESCAN_EVERY writes, and whenever the bound is
 * passed (so eviction never acts on a stale picture); between those, the directory may exceed the
 * bound by what other processes wrote. Every 64-hex file counts (entries and aliases alike); temp
 * files of writes under way do not.
 */
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Eviction } from './contract.js';
import type { KeyvFile } from './fs-adapter.js';
import type { StoreExtension } from './keyv-storage.js';

export interface FileLimits {
  maxEntries?: number | undefined;
  maxBytes?: number | undefined;
}

const NAME_PATTERN = /^[0-9a-f]{64}$/;
const FILE_MAGIC = 'axios-stash-file/1 ';
/** Writes between two listings of the directory (to see other processes' files). */
const RESCAN_EVERY = 1000;

interface FileInfo {
  bytes: number;
  mtimeMs: number;
}

export function fileLimits(store: KeyvFile, namespace: string, limits: FileLimits): StoreExtension {
  const maxEntries = limits.maxEntries ?? Infinity;
  const maxBytes = limits.maxBytes ?? Infinity;
  /** File name → size, in order of writing (oldest first): Map keeps insertion order. */
  let files: Map<string, FileInfo> | undefined;
  let bytes = 0;
  let writesSinceScan = 0;
  /** One eviction pass at a time: concurrent writes would otherwise pick the same victims. */
  let running: Promise<Eviction[]> = Promise.resolve([]);

  async function scan(): Promise<Map<string, FileInfo>> {
    const found: Array<[string, FileInfo]> = [];
    let names: string[] = [];
    try {
      names = await fs.readdir(store.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    for (const name of names) {
      if (!NAME_PATTERN.test(name)) continue;
      try {
        const stat = await fs.stat(path.join(store.dir, name));
        found.push([name, { bytes: stat.size, mtimeMs: stat.mtimeMs }]);
      } catch {
        // Removed meanwhile.
      }
    }
    found.sort((a, b) => a[1].mtimeMs - b[1].mtimeMs);
    files = new Map(found);
    bytes = found.reduce((sum, [, info]) => sum + info.bytes, 0);
    writesSinceScan = 0;
    return files;
  }

  function forget(name: string): void {
    const info = files?.get(name);
    if (info === undefined) return;
    files!.delete(name);
    bytes -= info.bytes;
  }

  const over = (): boolean => files !== undefined && (files.size > maxEntries || bytes > maxBytes);

  async function enforce(storeKey: string): Promise<Eviction[]> {
    const written = path.basename(store.pathOf(`${namespace}:${storeKey}`));
    if (files === undefined || ++writesSinceScan >= RESCAN_EVERY) {
      await scan();
    } else {
      try {
        const stat = await fs.stat(path.join(store.dir, written));
        forget(written);
        files.set(written, { bytes: stat.size, mtimeMs: stat.mtimeMs });
        bytes += stat.size;
      } catch {
        forget(written);
      }
    }
    if (!over()) return [];
    // Before removing anything, look at the directory as it is (other processes' writes).
    if (writesSinceScan > 0) await scan();
    const evicted: Eviction[] = [];
    for (const [name, info] of files!) {
      if (!over()) break;
      forget(name);
      const file = path.join(store.dir, name);
      const key = await keyOf(file);
      try {
        await fs.unlink(file);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const prefix = `${namespace}:`;
      if (key?.startsWith(`${prefix}entry:`)) evicted.push({ key: key.slice(prefix.length), bytes: info.bytes });
    }
    return evicted;
  }

  return {
    afterSet(storeKey) {
      running = running.catch(() => []).then(() => enforce(storeKey));
      return running;
    },
    async afterDelete(storeKey) {
      forget(path.basename(store.pathOf(`${namespace}:${storeKey}`)));
    },
    async afterClear() {
      files = undefined;
    },
  };
}

/** The key recorded in a file's first line (fs-adapter.ts layout), or undefined. */
async function keyOf(file: string): Promise<string | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = buffer.subarray(0, bytesRead).toString('utf8');
    const nl = text.indexOf('\n');
    if (!text.startsWith(FILE_MAGIC) || nl < 0) return undefined;
    const header = JSON.parse(text.slice(FILE_MAGIC.length, nl)) as { key?: unknown };
    return typeof header.key === 'string' ? header.key : undefined;
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => {});
  }
}
