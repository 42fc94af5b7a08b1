/**
 * The conformance suite as users get it: the BUILT `axios-stash/testing` entry (dist/, built by
 * `npm test`), under mocha here and under node:test in a child process.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const built = existsSync(path.join(root, 'dist/testing.mjs'));

if (built) {
  // Self-reference through package.json `exports`: exactly what a user's import resolves to.
  const { storeConformance } = await import('axios-stash/testing');
  const { memoryStorage } = await import('axios-stash');
  storeConformance('memory, through the built axios-stash/testing', () => memoryStorage(), { ttlGranularity: 100 });
}

describe('axios-stash/testing (built entry)', function () {
  this.timeout(60_000);

  before(function () {
    if (!built) throw new Error('dist/testing.mjs is missing: run `npm test` (it builds first) or `npm run build`');
  });

  it('runs under node:test, with its own describe/it or the ones given', async () => {
    const fixture = path.join(root, 'spec/storage/fixtures/node-test-conformance.mjs');
    const { stdout } = await promisify(execFile)(process.execPath, ['--test', '--test-reporter=tap', fixture], { cwd: root });
    const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(stdout)?.[1]);
    expect(count('fail'), stdout.slice(-2000)).to.equal(0);
    expect(count('pass')).to.be.greaterThan(40);
    expect(stdout).to.include('memory (node:test, found by itself): CacheStore conformance');
    expect(stdout).to.include('memory (node:test, given): CacheStore conformance');
  });

  it('loads no test library: only node: modules and our own chunks', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['-e', "require('axios-stash/testing'); console.log(JSON.stringify(Object.keys(require.cache).filter((f) => f.includes('node_modules'))))"],
      { cwd: root },
    );
    const loaded = JSON.parse(stdout) as string[];
    expect(loaded.filter((f) => /[\\/](chai|mocha)[\\/]/.test(f))).to.deep.equal([]);
  });
});
