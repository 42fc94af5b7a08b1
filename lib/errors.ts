/** Base class of every error axios-stash throws itself (never thrown on the request path). */
export class AxiosStashError extends Error {
  /** Survives realms and the ESM/CJS split, where `instanceof` does not. */
  get isAxiosStashError(): true {
    return true;
  }
  override name = 'AxiosStashError';
}

/** Bad options: thrown by `setupCache` before any request runs, naming the option. */
export class CacheOptionsError extends AxiosStashError {
  override name = 'CacheOptionsError';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`axios-stash: option \`${option}\` must be ${expected}; got ${describe(received)}`);
  }
}

export function isAxiosStashError(value: unknown): value is AxiosStashError {
  return typeof value === 'object' && value !== null && (value as { isAxiosStashError?: unknown }).isAxiosStashError === true;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `an array (${JSON.stringify(value).slice(0, 80)})`;
  if (value === null || typeof value !== 'object') return String(value);
  try {
    return JSON.stringify(value).slice(0, 80);
  } catch {
    return 'an object';
  }
}
