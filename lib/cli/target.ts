/**
 * What a `show` or `rm` argument names. Cache keys are SHA-256 hex (64 characters); `ls` shows
 * their first 12, which `show` and `rm` accept like short git hashes (8 or more).
 *
 *   64 hex characters           a key
 *   8 to 63 hex characters      the start of a key
 *   contains `*`, or no scheme  a URL pattern (`api.example.com/users/*`; prefix match, as urlTtl)
 *   scheme://…                  one URL
 */
export type Target =
  | { kind: 'key'; key: string }
  | { kind: 'key-prefix'; prefix: string }
  | { kind: 'pattern'; pattern: string }
  | { kind: 'url'; url: string };

export function classifyTarget(arg: string): Target {
  if (/^[0-9a-f]{64}$/i.test(arg)) return { kind: 'key', key: arg.toLowerCase() };
  if (/^[0-9a-f]{8,63}$/i.test(arg)) return { kind: 'key-prefix', prefix: arg.toLowerCase() };
  if (!arg.includes('*') && /^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) return { kind: 'url', url: arg };
  return { kind: 'pattern', pattern: arg };
}
