/**
 * Aliases: the store's second collection (requests-cache's `redirects` table). An alias lives under
 * the key of a request whose entries are elsewhere:
 *
 * - `redirect`: the request was redirected; its entry is stored under the final URL's key.
 * - `vary`: the URL's response varies on request headers; each variant is stored under a key
 *   derived from the base key, the alias's generation and the variant's header values.
 *
 * This module owns the record and its wire format; nothing else parses alias strings. Stores that
 * keep strings encode it with `encodeAlias` and decode it with `decodeAlias`, as they do entries.
 */
export type AliasRecord = RedirectAlias | VaryAlias;

export interface RedirectAlias {
  readonly kind: 'redirect';
  /** The key of the final URL's entry. */
  readonly target: string;
  /** HMAC-SHA256 over the alias and its key, with setupCache's `secret` (lib/signing.ts). */
  readonly signature?: string;
}

/**
 * Invalidating the URL (RFC 9111 §4.4) deletes the alias; the next variant stored starts a new
 * generation, so no variant stored before the invalidation is found again even though an alias
 * comes back. `until` lets each new variant extend the alias's lifetime without cutting it short
 * for variants that live longer.
 */
export interface VaryAlias {
  readonly kind: 'vary';
  /** Lowercase request header names the response varies on, in the response's order. */
  readonly names: readonly string[];
  /** The generation this URL's variants are keyed under. */
  readonly generation: string;
  /** ms since epoch until which the longest-lived variant may be used; Infinity for no end. */
  readonly until: number;
  /** HMAC-SHA256 over the alias and its key, with setupCache's `secret` (lib/signing.ts). */
  readonly signature?: string;
}

/**
 * Wire format (unchanged since format major 1, so releases sharing a store read each other's):
 * a header line, then the redirect target key, or `vary:<names,…>;<generation>;<until>`; a signed
 * alias ends with a line `sig:<hex>` (a reader without `secret` support then reads a redirect
 * target or an `until` that matches nothing: a miss, never a wrong answer).
 */
const ALIAS_HEADER = 'axios-stash-alias/1\n';
const VARY_PREFIX = 'vary:';
const SIGNATURE_LINE = '\nsig:';

export function encodeAlias(alias: AliasRecord): string {
  const signature = alias.signature === undefined ? '' : `${SIGNATURE_LINE}${alias.signature}`;
  if (alias.kind === 'redirect') return ALIAS_HEADER + alias.target + signature;
  return `${ALIAS_HEADER}${VARY_PREFIX}${alias.names.join(',')};${alias.generation};${alias.until}${signature}`;
}

/** The alias a stored string holds, or undefined when it is not one of ours (never throws). */
export function decodeAlias(raw: unknown): AliasRecord | undefined {
  if (typeof raw !== 'string' || !raw.startsWith(ALIAS_HEADER) || raw.length === ALIAS_HEADER.length) return undefined;
  let body = raw.slice(ALIAS_HEADER.length);
  const sig = body.lastIndexOf(SIGNATURE_LINE);
  const signed = sig < 0 ? {} : { signature: body.slice(sig + SIGNATURE_LINE.length) };
  if (sig >= 0) body = body.slice(0, sig);
  if (body === '') return undefined;
  if (!body.startsWith(VARY_PREFIX)) return { kind: 'redirect', target: body, ...signed };
  const [list = '', generation = '', until = ''] = body.slice(VARY_PREFIX.length).split(';');
  const time = Number(until);
  return {
    kind: 'vary',
    names: list.split(',').filter(Boolean),
    generation,
    until: until !== '' && !Number.isNaN(time) ? time : 0,
    ...signed,
  };
}

/** A cheap shape check for records handed back by a user's store. */
export function isAliasRecord(value: unknown): value is AliasRecord {
  const a = value as AliasRecord | null;
  if (typeof a !== 'object' || a === null) return false;
  if (a.kind === 'redirect') return typeof a.target === 'string' && a.target !== '';
  return a.kind === 'vary' && Array.isArray(a.names) && typeof a.generation === 'string' && typeof a.until === 'number';
}
