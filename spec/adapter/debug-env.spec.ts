import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { useServer } from '../helpers/server.js';

const root = resolve(import.meta.dirname, '../..');

/** stderr of the fixture run with `env` (a child process: `debug` reads DEBUG when it loads). */
function run(baseUrl: string, env: Record<string, string>): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'spec/adapter/fixtures/debug-run.ts'), baseUrl], {
      cwd: root,
      env: { ...process.env, DEBUG_COLORS: '0', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? done(stderr) : fail(new Error(`exit ${code}: ${stderr}`))));
  });
}

describe('DEBUG=axios-stash (the debug package, in a child process)', function () {
  this.timeout(30_000);
  const ctx = useServer();
  before(() => {
    ctx.server.route('/fresh', (_req, res) => void res.writeHead(200, { 'cache-control': 'max-age=60' }).end('fresh'));
    ctx.server.route('/no-store', (_req, res) => void res.writeHead(200, { 'cache-control': 'no-store' }).end('secret'));
  });

  it('logs each decision with its reason under the axios-stash namespace', async () => {
    const stderr = await run(ctx.server.url, { DEBUG: 'axios-stash' });
    const lines = stderr.split('\n').filter((line) => line.includes('axios-stash '));
    const fresh = `${ctx.server.url}/fresh`;
    // Date has one-second resolution: 60 s of max-age may have 59 left when it is stored.
    expect(lines.some((l) => l.includes(`store GET ${fresh} (200; fresh for 60 s more`) || l.includes(`store GET ${fresh} (200; fresh for 59 s more`))).to.equal(true, stderr);
    expect(lines.some((l) => l.includes(`miss GET ${fresh} (200; not in the cache;`))).to.equal(true, stderr);
    expect(lines.some((l) => /hit GET \S+\/fresh \(200; fresh for (59|60) s more; [\d.]+ ms\)/.test(l))).to.equal(true, stderr);
    expect(lines.some((l) => l.includes(`skip GET ${ctx.server.url}/no-store (not stored: no-store)`))).to.equal(true, stderr);
  });

  it('says nothing without DEBUG', async () => {
    const stderr = await run(ctx.server.url, { DEBUG: '' });
    expect(stderr).not.to.include('axios-stash');
  });
});
