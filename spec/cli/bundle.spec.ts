/** The built executable: declared as the package's bin, a shebang, no declarations, and it leaves the core entry as it was. */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { requireBuiltCli, root } from './run-cli.js';

/** Static imports of a built ES module and, recursively, of our own chunks it imports. */
function staticImports(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/^(?:import|export)\s[^;]*?(?:from\s+)?['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specifiers.flatMap((s) => (s.startsWith('.') ? staticImports(join(dirname(file), s), seen) : [s]));
}

describe('CLI: the built bin', () => {
  before(requireBuiltCli);

  it('package.json names dist/cli.mjs as the `axios-stash` bin, and it starts with a shebang', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string>; exports: Record<string, unknown> };
    expect(pkg.bin).to.deep.equal({ 'axios-stash': 'dist/cli.mjs' });
    expect(readFileSync(join(root, 'dist/cli.mjs'), 'utf8').split('\n')[0]).to.equal('#!/usr/bin/env node');
    expect(Object.keys(pkg.exports).filter((k) => k.includes('cli'))).to.deep.equal([]);
  });

  it('is kept out of the public type surface', () => {
    expect(existsSync(join(root, 'dist/cli.d.mts'))).to.equal(false);
    expect(existsSync(join(root, 'dist/cli.d.cts'))).to.equal(false);
  });

  it('the core entry still imports no node: module and no driver at top level, and not the CLI', () => {
    const imports = staticImports(join(root, 'dist/index.mjs'));
    expect(imports.filter((s) => s.startsWith('node:') || /sqlite|redis|commander|cli-progress/.test(s))).to.deep.equal([]);
    expect(imports).to.include('axios');
  });

  it('the bin imports no driver at top level: each backend entry is imported when --store names it', () => {
    const imports = staticImports(join(root, 'dist/cli.mjs'));
    expect(imports.filter((s) => /sqlite|redis/.test(s))).to.deep.equal([]);
    const text = readFileSync(join(root, 'dist/cli.mjs'), 'utf8');
    for (const entry of ['sqlite', 'file', 'redis']) expect(text).to.include(`import('./${entry}.mjs')`);
  });
});
