/** `show <url|key>`: one entry's request, status, size, age, freshness, tags and headers. */
import type { CacheEntry } from '../../entry.js';
import { ageSeconds, isFresh } from '../../policy/index.js';
import type { CliCache, FoundEntry } from '../cache-api.js';
import { CliError, ExitCode, usageError } from '../exit-codes.js';
import { formatBytes, formatFreshness, formatSpan, isoTime, keyValueLines } from '../format.js';
import { classifyTarget } from '../target.js';
import { type CommandContext, out, outJson } from './context.js';

export interface ShowOptions {
  method: string;
  /** Write the stored body bytes to stdout instead of the description. */
  body: boolean;
}

export async function showCommand(ctx: CommandContext, arg: string, options: ShowOptions): Promise<ExitCode> {
  const found = await findOne(ctx.store.cache, arg, options.method);
  if (found === undefined) {
    ctx.io.stderr.write(`axios-stash: no entry for ${arg}${arg.includes('://') ? ` (${options.method})` : ''} in ${ctx.store.label}\n`);
    return ExitCode.NOTHING_MATCHED;
  }
  if (options.body) {
    ctx.io.stdout.write(found.entry.body);
    return ExitCode.OK;
  }
  const now = ctx.io.now();
  const { entry } = found;
  if (ctx.json) {
    outJson(ctx.io, {
      key: found.key,
      method: entry.method,
      url: entry.url,
      status: entry.status,
      statusText: entry.statusText,
      bytes: entry.body.byteLength,
      createdAt: isoTime(entry.createdAt),
      expiresAt: isoTime(entry.expiresAt),
      age: ageSeconds(entry, now),
      fresh: isFresh(entry, now),
      tags: found.tags,
      varyHeaders: entry.varyHeaders,
      headers: entry.headers,
    });
    return ExitCode.OK;
  }
  out(ctx.io, describe(found, entry, now));
  return ExitCode.OK;
}

function describe(found: FoundEntry, entry: CacheEntry, now: number): string {
  const vary = Object.entries(entry.varyHeaders ?? {});
  const expires = Number.isFinite(entry.expiresAt) ? ` (${entry.expiresAt > now ? 'until' : 'since'} ${isoTime(entry.expiresAt)})` : '';
  const summary = keyValueLines([
    ['key', found.key],
    ['request', `${entry.method} ${entry.url}`],
    ['status', `${entry.status} ${entry.statusText}`.trim()],
    ['size', `${formatBytes(entry.body.byteLength)} (${entry.body.byteLength} bytes)`],
    ['created', `${isoTime(entry.createdAt)} (${formatSpan(now - entry.createdAt)} ago)`],
    ['age', `${ageSeconds(entry, now)}s`],
    ['freshness', formatFreshness(entry.expiresAt, now) + expires],
    ['tags', found.tags.length > 0 ? found.tags.join(', ') : '-'],
    ['vary', vary.length > 0 ? vary.map(([name, value]) => `${name}: ${value}`).join('; ') : '-'],
  ]);
  const headers = Object.entries(entry.headers).flatMap(([name, value]) => (Array.isArray(value) ? value : [value]).map((v) => `  ${name}: ${v}`));
  return `${summary}\nheaders:\n${headers.join('\n')}`;
}

/** The entry an argument names; a key prefix must name exactly one entry. */
async function findOne(cache: CliCache, arg: string, method: string): Promise<FoundEntry | undefined> {
  const target = classifyTarget(arg);
  switch (target.kind) {
    case 'key':
      return cache.find(target.key, method);
    case 'url':
      return cache.find(target.url, method);
    case 'key-prefix': {
      const keys: string[] = [];
      for await (const entry of cache.entries()) {
        if (entry.key.startsWith(target.prefix)) keys.push(entry.key);
        if (keys.length > 1) throw new CliError(ExitCode.USAGE, `key prefix ${arg} is ambiguous (${keys.join(', ')}); give more characters`);
      }
      return keys[0] === undefined ? undefined : cache.find(keys[0], method);
    }
    case 'pattern':
      throw usageError(`show takes one URL (with its http:// or https://) or a key; "${arg}" is a pattern: list its entries with \`ls ${arg}\``);
  }
}
