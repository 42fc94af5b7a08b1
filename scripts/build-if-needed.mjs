// Builds dist/ when it is missing or older than any source it is built from, so `npm test` and
// `npm run bench` always run against the current code without rebuilding on every run.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const outputs = ['dist/index.mjs', 'dist/index.cjs', 'dist/index.d.mts', 'dist/index.d.cts'];
const sources = ['package.json', 'rollup.config.mjs', 'tsconfig.json', 'tsconfig.build.json', ...walk('lib')];

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(join(dir, d.name)) : [join(dir, d.name)]));
}

const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
if (built < newest || process.argv.includes('--force')) {
  console.log('building dist/ ...');
  // Chunk names carry content hashes, so an old build's chunks would linger beside the new ones.
  rmSync('dist', { recursive: true, force: true });
  execSync('npx rollup -c --silent', { stdio: 'inherit' });
}
