/** `clear`: removes every entry of this cache, after a confirmation unless `--yes`. */
import { confirm } from '../confirm.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { type CliIo, type CommandContext, out, outJson } from './context.js';

/**
 * A script or a pipe cannot answer the question, and a default of "yes" would be a trap: without
 * `--yes`, clear needs a terminal. Checked before the store is opened.
 */
export function checkClearAllowed(io: CliIo, yes: boolean): void {
  if (!yes && io.stdin.isTTY !== true) throw usageError('clear removes every entry: pass --yes to confirm when stdin is not a terminal');
}

export async function clearCommand(ctx: CommandContext, options: { yes: boolean }): Promise<ExitCode> {
  checkClearAllowed(ctx.io, options.yes);
  if (!options.yes) {
    if (!(await confirm(`Remove every entry of ${ctx.store.label}?`, ctx.io.stdin, ctx.io.stderr))) {
      ctx.io.stderr.write('axios-stash: nothing removed\n');
      return ExitCode.NOTHING_MATCHED;
    }
  }
  await ctx.store.cache.clear();
  if (ctx.json) outJson(ctx.io, { cleared: true });
  else out(ctx.io, `cleared ${ctx.store.label}`);
  return ExitCode.OK;
}
