/** Runs the built `axios-stash` executable (dist/cli.mjs) as a user's shell would. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');
export const cliPath = join(root, 'dist/cli.mjs');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** Set when the process had to be killed: it hung. */
  killed: boolean;
}

export interface RunOptions {
  /** Node options placed before the script (e.g. `--require` of a fixture). */
  nodeArgs?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the process after this long (ms): a CLI that hangs fails its spec instead of the run. */
  killAfter?: number;
}

export function requireBuiltCli(): void {
  if (!existsSync(cliPath)) throw new Error('dist/cli.mjs is missing: run `npm test` (it builds first) or `npm run build`');
}

export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  // The store and namespace come from the arguments only, never from the developer's shell.
  const env = { ...process.env, AXIOS_STASH_STORE: '', AXIOS_STASH_NAMESPACE: '', ...options.env };
  delete (env as Record<string, string | undefined>).AXIOS_STASH_STORE;
  delete (env as Record<string, string | undefined>).AXIOS_STASH_NAMESPACE;
  Object.assign(env, options.env);
  return new Promise((done) => {
    const child = execFile(
      process.execPath,
      [...(options.nodeArgs ?? []), cliPath, ...args],
      { cwd: options.cwd ?? root, env, timeout: options.killAfter ?? 15_000, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => {
        const killed = error !== null && (error as { killed?: boolean }).killed === true;
        done({ code: child.exitCode ?? -1, stdout, stderr, killed });
      },
    );
    // stdin is a pipe nobody writes to: not a terminal, as in a script.
    child.stdin?.end();
  });
}
