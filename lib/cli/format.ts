/**
 * How the CLI shows sizes, times and rows. Pure functions of their arguments (and `now`), so the
 * table layout is tested without a store.
 */
import type { EntryInfo } from './cache-api.js';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** `512 B`, `1.5 KB`, `12 MB` (powers of 1024, one decimal under 10). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const shown = unit === 0 || value >= 10 ? Math.round(value).toString() : value.toFixed(1);
  return `${shown} ${UNITS[unit]}`;
}

/** A span of ms in its largest whole unit: `0s`, `42s`, `5m`, `3h`, `2d`. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

/** `fresh 5m` (fresh for 5 minutes more), `stale 2h` (stale for 2 hours), `never` (never expires). */
export function formatFreshness(expiresAt: number, now: number): string {
  if (!Number.isFinite(expiresAt)) return 'never';
  return expiresAt > now ? `fresh ${formatSpan(expiresAt - now)}` : `stale ${formatSpan(now - expiresAt)}`;
}

/** An absolute time for JSON output: ISO 8601, or null for "never". */
export function isoTime(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** Columns of `ls`: fixed widths and the URL last, so rows stream out without buffering the listing. */
const COLUMNS = [
  ['KEY', 12],
  ['METHOD', 6],
  ['STATUS', 6],
  ['SIZE', 8],
  ['AGE', 5],
  ['EXPIRES', 10],
] as const;

export function listHeader(): string {
  return [...COLUMNS.map(([name, width]) => name.padEnd(width)), 'URL'].join('  ');
}

export function listRow(entry: EntryInfo, now: number): string {
  const cells = [
    entry.key.slice(0, 12),
    entry.method,
    String(entry.status),
    formatBytes(entry.bytes),
    formatSpan(now - entry.createdAt),
    formatFreshness(entry.expiresAt, now),
  ];
  const tags = entry.tags.length > 0 ? `  [${entry.tags.join(', ')}]` : '';
  return [...cells.map((cell, i) => cell.padEnd(COLUMNS[i]![1])), entry.url].join('  ') + tags;
}

/** One entry as `ls --json` prints it: times as ISO strings (null: never expires). */
export function entryJson(entry: EntryInfo): Record<string, unknown> {
  return {
    key: entry.key,
    method: entry.method,
    url: entry.url,
    status: entry.status,
    bytes: entry.bytes,
    createdAt: isoTime(entry.createdAt),
    expiresAt: isoTime(entry.expiresAt),
    stale: entry.stale,
    tags: entry.tags,
  };
}

/** `label   value` lines with the labels padded to one width. */
export function keyValueLines(rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** `200: 12, 404: 3` from counts, largest first, at most `limit` (then `, …`). */
export function formatCounts(counts: ReadonlyMap<string | number, number>, limit = 10): string {
  if (counts.size === 0) return '-';
  const sorted = [...counts].sort((a, b) => b[1] - a[1] || String(a[0]).localeCompare(String(b[0])));
  const shown = sorted.slice(0, limit).map(([name, n]) => `${name}: ${n}`);
  return shown.join(', ') + (sorted.length > limit ? `, … (${sorted.length - limit} more)` : '');
}
