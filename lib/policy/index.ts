/**
 * RFC 9111 / RFC 5861 decisions as pure functions of (request, stored entry, settings, now).
 * Nothing here performs I/O or reads the clock: `now` (ms since epoch) is always given, and no
 * function throws on any input. The adapter (lib/adapter.ts) only acts on what these return.
 */
export type {
  CacheMode,
  Decision,
  Directives,
  Freshness,
  PolicyRequest,
  PolicyResponse,
  PolicySettings,
} from './types.js';

export { parseCacheControl, requestDirectives, responseDirectives } from './cache-control.js';
export { formatHttpDate, parseHttpDate } from './http-date.js';
export { storable, storedHeaders } from './storable.js';
export { ageSeconds, currentAgeMs, freshness, isFresh } from './freshness.js';
export { evaluate, isStaleIfErrorStatus, missDecision, staleIfErrorAllowed } from './evaluate.js';
export { freshenWithHead, mergeNotModified, notModifiedApplies, revalidationHeaders } from './revalidation.js';
export { isClientConditional } from './validators.js';
export { varyMatches, varyNames, varyValues } from './vary.js';
export { invalidationTargets, isSafeMethod } from './invalidation.js';
