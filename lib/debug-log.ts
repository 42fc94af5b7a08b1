/**
 * The `debug` package's logger for the `axios-stash` namespace: `DEBUG=axios-stash` prints each
 * decision with its reason, as Node users expect of a library.
 *
 * Facts about debug 4 relied on here: it reads `DEBUG` once, when it is first loaded (in a browser,
 * `localStorage.debug`); `logger.enabled` is a cheap getter, re-evaluated only after
 * `debug.enable()` changes the namespaces, so it is checked on every event instead of caching it.
 */
import createDebug from 'debug';

export type DebugLogger = ((message: string) => void) & { readonly enabled: boolean };

export function createDebugLogger(): DebugLogger {
  return createDebug('axios-stash') as unknown as DebugLogger;
}
