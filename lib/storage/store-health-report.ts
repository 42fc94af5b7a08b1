import type { Reporter } from '../report.js';
import type { BreakerTransition } from './circuit-breaker.js';

/** The code of the one warning a cache instance emits when its store stops working. */
export const STORE_DOWN_WARNING = 'AXIOS_STASH_STORE_DOWN';

/**
 * Turns the breaker's state changes into reports: an event each time (`store-down`, `store-up`:
 * once per change, never per request), and, the first time the store fails in the life of the
 * cache instance, one warning even without `debug`, so a cache that silently stopped caching does
 * not go unnoticed.
 *
 * The warning goes through `process.emitWarning` where there is one (Node): it prints once to
 * stderr like Node's own warnings, carries a `code` that `process.on('warning')` listeners can
 * match, and `--no-warnings` silences it, all without us writing to the console. Elsewhere (a
 * browser) it is `console.warn`.
 */
export function storeHealthReporter(reporter: Reporter): (change: BreakerTransition) => void {
  let warned = false;
  return (change) => {
    if (change.to === 'up') {
      reporter.event({ type: 'store-up', message: 'the store answers again; caching resumes' });
      return;
    }
    const message = `axios-stash: the cache store failed (${change.error.message}); requests go to the network until it answers again`;
    reporter.event({ type: 'store-down', error: change.error, message });
    if (warned) return;
    warned = true;
    warn(message);
  };
}

function warn(message: string): void {
  try {
    const proc = (globalThis as { process?: { emitWarning?: (message: string, options: { type: string; code: string }) => void } }).process;
    if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, { type: 'AxiosStashWarning', code: STORE_DOWN_WARNING });
    else console.warn(message);
  } catch {
    // Reporting must never fail a request.
  }
}
