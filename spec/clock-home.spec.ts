/**
 * One clock: lib/ reads the wall clock only in lib/clock.ts (the cache's clock and the elapsed
 * clock of real timers). Anything else reading Date.now() would escape the clock specs inject.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const lib = resolve(import.meta.dirname, '../lib');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('one clock', () => {
  it('Date.now() appears in lib/ only in lib/clock.ts', () => {
    const readers = sources(lib).filter((file) => /\bDate\.now\b/.test(readFileSync(file, 'utf8')));
    expect(readers.map((file) => relative(lib, file))).to.deep.equal(['clock.ts']);
  });
});
