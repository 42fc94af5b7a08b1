/**
 * The `axios-stash` executable (package.json `bin`, built to dist/cli.mjs with a shebang).
 * Not part of the library's API: nothing here is exported from any package entry.
 */
import { systemClock } from '../clock.js';
import { ExitCode } from './exit-codes.js';
import { runCli } from './program.js';

// `axios-stash ls | head`: the reader went away. Node reports that as an 'error' event (EPIPE) on
// stdout, which would crash with a stack trace; like other Unix tools, stop quietly instead.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(ExitCode.OK);
  throw error;
});

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, now: systemClock }).then((code) => {
  process.exitCode = code;
  // Every store is closed by now, so the process normally ends at once. A driver handle that
  // outlives close() (a Redis client still reconnecting) must not keep a script waiting: the
  // timer is unref'd, so it fires only if something else is still holding the process open.
  setTimeout(() => process.exit(code), 100).unref();
});
