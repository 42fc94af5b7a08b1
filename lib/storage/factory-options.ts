/**
 * Option checks shared by the storage factories. Every failure is a CacheOptionsError naming the
 * option as `<factory>.<option>`, thrown at the factory call, before anything is opened. An option
 * a factory does not know is refused, never ignored: an unknown `cluster` option to redisStorage
 * used to fall back silently to 127.0.0.1:6379.
 */
import { CacheOptionsError } from '../errors.js';

/** The options object itself (`undefined`: none), refusing non-objects and keys not in `known`. */
export function checkOptions<T extends object>(factory: string, options: T | undefined, known: readonly string[]): Partial<T> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new CacheOptionsError(factory, 'an options object', options);
  }
  for (const name of Object.keys(options)) {
    if (known.includes(name)) continue;
    const error = new CacheOptionsError(`${factory}.${name}`, `one of ${known.join(', ')}`, name);
    error.message = `axios-stash: unknown option \`${factory}.${name}\`; the options of ${factory} are ${known.join(', ')}`;
    throw error;
  }
  return options;
}

export function nonEmptyString(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value !== '') return value;
  throw new CacheOptionsError(option, 'a non-empty string', value);
}

export function matching(option: string, value: unknown, pattern: RegExp, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && pattern.test(value)) return value;
  throw new CacheOptionsError(option, `a string matching ${pattern}`, value);
}

/** An integer number of ms, at least `min`. */
export function integer(option: string, value: unknown, min: number, fallback: number): number;
export function integer(option: string, value: unknown, min: number, fallback?: undefined): number | undefined;
export function integer(option: string, value: unknown, min: number, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  throw new CacheOptionsError(option, min === 0 ? 'a non-negative integer' : `an integer >= ${min}`, value);
}

export function boolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new CacheOptionsError(option, 'true or false', value);
}

export function optionalFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value === undefined || typeof value === 'function') return value;
  throw new CacheOptionsError(option, 'a function', value);
}
