/** `stats`: what the store holds, counted over its entries (the store's own view, not this process' counters). */
import { ExitCode } from '../exit-codes.js';
import { formatBytes, formatCounts, isoTime, keyValueLines } from '../format.js';
import { type CommandContext, out, outJson } from './context.js';

export async function statsCommand(ctx: CommandContext): Promise<ExitCode> {
  let entries = 0;
  let stale = 0;
  let bytes = 0;
  let oldest = Infinity;
  let newest = -Infinity;
  const statuses = new Map<number, number>();
  const methods = new Map<string, number>();
  const tags = new Map<string, number>();
  ctx.progress.phase('scanning');
  for await (const entry of ctx.store.cache.entries()) {
    entries++;
    if (entry.stale) stale++;
    bytes += entry.bytes;
    oldest = Math.min(oldest, entry.createdAt);
    newest = Math.max(newest, entry.createdAt);
    statuses.set(entry.status, (statuses.get(entry.status) ?? 0) + 1);
    methods.set(entry.method, (methods.get(entry.method) ?? 0) + 1);
    for (const tag of entry.tags) tags.set(tag, (tags.get(tag) ?? 0) + 1);
    ctx.progress.tick();
  }
  ctx.progress.stop();
  const diskBytes = await ctx.store.diskBytes();
  const age = (time: number): string | null => (entries === 0 ? null : isoTime(time));
  if (ctx.json) {
    const top = (counts: Map<string | number, number>, limit: number): Record<string, number> =>
      Object.fromEntries([...counts].sort((a, b) => b[1] - a[1]).slice(0, limit));
    outJson(ctx.io, {
      store: ctx.store.label,
      entries,
      fresh: entries - stale,
      stale,
      bytes,
      diskBytes: diskBytes ?? null,
      oldest: age(oldest),
      newest: age(newest),
      statuses: top(statuses, Infinity),
      methods: top(methods, Infinity),
      // Per-user tags can be as many as entries: the 50 most used are what anyone reads.
      tags: top(tags, 50),
    });
    return ExitCode.OK;
  }
  out(
    ctx.io,
    keyValueLines([
      ['store', ctx.store.label],
      ['entries', `${entries} (${entries - stale} fresh, ${stale} stale)`],
      ['body bytes', formatBytes(bytes)],
      ...(diskBytes === undefined ? [] : ([['on disk', formatBytes(diskBytes)]] as const)),
      ['oldest', age(oldest) ?? '-'],
      ['newest', age(newest) ?? '-'],
      ['statuses', formatCounts(statuses)],
      ['methods', formatCounts(methods)],
      ['tags', formatCounts(tags)],
    ]),
  );
  return ExitCode.OK;
}
