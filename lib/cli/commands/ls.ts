/** `ls [pattern]`: one row per entry, streamed (a million entries never sit in memory at once). */
import type { EntrySelection } from '../cache-api.js';
import { ExitCode } from '../exit-codes.js';
import { entryJson, listHeader, listRow } from '../format.js';
import { type CommandContext, out } from './context.js';

export interface LsOptions {
  selection: EntrySelection;
  limit?: number;
}

export async function lsCommand(ctx: CommandContext, options: LsOptions): Promise<ExitCode> {
  const now = ctx.io.now();
  let n = 0;
  if (ctx.json) ctx.io.stdout.write('[');
  else out(ctx.io, listHeader());
  for await (const entry of ctx.store.cache.entries(options.selection)) {
    if (ctx.json) ctx.io.stdout.write(`${n === 0 ? '\n' : ',\n'}  ${JSON.stringify(entryJson(entry))}`);
    else out(ctx.io, listRow(entry, now));
    if (++n === options.limit) break;
  }
  if (ctx.json) ctx.io.stdout.write(n === 0 ? ']\n' : '\n]\n');
  // Like grep: asking for something and finding none of it is worth a distinct exit code.
  const filtered = Object.values(options.selection).some((v) => v !== undefined);
  return filtered && n === 0 ? ExitCode.NOTHING_MATCHED : ExitCode.OK;
}
