import type { InvalidValueInfo } from './storage/contract.js';

/** Base class of every error axios-stash throws itself (never thrown on the request path). */
export class AxiosStashError extends Error {
  /** Survives realms and the ESM/CJS split, where `instanceof` does not. */
  get isAxiosStashError(): true {
    return true;
  }
  override name = 'AxiosStashError';
}

/** Bad options: thrown by `setupCache` and the storage factories before any request runs, naming the option. */
export class CacheOptionsError extends AxiosStashError {
  override name = 'CacheOptionsError';
  constructor(
    readonly option: string,
    readonly expected: string,
    readonly received: unknown,
  ) {
    super(`axios-stash: option \`${option}\` must be ${expected}; got ${describe(received)}`);
  }

  /** An option nobody knows (often a typo): names it and lists the known ones. */
  static unknown(option: string, known: Iterable<string>): CacheOptionsError {
    const error = new CacheOptionsError(option, `one of ${[...known].join(', ')}`, option);
    error.message = `axios-stash: unknown option \`${option}\`; the known options are ${[...known].join(', ')}`;
    return error;
  }
}

/** The store rejected, or could not confirm, a write. */
export class StoreWriteError extends AxiosStashError {
  override name = 'StoreWriteError';
}

/**
 * The store is up and refused this one write (too large for its bounds, or busy): the write was
 * skipped. Reported and counted like any failure, but it does not open the circuit breaker:
 * sending every request to the network would only multiply origin traffic. Stores (and limits such
 * as a maximum body size) refusing a value should throw this, not a plain error.
 */
export class WriteRefusedError extends StoreWriteError {
  override name = 'WriteRefusedError';
}

/** The store answered but was busy (e.g. SQLite's write lock held by another process): the write was skipped. */
export class StoreBusyError extends WriteRefusedError {
  override name = 'StoreBusyError';
}

/** A store call did not settle within `storeTimeout`. */
export class StoreTimeoutError extends AxiosStashError {
  override name = 'StoreTimeoutError';
}

/** A stored value that is not a readable entry or alias of this format (read as a miss). */
export class UnreadableValueError extends AxiosStashError {
  override name = 'UnreadableValueError';
  constructor(readonly info: InvalidValueInfo) {
    super(`unreadable stored ${info.collection} ${info.key} (${info.kind}): ${info.error}`);
  }
}

/** An optional storage driver is not installed; the message names the package to install. */
export class MissingDriverError extends AxiosStashError {
  override name = 'MissingDriverError';
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
