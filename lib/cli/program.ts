/**
 * The `axios-stash` command line: argument parsing (commander), opening the store, running one
 * command, and turning every outcome into an exit code (lib/cli/exit-codes.ts).
 *
 * commander facts relied on (v14): options declared on the program are recognised before and
 * after the subcommand and reach its action through `optsWithGlobals()`; with `exitOverride()`
 * a parse error or `--help` throws a CommanderError (exitCode 0 for help) instead of exiting;
 * `.env()` reads an option from the environment when it is not given on the command line.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { parseDuration } from '../duration.js';
import type { EntrySelection } from './cache-api.js';
import { checkClearAllowed, clearCommand } from './commands/clear.js';
import type { CliIo, CommandContext } from './commands/context.js';
import { lsCommand } from './commands/ls.js';
import { pruneCommand } from './commands/prune.js';
import { rmCommand } from './commands/rm.js';
import { showCommand } from './commands/show.js';
import { statsCommand } from './commands/stats.js';
import { CliError, ExitCode } from './exit-codes.js';
import { openStore } from './open-store.js';
import { createProgress } from './progress.js';
import { parseStoreSpec, STORE_FORMS } from './store-spec.js';

export type { CliIo } from './commands/context.js';

interface GlobalOptions {
  store?: string;
  namespace?: string;
  json: boolean;
  connectTimeout: number;
  progress: boolean;
}

interface FilterOptions {
  tag?: string;
  method?: string;
  status?: number[];
  olderThan?: string;
  expired?: boolean;
}

const EXIT_CODES_HELP = `
Exit codes:
  0  done
  1  nothing matched (show: no entry; rm: nothing removed; ls with a pattern or filter: nothing listed; clear: declined)
  2  usage error (bad command, option, argument or --store; clear without --yes when stdin is not a terminal)
  3  the store could not be opened or reached, or failed during the command
  4  the store's driver is not installed`;

/** Runs one command line (without `node` and the script) and resolves its exit code; never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let code: ExitCode = ExitCode.OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    if (error instanceof CliError) {
      io.stderr.write(`axios-stash: ${error.message}\n`);
      return error.exitCode;
    }
    if ((error as Error | undefined)?.name === 'CacheOptionsError') {
      io.stderr.write(`axios-stash: ${(error as Error).message.replace(/^axios-stash: /, '')}\n`);
      return ExitCode.USAGE;
    }
    io.stderr.write(`axios-stash: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    return ExitCode.STORE_UNAVAILABLE;
  }
}

function buildProgram(io: CliIo, setCode: (code: ExitCode) => void): Command {
  const program = new Command('axios-stash')
    .description('Inspect and purge an axios-stash HTTP cache: SQLite, file or Redis.')
    .configureOutput({ writeOut: (s) => void io.stdout.write(s), writeErr: (s) => void io.stderr.write(s) })
    .exitOverride()
    .showHelpAfterError('(add --help for usage)')
    .addOption(new Option('--store <store>', `the cache: ${STORE_FORMS}`).env('AXIOS_STASH_STORE'))
    .addOption(new Option('--namespace <name>', 'the cache inside a shared store: Redis key prefix, SQLite table').env('AXIOS_STASH_NAMESPACE'))
    .option('--json', 'print JSON instead of text', false)
    .option('--connect-timeout <ms>', 'how long the store may take to answer when opened', positiveInteger, 3000)
    .option('--no-progress', 'never show a progress bar (shown only when stderr is a terminal)')
    .addHelpText('after', EXIT_CODES_HELP);

  const run = (command: Command, body: (ctx: CommandContext) => Promise<ExitCode>, before?: () => void) =>
    withStore(command.optsWithGlobals<GlobalOptions>(), io, body, before).then(setCode);

  program
    .command('stats')
    .description('count the entries, their bytes, statuses, methods and tags')
    .action((_options, command: Command) => run(command, (ctx) => statsCommand(ctx)));

  withFilters(
    program
      .command('ls')
      .description('list entries, optionally those matching a URL pattern (api.example.com/users/*)')
      .argument('[pattern]', 'URL glob: `*` matches anything, and a pattern matches every URL it starts'),
  )
    .option('--limit <n>', 'list at most n entries', positiveInteger)
    .action((pattern: string | undefined, options: FilterOptions & { limit?: number }, command: Command) =>
      run(command, (ctx) => lsCommand(ctx, { selection: selection(options, pattern), ...(options.limit === undefined ? {} : { limit: options.limit }) })),
    );

  program
    .command('show')
    .description("one entry: request, status, size, age, freshness, tags and headers")
    .argument('<url|key>', 'the URL (with its scheme), a key, or the start of a key (8+ characters, as ls shows them)')
    .option('--method <method>', 'the request method of the entry to show', (m: string) => m.toUpperCase(), 'GET')
    .option('--body', 'write the stored body to stdout instead', false)
    .action((target: string, options: { method: string; body: boolean }, command: Command) => run(command, (ctx) => showCommand(ctx, target, options)));

  withFilters(
    program
      .command('rm')
      .description('remove entries by URL, key or pattern, or by --tag and the other filters')
      .argument('[targets...]', 'URLs (every entry of that URL), keys, or URL patterns'),
  ).action((targets: string[], options: FilterOptions, command: Command) => run(command, (ctx) => rmCommand(ctx, targets, filters(options))));

  program
    .command('prune')
    .description('remove expired and unreadable entries')
    .action((_options, command: Command) => run(command, (ctx) => pruneCommand(ctx)));

  program
    .command('clear')
    .description('remove every entry of this cache (asks first, unless --yes)')
    .option('-y, --yes', 'do not ask', false)
    .action((options: { yes: boolean }, command: Command) =>
      run(
        command,
        (ctx) => clearCommand(ctx, options),
        () => checkClearAllowed(io, options.yes),
      ),
    );

  return program;
}

function withFilters(command: Command): Command {
  return command
    .option('--tag <tag>', 'only entries with this tag')
    .option('--status <codes>', 'only entries with these statuses (comma-separated)', statusList)
    .option('--older-than <duration>', 'only entries stored longer ago than this (30s, 5m, 2h, 7d)', duration)
    .option('--expired', 'only entries past their freshness')
    .option('--method <method>', 'only entries of this request method', (m: string) => m.toUpperCase());
}

function filters(options: FilterOptions): Omit<EntrySelection, 'pattern'> {
  const chosen: Omit<EntrySelection, 'pattern'> = {};
  if (options.tag !== undefined) chosen.tag = options.tag;
  if (options.status !== undefined) chosen.status = options.status;
  if (options.olderThan !== undefined) chosen.olderThan = options.olderThan;
  if (options.expired === true) chosen.expired = true;
  if (options.method !== undefined) chosen.method = options.method;
  return chosen;
}

function selection(options: FilterOptions, pattern: string | undefined): EntrySelection {
  return pattern === undefined ? filters(options) : { ...filters(options), pattern };
}

async function withStore(options: GlobalOptions, io: CliIo, body: (ctx: CommandContext) => Promise<ExitCode>, before?: () => void): Promise<ExitCode> {
  const spec = parseStoreSpec(options.store, options.namespace);
  before?.();
  const store = await openStore(spec, { connectTimeout: options.connectTimeout });
  const progress = createProgress(io.stderr, options.progress);
  try {
    const code = await body({ store, io, json: options.json, progress });
    if (store.unreadable > 0) {
      io.stderr.write(`axios-stash: note: ${store.unreadable} stored ${store.unreadable === 1 ? 'value' : 'values'} could not be read (another format version, or damaged) and ${store.unreadable === 1 ? 'was' : 'were'} skipped; \`prune\` removes them\n`);
    }
    // The manager never throws for a store failure (a cache must not fail requests): it reports
    // it. Here a reported failure means the answer above may be incomplete, so it is an error.
    if (store.failures.length > 0) {
      const more = store.failures.length > 1 ? ` (and ${store.failures.length - 1} more)` : '';
      throw new CliError(ExitCode.STORE_UNAVAILABLE, `${store.label} failed during the command: ${store.failures[0]}${more}`);
    }
    return code;
  } finally {
    progress.stop();
    await store.close();
  }
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

function statusList(value: string): number[] {
  const codes = value.split(',').map((s) => s.trim());
  if (codes.some((c) => !/^[1-5]\d\d$/.test(c))) throw new InvalidArgumentError('expected HTTP statuses such as 404 or 404,410.');
  return codes.map(Number);
}

function duration(value: string): string {
  try {
    parseDuration('--older-than', value);
  } catch {
    throw new InvalidArgumentError('expected a duration such as 30s, 5m, 2h or 7d.');
  }
  return value;
}
