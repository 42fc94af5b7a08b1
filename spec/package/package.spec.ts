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

  for (const [moduleResolution, module] of [
    ['node16', 'node16'],
    ['nodenext', 'nodenext'],
    ['bundler', 'esnext'],
  ] as const) {
    it(`types resolve and augment axios under moduleResolution ${moduleResolution}`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'axios-stash-types-'));
      try {
        const tsconfig = join(dir, 'tsconfig.json');
        const files = moduleResolution === 'bundler' ? [join(fixtures, 'consumer.mts')] : [join(fixtures, 'consumer.mts'), join(fixtures, 'consumer.cts')];
        await writeFile(
          tsconfig,
          JSON.stringify({
            compilerOptions: { strict: true, noEmit: true, module, moduleResolution, target: 'es2022', skipLibCheck: false, types: [] },
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
