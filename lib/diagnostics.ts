/**
 * Publishes cache events on Node's `diagnostics_channel` as `axios-stash:<event>`, the convention
 * undici and Node's own http follow, so APM tools subscribe without touching the cache instance.
 *
 * The module is reached through `process.getBuiltinModule` (Node >= 20.16), not a top-level
 * `node:` import, so the core entry stays loadable where there is no Node (then nothing is
 * published). Channels are process-wide: every cache instance publishes on the same ones.
 * `channel.hasSubscribers` is checked first, so an event nobody subscribed to costs no object.
 */
import { CACHE_EVENT_NAMES, type CacheEvent, type CacheEventName } from './events.js';

interface Channel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}
type DiagnosticsChannelModule = { channel(name: string): Channel };

const channels: Partial<Record<CacheEventName, Channel>> = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const dc = typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:diagnostics_channel') as DiagnosticsChannelModule | undefined) : undefined;
  const out: Partial<Record<CacheEventName, Channel>> = {};
  if (dc === undefined) return out;
  for (const name of CACHE_EVENT_NAMES) out[name] = dc.channel(`axios-stash:${name}`);
  return out;
})();

/** True when someone subscribed to `axios-stash:<name>`. */
export function diagnosticSubscribers(name: CacheEventName): boolean {
  return channels[name]?.hasSubscribers === true;
}

export function publishDiagnostic(name: CacheEventName, event: CacheEvent): void {
  try {
    channels[name]?.publish(event);
  } catch {
    // diagnostics_channel calls subscribers synchronously; one that throws must not fail a request.
  }
}
