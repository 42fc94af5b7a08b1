import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { countingJson, useServer } from '../helpers/server.js';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '../..');
const fixtures = join(root, 'spec/package/fixtures');

describe('package: the built entries, as users load them', function () {
  this.timeout(120_000);
  const ctx = useServer();

  before(() => {
    if (!existsSync(join(root, 'dist/index.mjs'))) throw new Error('dist/ is missing: run `npm test` (it builds first) or `npm run build`');
  });

  it('the published declarations name no internal type', async () => {
    const { readdir, readFile } = await import('node:fs/promises');
    const files = [
      ...(await readdir(join(root, 'dist'))).map((f) => join(root, 'dist', f)),
      ...(existsSync(join(root, 'dist/chunks')) ? (await readdir(join(root, 'dist/chunks'))).map((f) => join(root, 'dist/chunks', f)) : []),
    ].filter((f) => f.endsWith('.d.mts') || f.endsWith('.d.cts'));
    expect(files.length).to.be.at.least(10);
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      for (const internal of ['Reporter', 'SingleFlight', 'GuardedStore', 'CacheContext', 'NetworkResult', 'FetchOutcome', 'ResolvedOptions', 'getKeyv', 'storeKey']) {
        expect(text, `${file} names ${internal}`).not.to.match(new RegExp(`\\b${internal}\\b`));
      }
    }
  });

  it('npm pack ships LICENSE, README, CHANGELOG and dist only', async () => {
    const { stdout } = await run('npm', ['pack', '--dry-run', '--json'], { cwd: root });
    const files: string[] = JSON.parse(stdout)[0].files.map((f: { path: string }) => f.path);
    expect(files).to.include.members(['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/index.mjs', 'dist/testing.mjs']);
    expect(files.filter((f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].includes(f))).to.deep.equal([]);
  });

  it('import (ESM): a cached request through the built package', async () => {
    ctx.server.route('/esm', countingJson());
    const { stdout } = await run(process.execPath, [join(fixtures, 'esm.mjs'), `${ctx.server.url}/esm`], { cwd: root });
    expect(JSON.parse(stdout)).to.deep.equal({ first: false, second: true, data: { n: 1 }, sentinel: true });
  });

  it('require (CJS): a cached request through the built package, and no driver loaded', async () => {
    ctx.server.route('/cjs', countingJson());
    const { stdout } = await run(process.execPath, [join(fixtures, 'cjs.cjs'), `${ctx.server.url}/cjs`], { cwd: root });
    expect(JSON.parse(stdout)).to.deep.equal({ first: false, second: true, data: { n: 1 }, drivers: [] });
  });

  it('runs on the lowest axios of the peer range (1.6): miss, revalidated hit, stream', async () => {
    let n = 0;
    ctx.server.route('/lowest', (req, res) => {
      n++;
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"', 'cache-control': 'no-cache' }).end();
      res.writeHead(200, { 'content-type': 'application/json', etag: '"v1"', 'cache-control': 'no-cache' }).end('{"v":1}');
    });
    const register = join(fixtures, 'axios-1.6-register.mjs');
    const { stdout } = await run(process.execPath, ['--import', register, join(fixtures, 'esm-versions.mjs'), `${ctx.server.url}/lowest`], { cwd: root });
    expect(JSON.parse(stdout)).to.deep.equal({ version: '1.6.8', states: ['miss', 'revalidated', 'revalidated'], data: { v: 1 }, streamed: '{"v":1}' });
    expect(n).to.equal(3);
  });

  for (const [moduleResolution, module, axiosTypes] of [
    ['node16', 'node16', 'latest'],
    ['nodenext', 'nodenext', 'latest'],
    ['bundler', 'esnext', 'latest'],
    // The lowest axios of the peer range declares AxiosResponse<T, D>; later ones add parameters.
    ['nodenext', 'nodenext', '1.6'],
  ] as const) {
    it(`types resolve and augment axios (${axiosTypes}) under moduleResolution ${moduleResolution}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'axios-stash-types-'));
      try {
        const tsconfig = join(dir, 'tsconfig.json');
        // One program sees both builds' declarations only where axios itself ships separate ESM
        // and CJS declarations (each augments its own 'axios'); `paths` maps both to one file.
        const both = moduleResolution !== 'bundler' && axiosTypes === 'latest';
        const files = both ? [join(fixtures, 'consumer.mts'), join(fixtures, 'consumer.cts')] : [join(fixtures, 'consumer.mts')];
        await writeFile(
          tsconfig,
          JSON.stringify({
            compilerOptions: {
              strict: true,
              noEmit: true,
              module,
              moduleResolution,
              target: 'es2022',
              skipLibCheck: false,
              types: [],
              ...(axiosTypes === '1.6' ? { paths: { axios: [join(root, 'node_modules/axios-1.6/index.d.ts')] } } : {}),
            },
            files,
          }),
        );
        await run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], { cwd: root });
      } catch (error) {
        throw new Error(`tsc failed: ${(error as { stdout?: string }).stdout ?? String(error)}`);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});
