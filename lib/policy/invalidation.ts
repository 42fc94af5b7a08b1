/**
 * Invalidation after unsafe requests (RFC 9111 §4.4).
 */
import { headerLines } from './headers.js';
import type { HeaderMap, PolicyRequest } from './types.js';

/** RFC 9110 §9.2.1: the safe methods; every other method, known or not, may change state. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** RFC 9110 §9.2.1: safe methods change nothing, so they never invalidate. */
export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(String(method).toUpperCase());
}

function parseUrl(value: string, base?: URL): URL | undefined {
  try {
    return new URL(value, base);
  } catch {
    return undefined;
  }
}

/**
 * RFC 9111 §4.4: after a non-error (2xx/3xx) response to an unsafe method, the target URI
 * "MUST" be invalidated, and Location / Content-Location "MAY" be — only when same-origin,
 * "to prevent denial-of-service attacks". Returns the request URL as given followed by the
 * resolved absolute header URLs (fragment removed, duplicates dropped); [] otherwise.
 */
export function invalidationTargets(req: PolicyRequest, res: { status: number; headers: HeaderMap }): string[] {
  const method = String(req.method).toUpperCase();
  if (isSafeMethod(method)) return [];
  if (!(res.status >= 200 && res.status < 400)) return [];
  const url = typeof req.url === 'string' ? req.url : '';
  if (url === '') return [];
  const targets = [url];
  const base = parseUrl(url);
  if (base === undefined || (base.protocol !== 'http:' && base.protocol !== 'https:')) return targets;
  base.hash = '';
  const seen = new Set([url, base.href]);
  for (const field of ['location', 'content-location']) {
    for (const value of headerLines(res.headers, field)) {
      const target = parseUrl(value.trim(), base);
      if (target === undefined || target.origin !== base.origin) continue;
      target.hash = '';
      if (seen.has(target.href)) continue;
      seen.add(target.href);
      targets.push(target.href);
    }
  }
  return targets;
}
