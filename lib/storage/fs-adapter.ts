/**
 * KeyvFile: a Keyv store adapter that keeps one file per key in a directory.
 *
 *   new Keyv({ store: new KeyvFile({ dir: '.http-cache' }) })
 *
 * - File name: SHA-256 hex of the (namespaced) key, so no key can name a path outside `dir`, and
 *   every name is a fixed 64 characters whatever the key.
 * - File content: `axios-stash-file/1 {"key":…,"expires":…}\n<value>`. The original key is kept
 *   inside (for iterator(), clear() by namespace, and to refuse a file whose key differs); the
 *   expiry is kept in the first line so prune() reads only that line.
 * - Writes go to a temp file in the same directory, then rename() over the target: rename is
 *   atomic within one filesystem, so a reader, a crash or a concurrent writer sees the old file or
 *   the new one, never a torn one. With `fsync: true` the data is also flushed before the rename
 *   (survives power loss, costs a disk flush per write); a process crash is safe either way.
 * - The directory is created on first write. A directory that cannot be created or written
 *   (read-only, a file in the way) makes calls reject; a directory that does not exist yet reads
 *   as empty.
 *
 * - A file of up to SYNC_READ_LIMIT bytes (every 1 KB entry) is read within the call: open, fstat,
 *   read and close are four system calls, ~10 µs on a page-cached file, where fs.promises.readFile
 *   makes four round trips through libuv's thread pool (measured: a 1 KB file hit cost 5x a memory
 *   hit that way). Larger files are read asynchronously, so a big body never holds the event loop.
 *
 * Values must be strings (Keyv's serializers produce strings). Node only: reachable from the
 * `axios-stash/file` entry, never from the core.
 */
import * as crypto from 'node:crypto';
import { EventEmitter } from 'node:events';
import { closeSync, fstatSync, openSync, promises as fs, readSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { systemClock } from '../clock.js';
import { CacheOptionsError } from '../errors.js';
import { boolean, checkOptions, integer } from './factory-options.js';
import { removeDeadWritersTemps } from './orphan-temps.js';

export interface KeyvFileOptions {
  /** Directory holding the files (created on first write). */
  dir: string;
  /** fsync each file before renaming it into place (power-loss durability). Default false. */
  fsync?: boolean;
  /** prune() removes temp files left by a crashed writer once they are this old (ms). Default 10 min. */
  staleTempMs?: number;
}

const FILE_MAGIC = 'axios-stash-file/1 ';
/** crypto.hash (Node >= 20.12) digests in one call, without a Hash object: ~2x faster per key. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;
const sha256Hex = (key: string): string => oneShotHash?.('sha256', key) ?? crypto.createHash('sha256').update(key, 'utf8').digest('hex');

/** Files up to this size are read synchronously (see above). */
const SYNC_READ_LIMIT = 64 * 1024;
const NAME_PATTERN = /^[0-9a-f]{64}$/;
const TEMP_PREFIX = '.tmp-';

interface FileHeader {
  key: string;
  expires: number | null;
}

type ErrnoError = NodeJS.ErrnoException;
const code = (error: unknown): string | undefined => (error as ErrnoError | undefined)?.code;

function parseHeader(line: string): FileHeader | undefined {
  if (!line.startsWith(FILE_MAGIC)) return undefined;
  try {
    const data: unknown = JSON.parse(line.slice(FILE_MAGIC.length));
    if (typeof data !== 'object' || data === null) return undefined;
    const { key, expires } = data as Record<string, unknown>;
    if (typeof key !== 'string') return undefined;
    if (expires !== null && (typeof expires !== 'number' || !Number.isFinite(expires))) return undefined;
    return { key, expires };
  } catch {
    return undefined;
  }
}

function parseFile(text: string): { header: FileHeader; value: string } | undefined {
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  const header = parseHeader(text.slice(0, nl));
  return header && { header, value: text.slice(nl + 1) };
}

/**
 * The file's text when it is at most SYNC_READ_LIMIT bytes, read within the call; undefined for a
 * larger file. Reads through one descriptor, so a file renamed over it meanwhile is not mixed in.
 */
function readSmallFile(file: string): string | undefined {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > SYNC_READ_LIMIT) return undefined;
    const buffer = Buffer.allocUnsafe(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.toString('utf8', 0, read);
  } finally {
    closeSync(fd);
  }
}

const isExpired = (header: FileHeader, now = systemClock()): boolean =>
  header.expires !== null && header.expires <= now;

export class KeyvFile extends EventEmitter {
  /**
   * Keyv reads `opts`: with an `iterator` present it tests `opts.dialect` against its list of
   * iterable adapters and then calls `opts.url.includes(…)`, which throws in Keyv's constructor
   * if `url` is missing. So `url` must be a string, even though nothing connects to it.
   */
  readonly opts: { dialect: 'file'; url: string; dir: string; fsync: boolean; staleTempMs: number };
  /** Set by Keyv; keys arrive already prefixed with it (`namespace:key`). */
  namespace?: string | undefined;
  readonly dir: string;
  #dirReady: Promise<void> | undefined;
  /** Opening: temp files of writers that died mid-write are removed first (orphan-temps.ts). */
  readonly #opened: Promise<void>;

  constructor(options: KeyvFileOptions) {
    super();
    const checked = checkOptions('KeyvFile', options, ['dir', 'fsync', 'staleTempMs']);
    if (typeof checked.dir !== 'string' || checked.dir === '') {
      throw new CacheOptionsError('KeyvFile.dir', 'a non-empty directory path', checked.dir);
    }
    this.dir = path.resolve(checked.dir);
    this.opts = {
      dialect: 'file',
      url: pathToFileURL(this.dir).href,
      dir: this.dir,
      fsync: boolean('KeyvFile.fsync', checked.fsync, false),
      staleTempMs: integer('KeyvFile.staleTempMs', checked.staleTempMs, 0, 10 * 60 * 1000),
    };
    this.#opened = removeDeadWritersTemps(this.dir, TEMP_PREFIX).then(
      () => undefined,
      () => undefined,
    );
  }

  /** Resolves once the store is open (its dead writers' temp files removed). */
  opened(): Promise<void> {
    return this.#opened;
  }

  /** The file that holds `key` (whether or not it exists). */
  pathOf(key: string): string {
    return path.join(this.dir, sha256Hex(key));
  }

  async get<Value = string>(key: string): Promise<Value | undefined> {
    await this.#opened;
    const file = this.pathOf(key);
    const text = await this.#readText(file);
    if (text === undefined) return undefined;
    const parsed = parseFile(text);
    // A file under this key's name that is not one of ours for this key (no header line, another
    // key): a SyntaxError, as Keyv's own deserializer throws for garbage, so keyvStorage reports it
    // as an unreadable value (counted in stats().errors) instead of a silent miss.
    if (!parsed) throw new SyntaxError('a cache file without its header line');
    if (parsed.header.key !== key) throw new SyntaxError('a cache file whose header names another key');
    if (isExpired(parsed.header)) {
      // A concurrent writer may have just renamed a fresh file here; removing it only costs that
      // writer a miss, never a torn read.
      await this.#unlink(file);
      return undefined;
    }
    return parsed.value as Value;
  }

  async getMany<Value = string>(keys: string[]): Promise<Array<Value | undefined>> {
    return Promise.all(keys.map((key) => this.get<Value>(key)));
  }

  async has(key: string): Promise<boolean> {
    return (await this.get(key)) !== undefined;
  }

  /** `lifetimeMs` is what Keyv passes as its `ttl` (0 or absent: no expiry). */
  async set(key: string, value: unknown, lifetimeMs?: number): Promise<boolean> {
    if (typeof value !== 'string') {
      throw new TypeError('KeyvFile stores strings: keep Keyv serialization on');
    }
    const expires = typeof lifetimeMs === 'number' && lifetimeMs > 0 && Number.isFinite(lifetimeMs) ? systemClock() + lifetimeMs : null;
    const data = `${FILE_MAGIC}${JSON.stringify({ key, expires })}\n${value}`;
    const file = this.pathOf(key);
    await this.#opened;
    await this.#ensureDir();
    try {
      await this.#writeAtomic(file, data);
    } catch (error) {
      // The directory was removed since we created it: create it again, once.
      if (code(error) !== 'ENOENT') throw error;
      this.#dirReady = undefined;
      await this.#ensureDir();
      await this.#writeAtomic(file, data);
    }
    return true;
  }

  async delete(key: string): Promise<boolean> {
    return this.#unlink(this.pathOf(key));
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    const results = await Promise.all(keys.map((key) => this.delete(key)));
    return results.some(Boolean);
  }

  /** Removes the files of this namespace (all of ours in the directory when there is none). */
  async clear(): Promise<void> {
    const prefix = this.namespace ? `${this.namespace}:` : '';
    for (const name of await this.#names()) {
      const file = path.join(this.dir, name);
      const header = await this.#readHeader(file);
      if (header && header.key.startsWith(prefix)) await this.#unlink(file);
    }
  }

  /** [key, value] of every unexpired file whose key is in `namespace` (all when none). */
  async *iterator<Value = string>(namespace?: string): AsyncGenerator<[string, Value]> {
    const prefix = namespace ? `${namespace}:` : '';
    for (const name of await this.#names()) {
      const parsed = await this.#readFile(path.join(this.dir, name));
      if (!parsed || !parsed.header.key.startsWith(prefix) || isExpired(parsed.header)) continue;
      yield [parsed.header.key, parsed.value as Value];
    }
  }

  /**
   * Removes expired files (reading only their first line) and temp files a crashed writer left
   * behind; resolves the number of files removed.
   */
  async prune(): Promise<number> {
    let removed = 0;
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if (code(error) === 'ENOENT') return 0;
      throw error;
    }
    const now = systemClock();
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (NAME_PATTERN.test(name)) {
        const header = await this.#readHeader(file);
        if (header && isExpired(header, now) && (await this.#unlink(file))) removed++;
      } else if (name.startsWith(TEMP_PREFIX)) {
        try {
          const stat = await fs.stat(file);
          if (now - stat.mtimeMs > this.opts.staleTempMs && (await this.#unlink(file))) removed++;
        } catch (error) {
          if (code(error) !== 'ENOENT') throw error;
        }
      }
    }
    return removed;
  }

  async disconnect(): Promise<void> {
    // Nothing is held open between calls.
  }

  // --- internals ------------------------------------------------------------------------------

  #ensureDir(): Promise<void> {
    this.#dirReady ??= fs.mkdir(this.dir, { recursive: true }).then(
      () => undefined,
      (error: unknown) => {
        this.#dirReady = undefined; // try again next time (the mount may come back)
        throw error;
      },
    );
    return this.#dirReady;
  }

  async #writeAtomic(file: string, data: string): Promise<void> {
    // Same directory as the target (rename is only atomic within one filesystem); unique per
    // writer so two processes never share a temp file.
    const temp = path.join(this.dir, `${TEMP_PREFIX}${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    try {
      if (this.opts.fsync) {
        const handle = await fs.open(temp, 'wx');
        try {
          await handle.writeFile(data, 'utf8');
          await handle.datasync();
        } finally {
          await handle.close();
        }
      } else {
        await fs.writeFile(temp, data, { encoding: 'utf8', flag: 'wx' });
      }
      await fs.rename(temp, file);
    } catch (error) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw error;
    }
  }

  /** File names that can be ours (64 hex digits); an empty list when the directory does not exist. */
  async #names(): Promise<string[]> {
    try {
      return (await fs.readdir(this.dir)).filter((name) => NAME_PATTERN.test(name));
    } catch (error) {
      if (code(error) === 'ENOENT') return [];
      throw error;
    }
  }

  /** The parsed file; undefined when it does not exist or is not one of ours. */
  async #readFile(file: string): Promise<{ header: FileHeader; value: string } | undefined> {
    const text = await this.#readText(file);
    return text === undefined ? undefined : parseFile(text);
  }

  /** The file's text; undefined when it does not exist. */
  async #readText(file: string): Promise<string | undefined> {
    try {
      return readSmallFile(file) ?? (await fs.readFile(file, 'utf8'));
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
  }

  /** Only the first line of a file (keys are short; values may be megabytes). */
  async #readHeader(file: string): Promise<FileHeader | undefined> {
    let handle: FileHandle;
    try {
      handle = await fs.open(file, 'r');
    } catch (error) {
      if (code(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        const chunk = Buffer.allocUnsafe(4096);
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, total);
        if (bytesRead === 0) return undefined; // no newline: not one of ours
        const nl = chunk.subarray(0, bytesRead).indexOf(10);
        if (nl >= 0) {
          chunks.push(chunk.subarray(0, nl));
          return parseHeader(Buffer.concat(chunks).toString('utf8'));
        }
        chunks.push(chunk.subarray(0, bytesRead));
        total += bytesRead;
        if (total > 1 << 20) return undefined; // a 1 MB first line is not a header of ours
      }
    } finally {
      await handle.close();
    }
  }

  async #unlink(file: string): Promise<boolean> {
    try {
      await fs.unlink(file);
      return true;
    } catch (error) {
      if (code(error) === 'ENOENT') return false;
      throw error;
    }
  }
}
