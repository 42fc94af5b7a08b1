/** `prune`: removes expired and unreadable entries (from stores that keep them until read). */
import { ExitCode } from '../exit-codes.js';
import { type CommandContext, out, outJson } from './context.js';

export async function pruneCommand(ctx: CommandContext): Promise<ExitCode> {
  const removed = await ctx.store.cache.prune();
  if (ctx.json) outJson(ctx.io, { removed });
  else out(ctx.io, `pruned ${removed} expired or unreadable ${removed === 1 ? 'entry' : 'entries'} from ${ctx.store.label}`);
  // Nothing to prune is a healthy cache, not a failed search.
  return ExitCode.OK;
}
