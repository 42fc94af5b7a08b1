import { CacheOptionsError } from './errors.js';

/** A lifetime: milliseconds, or a string such as `'500ms'`, `'30s'`, `'5m'`, `'1h'`, `'2d'`, `'1w'`. */
export type Duration = number | string;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION_RE = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)\s*$/i;

/** Parses a Duration to ms, or throws a CacheOptionsError naming `option`. */
export function parseDuration(option: string, value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isFinite(value) && value >= 0) return value;
    throw new CacheOptionsError(option, 'a duration: a number of milliseconds >= 0 or a string like "30s", "5m", "1h", "2d"', value);
  }
  if (typeof value === 'string') {
    const match = DURATION_RE.exec(value);
    if (match) return Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  }
  throw new CacheOptionsError(option, 'a duration: a number of milliseconds >= 0 or a string like "30s", "5m", "1h", "2d"', value);
}
