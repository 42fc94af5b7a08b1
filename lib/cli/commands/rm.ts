/** `rm <url|key|pattern>... ` and `rm --tag T` (and the other filters): removes entries, says how many. */
import type { CliCache, EntrySelection } from '../cache-api.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import type { Progress } from '../progress.js';
import { classifyTarget } from '../target.js';
import { type CommandContext, out, outJson } from './context.js';

/** Keys per delete call: big enough to amortise round trips, small enough for a lively progress bar. */
const BATCH = 500;

export async function rmCommand(ctx: CommandContext, args: readonly string[], filters: Omit<EntrySelection, 'pattern'>): Promise<ExitCode> {
  const filtered = Object.values(filters).some((v) => v !== undefined);
  if (args.length === 0 && !filtered) throw usageError('rm needs what to remove: a URL, a key, a pattern, or --tag/--status/--older-than/--expired');
  let removed = 0;
  if (args.length === 0) {
    removed = await removeSelection(ctx.store.cache, filters, ctx.progress);
  }
  for (const arg of args) {
    const target = classifyTarget(arg);
    if (filtered && target.kind !== 'pattern') {
      throw usageError(`--tag, --status, --older-than and --expired narrow a pattern; "${arg}" names one ${target.kind === 'url' ? 'URL' : 'key'}`);
    }
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
        removed += await removeSelection(ctx.store.cache, { ...filters, pattern: target.pattern }, ctx.progress);
        break;
    }
  }
  if (ctx.json) outJson(ctx.io, { removed });
  else out(ctx.io, `removed ${removed} ${removed === 1 ? 'entry' : 'entries'} from ${ctx.store.label}`);
  return removed === 0 ? ExitCode.NOTHING_MATCHED : ExitCode.OK;
}

/**
 * Finds the matching keys first, then deletes them in batches: the listing is never walked while
 * it is being deleted from (a store that pages by offset would skip rows), and both phases can
 * show progress.
 */
async function removeSelection(cache: CliCache, selection: EntrySelection, progress: Progress): Promise<number> {
  const keys: string[] = [];
  progress.phase('finding');
  for await (const entry of cache.entries(selection)) {
    keys.push(entry.key);
    progress.tick();
  }
  progress.phase('removing', keys.length);
  let removed = 0;
  for (let i = 0; i < keys.length; i += BATCH) {
    const batch = keys.slice(i, i + BATCH);
    removed += await cache.deleteKeys(batch);
    progress.tick(batch.length);
  }
  progress.stop();
  return removed;
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
