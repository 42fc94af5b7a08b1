/**
 * The exit codes of `axios-stash`, documented in the README ("Command line") so scripts can rely
 * on them. Never renumber one: add a new code instead.
 */
export const ExitCode = {
  /** The command did what it was asked (also: `prune` with nothing to prune, `ls` of an empty cache). */
  OK: 0,
  /** Nothing matched: `show` found no entry, `rm` removed nothing, `ls` with a pattern or `--tag` listed nothing, `clear` declined at the prompt. */
  NOTHING_MATCHED: 1,
  /** Usage error: unknown command or option, bad argument, bad `--store`, `clear` without `--yes` when stdin is not a terminal. */
  USAGE: 2,
  /** The store could not be opened or reached, or failed during the command (the message names it). */
  STORE_UNAVAILABLE: 3,
  /** The store's driver is not installed (the message names the package to install). */
  MISSING_DRIVER: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI reports as one line on stderr and an exit code (no stack trace). */
export class CliError extends Error {
  override name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const usageError = (message: string): CliError => new CliError(ExitCode.USAGE, message);
