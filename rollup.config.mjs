import typescript from '@rollup/plugin-typescript';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { dts } from 'rollup-plugin-dts';

// One input per package entry: the core stays free of node: modules and storage drivers, and each
// persistent backend loads its driver only from its own entry.
const input = {
  index: 'lib/index.ts',
  file: 'lib/file.ts',
  sqlite: 'lib/sqlite.ts',
  redis: 'lib/redis.ts',
  // The store conformance suite: Node only (node:assert, node:test), no test library at runtime.
  testing: 'lib/testing.ts',
};
// The `axios-stash` executable (package.json `bin`): built with the entries so it shares their
// chunks and imports a backend's entry (and so its driver) only when --store names it. It gets
// no declarations: it is not part of the public type surface.
const withCli = { ...input, cli: 'lib/cli/main.ts' };
const shebang = (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : '');

// Drivers, axios and node builtins stay external. devalue is ESM-only, so the CommonJS build
// bundles it (require() of an ES module needs Node >= 20.19); the ESM build imports it.
const alwaysExternal = (id) =>
  id === 'axios' || id === 'keyv' || id === 'debug' || id.startsWith('@keyv/') || id.startsWith('node:') || id === 'sqlite3' ||
  id === 'commander' || id === 'cli-progress';

const tsPlugin = () => typescript({ tsconfig: './tsconfig.build.json', declaration: false, declarationMap: false });

export default [
  {
    input: withCli,
    external: (id) => alwaysExternal(id) || id === 'devalue',
    plugins: [tsPlugin()],
    output: { dir: 'dist', format: 'es', banner: shebang, entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name]-[hash].mjs', sourcemap: true },
  },
  {
    input: withCli,
    external: alwaysExternal,
    plugins: [nodeResolve({ exportConditions: ['import', 'default'] }), tsPlugin()],
    output: { dir: 'dist', format: 'cjs', banner: shebang, entryFileNames: '[name].cjs', chunkFileNames: 'chunks/[name]-[hash].cjs', sourcemap: true, exports: 'named', interop: 'auto' },
  },
  {
    input,
    external: alwaysExternal,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.mts', chunkFileNames: 'chunks/[name]-[hash].d.mts' },
  },
  {
    input,
    external: alwaysExternal,
    plugins: [dts({ tsconfig: './tsconfig.build.json' })],
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.cts', chunkFileNames: 'chunks/[name]-[hash].d.cts' },
  },
];
