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

async function probe(args: string[], preload?: string): Promise<Record<string, unknown>> {
  const node = [...(preload ? ['--require', preload] : []), '--import', 'tsx', path.join(fixtures, 'driver-probe.ts'), ...args];
  const { stdout } = await promisify(execFile)(process.execPath, node, { cwd: root });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

describe('storage drivers', function () {
  this.timeout(30_000);

  it('importing the core entry loads no storage driver', async () => {
    expect(await probe(['core'])).to.deep.equal({ loaded: [] });
  });

  for (const [factory, pkg] of [['sqlite', '@keyv/sqlite'], ['redis', '@keyv/redis']] as const) {
    it(`${factory}Storage() throws at once, naming the package, when ${pkg} is missing`, async () => {
      expect(await probe([factory], path.join(fixtures, 'hide-drivers.cjs'))).to.deep.equal({
        threw: true,
        sync: true,
        name: 'MissingDriverError',
        isAxiosStashError: true,
        message: `Install ${pkg} to use ${factory}Storage: npm i ${pkg}`,
      });
    });
  }

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
