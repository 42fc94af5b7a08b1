import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, chmodSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Keyv } from 'keyv';
import { CacheOptionsError, UnreadableValueError } from '../../lib/errors.js';
import type { CacheStore } from '../../lib/storage/contract.js';
import { fileStorage } from '../../lib/storage/file.js';
import { KeyvFile } from '../../lib/storage/fs-adapter.js';
import { keyvStorage } from '../../lib/storage/keyv-storage.js';
import { keyvSerialization } from '../../lib/storage/kv-wire-format.js';
import { storeConformance } from '../../lib/testing/conformance.js';
import { assertSameEntry as expectSameEntry, makeEntry } from '../../lib/testing/fixtures.js';
import { keyvRaw } from './keyv-raw.js';
import { describeEntry, writerEntry, type ReadResult } from './fixtures/store-cli.js';
import { runStoreCli } from './fixtures/run.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const repo = path.resolve(fixtures, '../../..');
const root = mkdtempSync(path.join(tmpdir(), 'axios-stash-file-'));
after(() => rmSync(root, { recursive: true, force: true }));

const dirs = new WeakMap<CacheStore, string>();
let n = 0;
function open(dir = path.join(root, `cache-${n++}`)): CacheStore {
  const store = fileStorage({ dir });
  dirs.set(store, dir);
  return store;
}

/** A directory that cannot exist: a regular file stands where it would be. */
const blockers = mkdtempSync(path.join(tmpdir(), 'axios-stash-file-blockers-'));
after(() => rmSync(blockers, { recursive: true, force: true }));
function brokenDir(): string {
  const blocker = path.join(blockers, `blocker-${n++}`);
  writeFileSync(blocker, 'a file where a directory should be');
  return path.join(blocker, 'cache');
}

storeConformance('file', () => open(), {
  reopen: (s) => open(dirs.get(s)),
  raw: keyvRaw,
  broken: () => fileStorage({ dir: brokenDir() }),
});

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const HASHED = /^[0-9a-f]{64}$/;

describe('fileStorage / KeyvFile', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(root, `case-${n++}`);
  });

  it('keeps every key inside its directory, under a hashed name', async () => {
    const store = fileStorage({ dir });
    const keys = ['../../escape', '/etc/passwd', 'a/b/c', '..', '.', 'C:\\win', 'nul', 'x'.repeat(5000), '\u0000', 'ü/../..'];
    for (const key of keys) await store.set(key, makeEntry(key), 60_000);
    for (const key of keys) expectSameEntry(await store.get(key), makeEntry(key), JSON.stringify(key).slice(0, 20));
    const names = readdirSync(dir);
    expect(names).to.have.length(keys.length);
    for (const name of names) expect(name).to.match(HASHED);
    expect(readdirSync(root).filter((f) => !f.startsWith('cache-') && !f.startsWith('case-'))).to.deep.equal([]);
  });

  it('writes through a temp file and leaves none behind', async () => {
    const store = fileStorage({ dir });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`k${i % 3}`, makeEntry(`v${i}`), 60_000)));
    const names = readdirSync(dir);
    expect(names.filter((f) => !HASHED.test(f))).to.deep.equal([]);
    expect(names).to.have.length(3);
  });

  it('creates the directory on first write only', async () => {
    const store = fileStorage({ dir: path.join(dir, 'deep', 'er') });
    expect(await store.get('k')).to.equal(undefined);
    for await (const key of store.keys()) throw new Error(`unexpected ${key}`);
    expect(existsSync(dir)).to.equal(false);
    await store.set('k', makeEntry(), 60_000);
    expect(readdirSync(path.join(dir, 'deep', 'er'))).to.have.length(1);
  });

  it('rejects when the directory cannot be created', async () => {
    mkdirSync(root, { recursive: true });
    const blocker = path.join(root, `blocker-${n++}`);
    writeFileSync(blocker, 'a file where a directory should be');
    const store = fileStorage({ dir: path.join(blocker, 'cache') });
    let error: NodeJS.ErrnoException | undefined;
    await store.set('k', makeEntry(), 60_000).catch((e: NodeJS.ErrnoException) => (error = e));
    expect(error?.code).to.be.oneOf(['ENOTDIR', 'EEXIST']);
    rmSync(blocker);
  });

  it('rejects writes to a read-only directory', async function () {
    this.timeout(30_000);
    const rw = path.join(root, `rw-${n}`);
    const ro = path.join(root, `ro-${n++}`);
    mkdirSync(rw, { mode: 0o777 });
    mkdirSync(ro, { mode: 0o555 });
    chmodSync(rw, 0o777);
    chmodSync(ro, 0o555);
    if (process.getuid?.() !== 0) {
      let error: NodeJS.ErrnoException | undefined;
      await fileStorage({ dir: ro }).set('k', makeEntry(), 60_000).catch((e: NodeJS.ErrnoException) => (error = e));
      expect(error?.code).to.equal('EACCES');
      return;
    }
    // Root writes through permission bits: try as `nobody` in a child process, with a writable
    // directory as the control.
    chmodSync(root, 0o755);
    const asNobody = async (dir: string): Promise<unknown> => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(fixtures, 'file-write-probe.ts'), dir], {
        cwd: repo,
        uid: 65534,
        gid: 65534,
      });
      return JSON.parse(stdout.trim().split('\n').pop()!);
    };
    expect(await asNobody(rw)).to.deep.equal({ ok: true });
    expect(await asNobody(ro)).to.deep.equal({ code: 'EACCES' });
    expect(readdirSync(ro)).to.deep.equal([]);
  });

  it('rejects a read when the directory is not a directory', async () => {
    const blocker = path.join(root, `blocker-${n++}`);
    writeFileSync(blocker, 'x');
    let error: NodeJS.ErrnoException | undefined;
    await fileStorage({ dir: blocker }).get('k').catch((e: NodeJS.ErrnoException) => (error = e));
    expect(error?.code).to.equal('ENOTDIR');
    rmSync(blocker);
  });

  it('reads a file that is not ours, or holds another key, as a miss', async () => {
    // KeyvFile answers "absent" for such files (their key is not the one asked for), so they never
    // reach the envelope check: a miss, not an UnreadableValueError.
    const adapter = new KeyvFile({ dir });
    const storage = keyvStorage(new Keyv({ store: adapter, namespace: 'axios-stash', ...keyvSerialization }));
    await storage.set('a', makeEntry('a'), 60_000);
    await storage.set('b', makeEntry('b'), 60_000);
    const fileA = adapter.pathOf('axios-stash:entry:a');
    const fileB = adapter.pathOf('axios-stash:entry:b');
    writeFileSync(fileA, readFileSync(fileB)); // as if two keys hashed alike
    expect(await storage.get('a')).to.equal(undefined);
    writeFileSync(fileA, 'random junk\nwith a newline');
    expect(await storage.get('a')).to.equal(undefined);
    writeFileSync(fileA, Buffer.from([0xff, 0x00, 0xfe]));
    expect(await storage.get('a')).to.equal(undefined);
    expectSameEntry(await storage.get('b'), makeEntry('b'));
  });

  it('expires on read: the expired file is removed (real timer, a few ms)', async () => {
    const adapter = new KeyvFile({ dir });
    await adapter.set('k', 'value', 60_000);
    expect(await adapter.get('k')).to.equal('value');
    expect(await adapter.has('k')).to.equal(true);
    await adapter.set('k', 'value', 5);
    await sleep(20);
    expect(await adapter.get('k')).to.equal(undefined);
    expect(await adapter.has('k')).to.equal(false);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('prune() removes expired files and stale temp files, and nothing else (real timer, a few ms)', async () => {
    const adapter = new KeyvFile({ dir });
    await adapter.set('old', 'x', 5);
    await adapter.set('fresh', 'y', 60_000);
    await adapter.set('forever', 'z');
    writeFileSync(path.join(dir, '.tmp-1-stale'), 'left by a crash');
    utimesSync(path.join(dir, '.tmp-1-stale'), new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));
    writeFileSync(path.join(dir, '.tmp-2-recent'), 'a write under way');
    writeFileSync(path.join(dir, 'README'), 'not ours');
    await sleep(20);
    expect(await adapter.prune()).to.equal(2);
    expect(readdirSync(dir).sort()).to.deep.equal(
      ['.tmp-2-recent', 'README', path.basename(adapter.pathOf('fresh')), path.basename(adapter.pathOf('forever'))].sort(),
    );
    expect(await new KeyvFile({ dir: path.join(dir, 'none') }).prune()).to.equal(0);
  });

  it('prune() through the storage (real timer, a few ms)', async () => {
    const store = fileStorage({ dir });
    await store.set('old', makeEntry(), 5);
    await store.set('new', makeEntry(), 60_000);
    await sleep(20);
    expect(await store.prune()).to.equal(1);
    expect(readdirSync(dir)).to.have.length(1);
  });

  it('clear() only removes its own namespace from a shared directory', async () => {
    const a = keyvStorage(new Keyv({ store: new KeyvFile({ dir }), namespace: 'a', ...keyvSerialization }));
    const b = keyvStorage(new Keyv({ store: new KeyvFile({ dir }), namespace: 'b', ...keyvSerialization }));
    await a.set('k', makeEntry('a'), 60_000);
    await b.set('k', makeEntry('b'), 60_000);
    await a.clear();
    expect(await a.get('k')).to.equal(undefined);
    expectSameEntry(await b.get('k'), makeEntry('b'));
    expect(readdirSync(dir)).to.have.length(1);
  });

  it('works as a plain Keyv store with the default serializer', async () => {
    const keyv = new Keyv({ store: new KeyvFile({ dir }) });
    await keyv.set('n', { nested: [1, 'two'] });
    expect(await keyv.get('n')).to.deep.equal({ nested: [1, 'two'] });
    expect(await keyv.has('n')).to.equal(true);
    expect(await keyv.delete('n')).to.equal(true);
    expect(await keyv.delete('n')).to.equal(false);
    const storage = keyvStorage(keyv);
    await storage.set('e', makeEntry(), 60_000);
    const keys: string[] = [];
    for await (const key of storage.keys()) keys.push(key);
    expect(keys).to.deep.equal(['e']);
  });

  it('refuses bad and unknown options with CacheOptionsError', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => fileStorage({ dir: '' }), /`fileStorage.dir` must be a non-empty string/],
      [() => fileStorage({ dir, fsync: 'yes' as never }), /`fileStorage.fsync` must be true or false; got "yes"/],
      [() => fileStorage({ dir, onInvalid: 1 as never }), /`fileStorage.onInvalid` must be a function/],
      [() => fileStorage({ directory: dir } as never), /unknown option `fileStorage.directory`; the options of fileStorage are dir, fsync, onInvalid/],
      [() => fileStorage('.cache' as never), /`fileStorage` must be an options object/],
      [() => new KeyvFile({} as never), /`KeyvFile.dir` must be a non-empty directory path/],
      [() => new KeyvFile({ dir, staleTempMs: -1 }), /`KeyvFile.staleTempMs`/],
      [() => new KeyvFile({ dir, mode: 0o600 } as never), /unknown option `KeyvFile.mode`/],
    ];
    for (const [make, message] of cases) expect(make, String(message)).to.throw(CacheOptionsError, message);
  });

  it('rejects an entry written under another format with UnreadableValueError', async () => {
    const adapter = new KeyvFile({ dir });
    const storage = keyvStorage(new Keyv({ store: adapter, namespace: 'axios-stash', ...keyvSerialization }));
    await adapter.set('axios-stash:entry:old', 'axios-stash-kv/1 -\naxios-stash/0 devalue/4\n{}\n');
    const error = await storage.get('old').then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(UnreadableValueError);
  });

  it('with fsync on, writes and reads alike', async () => {
    const store = fileStorage({ dir, fsync: true });
    await store.set('k', makeEntry('durable'), 60_000);
    expectSameEntry(await store.get('k'), makeEntry('durable'));
  });

  it('leaves a whole entry when two processes write one key while it is read', async function () {
    this.timeout(120_000);
    const options = JSON.stringify({ dir });
    const key = 'contended';
    const writers = [runStoreCli(['file', options, 'write', key, '1', '40']), runStoreCli(['file', options, 'write', key, '2', '40'])];
    const store = fileStorage({ dir });
    let done = false;
    const all = Promise.all(writers.map((w) => w.result)).finally(() => (done = true));
    const seen: ReadResult[] = [];
    while (!done) {
      seen.push(describeEntry(await store.get(key)));
      await sleep(5);
    }
    await all;
    seen.push(describeEntry(await store.get(key)));
    const found = seen.filter((r) => r.found);
    expect(found.length).to.be.greaterThan(0);
    for (const read of found) expect(read.whole, `torn read ${read.statusText}`).to.equal(true);
    const last = seen[seen.length - 1]!;
    expect(last.statusText).to.be.oneOf(['1:39', '2:39']);
    expect(last.bodySha256).to.equal(describeEntry(writerEntry(Number(last.statusText!.split(':')[0]), 39)).bodySha256);
    expect(readdirSync(dir).filter((f) => !HASHED.test(f)), 'temp files left').to.deep.equal([]);
  });
});
