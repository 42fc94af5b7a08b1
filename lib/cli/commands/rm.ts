/** `rm <url|key|pattern>... ` and `rm --tag T` (and the other filters): removes entries, says how many. */
import type { CliCache, EntrySelection } from '../cache-api.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import { classifyTarget } from '../target.js';
import { type CommandContext, out, outJson } from './context.js';

export async function rmCommand(ctx: CommandContext, args: readonly string[], filters: Omit<EntrySelection, 'pattern'>): Promise<ExitCode> {
  const filtered = Object.values(filters).some((v) => v !== undefined);
  if (args.length === 0 && !filtered) throw usageError('rm needs what to remove: a URL, a key, a pattern, or --tag/--status/--older-than/--expired/--method');
  // Every argument is checked before anything is removed.
  const targets = args.map(classifyTarget);
  const single = targets.find((target) => target.kind !== 'pattern');
  if (filtered && single !== undefined) {
    throw usageError(`--tag, --status, --older-than, --expired and --method narrow a pattern, not one ${single.kind === 'url' ? 'URL' : 'key'}`);
  }
  let removed = 0;
  // The manager removes a selection in batches as it lists it, and reports each removal: that
  // is the progress (a count: how many will match is only known at the end).
  ctx.store.onRemoved(() => ctx.progress.tick());
  ctx.progress.phase('removing');
  if (args.length === 0) removed = await ctx.store.cache.deleteMatching(filters);
  for (const target of targets) {
    switch (target.kind) {
      case 'key':
        removed += await ctx.store.cache.deleteKeys([target.key]);
        break;
      case 'key-prefix':
        removed += await ctx.store.cache.deleteKeys([await uniqueKey(ctx.store.cache, target.prefix)]);
        break;
      case 'url':
        removed += await ctx.store.cache.deleteUrl(target.url);
        break;
      case 'pattern':
        removed += await ctx.store.cache.deleteMatching({ ...filters, pattern: target.pattern });
        break;
    }
  }
  ctx.progress.stop();
  if (ctx.json) outJson(ctx.io, { removed });
  else out(ctx.io, `removed ${removed} ${removed === 1 ? 'entry' : 'entries'} from ${ctx.store.label}`);
  return removed === 0 ? ExitCode.NOTHING_MATCHED : ExitCode.OK;
}

async function uniqueKey(cache: CliCache, prefix: string): Promise<string> {
  const keys: string[] = [];
  for await (const entry of cache.entries()) {
    if (entry.key.startsWith(prefix)) keys.push(entry.key);
    if (keys.length > 1) throw new CliError(ExitCode.USAGE, `key prefix ${prefix} is ambiguous (${keys.join(', ')}); give more characters`);
  }
  // No entry: a key that matches nothing, so the removal counts 0 like any other miss.
  return keys[0] ?? prefix;
}
