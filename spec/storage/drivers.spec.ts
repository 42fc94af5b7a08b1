/** Optional drivers: the core never loads them, and a missing one fails at the factory call. */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { MissingDriverError } from '../../lib/errors.js';
import { loadDriver } from '../../lib/storage/driver.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const root = path.resolve(fixtures, '../../..');

async function probe(args: string[], hide?: string): Promise<Record<string, unknown>> {
  const node = [...(hide ? ['--require', path.join(fixtures, 'hide-drivers.cjs')] : []), '--import', 'tsx', path.join(fixtures, 'driver-probe.ts'), ...args];
  const env = hide ? { ...process.env, HIDE_DRIVERS: hide } : process.env;
  const { stdout } = await promisify(execFile)(process.execPath, node, { cwd: root, env });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

const missing = (message: string) => ({ threw: true, sync: true, name: 'MissingDriverError', isAxiosStashError: true, message });

describe('storage drivers', function () {
  this.timeout(30_000);

  it('importing the core entry loads no storage driver', async () => {
    expect(await probe(['core'])).to.deep.equal({ loaded: [] });
  });

  it('redisStorage() throws at once, naming the package, when @keyv/redis is missing', async () => {
    expect(await probe(['redis'], '@keyv/redis')).to.deep.equal(missing('Install @keyv/redis to use redisStorage: npm i @keyv/redis'));
  });

  describe('sqliteStorage()', () => {
    const path = JSON.stringify({ path: ':memory:' });

    it('runs on better-sqlite3 when both drivers are installed', async () => {
      expect(await probe(['sqlite', path])).to.deep.equal({ threw: false, driver: 'better-sqlite3' });
    });

    it('runs on @keyv/sqlite when it is the only driver installed', async () => {
      expect(await probe(['sqlite', path], 'better-sqlite3')).to.deep.equal({ threw: false, driver: 'KeyvSqlite' });
    });

    it('runs on @keyv/sqlite when asked to, though better-sqlite3 is installed', async () => {
      expect(await probe(['sqlite', JSON.stringify({ path: ':memory:', driver: '@keyv/sqlite' })])).to.deep.equal({ threw: false, driver: 'KeyvSqlite' });
    });

    it('throws at once, naming a package to install, when neither driver is installed', async () => {
      expect(await probe(['sqlite'], 'better-sqlite3,@keyv/sqlite')).to.deep.equal(
        missing('Install better-sqlite3 (or @keyv/sqlite) to use sqliteStorage: npm i better-sqlite3'),
      );
    });

    it('throws at once, naming the package, when the driver asked for is missing', async () => {
      expect(await probe(['sqlite', JSON.stringify({ driver: '@keyv/sqlite' })], '@keyv/sqlite')).to.deep.equal(
        missing('Install @keyv/sqlite to use sqliteStorage: npm i @keyv/sqlite'),
      );
      expect(await probe(['sqlite', JSON.stringify({ driver: 'better-sqlite3' })], 'better-sqlite3')).to.deep.equal(
        missing('Install better-sqlite3 to use sqliteStorage: npm i better-sqlite3'),
      );
    });
  });

  it('tells a missing driver from a driver that fails to load', () => {
    const missing = (id: string) => () => {
      throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadDriver('@keyv/sqlite', 'sqliteStorage', missing('@keyv/sqlite'))).to.throw(
      MissingDriverError,
      'Install @keyv/sqlite to use sqliteStorage: npm i @keyv/sqlite',
    );
    // @keyv/sqlite is there but its own dependency is not (e.g. sqlite3 never built):
    expect(() => loadDriver('@keyv/sqlite', 'sqliteStorage', missing('sqlite3'))).to.throw(MissingDriverError, /installed but failed to load: Cannot find module 'sqlite3'/);
    expect(() =>
      loadDriver('@keyv/sqlite', 'sqliteStorage', () => {
        throw new Error('Could not locate the bindings file');
      }),
    ).to.throw(/installed but failed to load: Could not locate the bindings file/);
    expect(loadDriver<{ ok: boolean }>('x', 'xStorage', () => ({ ok: true }))).to.deep.equal({ ok: true });
  });
});
