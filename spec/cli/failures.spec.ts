/**
 * The CLI's failures, as a script sees them: an exit code and one line on stderr naming the
 * store or the mistake. Stores that cannot be reached must fail within the connect time-out,
 * never hang (every run here is killed after 15 s, and `killed` is asserted false).
 */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileStorage } from '../../lib/storage/file.js';
import { sqliteStorage } from '../../lib/storage/sqlite.js';
import { makeEntry } from '../../lib/testing/fixtures.js';
import { freePort } from '../storage/fixtures/redis-server.js';
import { cliPath, requireBuiltCli, root, runCli, type CliResult } from './run-cli.js';

const fixtures = join(root, 'spec/cli/fixtures');
const driversOf = (stderr: string): string[] => JSON.parse(/drivers: (\[.*\])\s*$/.exec(stderr)?.[1] ?? 'null') as string[];

describe('CLI failures and exit codes', function () {
  let dir: string;
  before(() => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'axios-stash-cli-failures-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  describe('a store that cannot be reached: exit 3, naming the store', () => {
    it('a Redis nobody listens on (waits for the real 3 s default connect time-out)', async () => {
      const port = await freePort();
      const result = await runCli(['ls', '--store', `redis://127.0.0.1:${port}`]);
      expect(result.killed).to.equal(false);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.match(new RegExp(`^axios-stash: cannot reach redis://127\\.0\\.0\\.1:${port}: `));
      expect(result.stdout).to.equal('');
    });

    it('a server that accepts the connection and never answers (waits for a real 300 ms --connect-timeout)', async () => {
      const sockets = new Set<Socket>();
      const server: Server = createServer((socket) => void sockets.add(socket.on('error', () => {})));
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      const { port } = server.address() as { port: number };
      try {
        const result = await runCli(['stats', '--store', `redis://127.0.0.1:${port}`, '--connect-timeout', '300']);
        expect(result.killed).to.equal(false);
        expect(result.code).to.equal(3);
        expect(result.stderr).to.include(`cannot reach redis://127.0.0.1:${port}`);
      } finally {
        for (const socket of sockets) socket.destroy();
        server.close();
      }
    });

    it('a Redis password never appears in the message', async () => {
      const port = await freePort();
      const result = await runCli(['ls', '--store', `redis://user:s3cret@127.0.0.1:${port}`, '--connect-timeout', '200']);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.include(`redis://user:***@127.0.0.1:${port}`);
      expect(result.stderr).not.to.include('s3cret');
    });

    it('a SQLite file or cache directory that does not exist is not created', async () => {
      const [sqlite, file] = await Promise.all([
        runCli(['ls', '--store', `sqlite:${join(dir, 'missing.sqlite')}`]),
        runCli(['ls', '--store', `file:${join(dir, 'missing-dir')}`]),
      ]);
      expect(sqlite.code).to.equal(3);
      expect(sqlite.stderr).to.include(`sqlite:${join(dir, 'missing.sqlite')}: no such file`);
      expect(file.code).to.equal(3);
      expect(file.stderr).to.include('no such directory');
      const { existsSync } = await import('node:fs');
      expect(existsSync(join(dir, 'missing.sqlite'))).to.equal(false);
      expect(existsSync(join(dir, 'missing-dir'))).to.equal(false);
    });

    it('a file that is not a SQLite database', async () => {
      const path = join(dir, 'not-a-database.sqlite');
      writeFileSync(path, 'this is not SQLite '.repeat(100));
      const result = await runCli(['ls', '--store', `sqlite:${path}`]);
      expect(result.code).to.equal(3);
      expect(result.stderr).to.match(/cannot reach sqlite:.*not-a-database\.sqlite: .*(not a database|SQLITE_NOTADB)/);
    });
  });

  describe('usage errors: exit 2', () => {
    const cases: Array<[string, string[], RegExp]> = [
      ['no --store', ['ls'], /--store is required/],
      ['a store this tool does not know', ['ls', '--store', 'mysql://root@127.0.0.1/test'], /is not a store this tool knows; use sqlite:<path>, file:<dir> or redis:\/\/host:port/],
      ['--namespace with a file store', ['ls', '--store', 'file:.', '--namespace', 'x'], /--namespace does not apply to a file store/],
      ['an unknown command', ['purge', '--store', 'file:.'], /unknown command 'purge'/],
      ['no command', [], /Usage: axios-stash/],
      ['a bad --status', ['ls', '--store', 'file:.', '--status', 'ok'], /--status <codes>.*expected HTTP statuses/],
      ['a bad --older-than', ['rm', '--store', 'file:.', '--older-than', 'soon'], /expected a duration/],
      ['rm with nothing to remove', ['rm', '--store', 'file:.'], /rm needs what to remove/],
      ['show with a pattern', ['show', 'example.com/*', '--store', 'file:.'], /show takes one URL/],
      ['a bad Redis URL', ['ls', '--store', 'redis://'], /redisStorage\.url/],
      ['a SQLite table name the store refuses', ['ls', '--store', `sqlite:${join(root, 'package.json')}`, '--namespace', 'no-dashes'], /sqliteStorage\.table/],
    ];
    // Independent processes: started together, each case then reads its own result.
    let results: Map<string, Promise<CliResult>>;
    before(() => {
      results = new Map(cases.map(([title, args]) => [title, runCli(args)]));
    });
    for (const [title, , message] of cases) {
      it(title, async () => {
        const result = await results.get(title)!;
        expect(result.code, result.stderr).to.equal(2);
        expect(result.stderr).to.match(message);
        expect(result.stdout).to.equal('');
      });
    }

    it('--help exits 0 and documents the exit codes', async () => {
      const result = await runCli(['--help']);
      expect(result.code).to.equal(0);
      expect(result.stdout).to.include('Exit codes:');
      expect(result.stdout).to.match(/^ {2}3 {2}the store could not be opened or reached/m);
    });
  });

  describe('drivers', () => {
    it('a missing driver: exit 4, naming the package to install', async () => {
      const path = join(dir, 'any.sqlite');
      writeFileSync(path, '');
      const result = await runCli(['ls', '--store', `sqlite:${path}`], { nodeArgs: ['--require', join(root, 'spec/storage/fixtures/hide-drivers.cjs')] });
      expect(result.code).to.equal(4);
      expect(result.stderr).to.include('npm i better-sqlite3');
      const redis = await runCli(['ls', '--store', 'redis://127.0.0.1:6379'], { nodeArgs: ['--require', join(root, 'spec/storage/fixtures/hide-drivers.cjs')] });
      expect(redis.code).to.equal(4);
      expect(redis.stderr).to.include('npm i @keyv/redis');
    });

    it('the bin loads only the driver of the store it is given', async () => {
      const cacheDir = join(dir, 'cache');
      mkdirSync(cacheDir);
      const store = fileStorage({ dir: cacheDir });
      await store.set('a'.repeat(64), makeEntry('x'), 60_000);
      const sqlitePath = join(dir, 'drivers.sqlite');
      writeFileSync(sqlitePath, '');
      const record = { nodeArgs: ['--require', join(fixtures, 'record-drivers.cjs')] };
      const [file, sqlite, redis] = await Promise.all([
        runCli(['ls', '--store', `file:${cacheDir}`], record),
        runCli(['ls', '--store', `sqlite:${sqlitePath}`], record),
        runCli(['ls', '--store', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', '--namespace', `stash-cli-drivers-${process.pid}`], record),
      ]);
      expect([file.code, sqlite.code, redis.code], file.stderr + sqlite.stderr + redis.stderr).to.deep.equal([0, 0, 0]);
      expect(driversOf(file.stderr)).to.deep.equal([]);
      expect(driversOf(sqlite.stderr)).to.deep.equal(['better-sqlite3']);
      expect(driversOf(redis.stderr)).to.include('@keyv/redis').and.not.include('better-sqlite3').and.not.include('@keyv/sqlite');
    });
  });

  it('ls piped into `head` stops quietly when the reader goes away (exit 0, nothing on stderr)', async () => {
    const path = join(dir, 'many.sqlite');
    const store = sqliteStorage({ path });
    // Far more output than a pipe holds (64 KB), so the CLI is still writing when head exits.
    for (let i = 0; i < 2000; i++) await store.set(`${i}`.padStart(64, '0'), makeEntry('x', { url: `https://example.com/items/${i}` }), 600_000);
    await store.close();
    const { execFile } = await import('node:child_process');
    const result = await new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
      const child = execFile('bash', ['-o', 'pipefail', '-c', `node '${cliPath}' ls --store 'sqlite:${path}' | head -n 2`], { encoding: 'utf8' }, (_error, stdout, stderr) =>
        done({ code: child.exitCode ?? -1, stdout, stderr }),
      );
    });
    expect(result.stdout.split('\n').filter(Boolean)).to.have.length(2);
    expect(result.stderr).to.equal('');
    expect(result.code).to.equal(0);
  });

  it('AXIOS_STASH_STORE stands for --store', async () => {
    const cacheDir = join(dir, 'env-cache');
    mkdirSync(cacheDir);
    await fileStorage({ dir: cacheDir }).set('b'.repeat(64), makeEntry('x', { url: 'https://example.com/from-env' }), 60_000);
    const result = await runCli(['ls', '--json'], { env: { AXIOS_STASH_STORE: `file:${cacheDir}` } });
    expect(result.code, result.stderr).to.equal(0);
    expect((JSON.parse(result.stdout) as Array<{ url: string }>).map((e) => e.url)).to.deep.equal(['https://example.com/from-env']);
  });
});
