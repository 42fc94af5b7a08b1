/**
 * Loads an optional storage driver synchronously, so a factory can throw at the call site.
 *
 * createRequire works from ESM and from the CJS bundle (rollup rewrites `import.meta.url` there).
 * The drivers used here ship CommonJS builds (@keyv/sqlite, @keyv/redis: dist/index.cjs), so
 * require() needs no require(esm) support. Only the storage entries import this file: the core
 * entry never loads `node:module`, sqlite3 or redis.
 */
import { createRequire } from 'node:module';
import { MissingDriverError } from '../errors.js';

/** Injected by tests to simulate a missing package. */
export type RequireFn = (id: string) => unknown;

let defaultRequire: RequireFn | undefined;

export function loadDriver<T>(pkg: string, factory: string, req?: RequireFn): T {
  const driver = loadInstalledDriver<T>(pkg, factory, req);
  if (driver === undefined) throw new MissingDriverError(`Install ${pkg} to use ${factory}: npm i ${pkg}`);
  return driver;
}

/**
 * Like loadDriver, but resolves `undefined` when the package itself is not installed (a factory
 * with a choice of drivers then tries the next one). A package that is installed but fails to
 * load still throws: falling back would hide a broken install.
 */
export function loadInstalledDriver<T>(pkg: string, factory: string, req?: RequireFn): T | undefined {
  const load = req ?? (defaultRequire ??= createRequire(import.meta.url));
  try {
    return load(pkg) as T;
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    // MODULE_NOT_FOUND for the driver itself (not for something the driver requires, such as a
    // native binding that did not build: that is a different fix, so it gets its own message).
    if (err?.code === 'MODULE_NOT_FOUND' && String(err.message).includes(`'${pkg}'`)) return undefined;
    // Installed but unusable (typically a native binding that did not build): as good as missing,
    // and the message says which package to look at.
    throw new MissingDriverError(`${factory}: ${pkg} is installed but failed to load: ${err?.message ?? String(error)}`, {
      cause: error,
    });
  }
}
