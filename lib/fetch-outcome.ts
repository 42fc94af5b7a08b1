import type { StoredEntry } from './lookup.js';
import type { NetworkResponse } from './network-response.js';

/** What one trip to the origin produced, shared by every caller of the flight (lib/network.ts). */
export type FetchOutcome =
  /**
   * A full response from the origin, and the entry it is being stored as (if it is). The write runs
   * after the callers have their response: `written` settles when it is over (true: confirmed).
   */
  | { kind: 'fetched'; response: NetworkResponse; request: unknown; stored: StoredEntry | undefined; written: Promise<boolean> | undefined }
  /** The origin answered 304: the stored entry, freshened (and being written back). */
  | { kind: 'revalidated'; stored: StoredEntry; written: Promise<boolean> | undefined }
  /** The origin failed and the stale entry may answer instead (RFC 5861 §4). */
  | { kind: 'stale-if-error'; stored: StoredEntry }
  /** Another process fetched it (cross-process single-flight, lib/coordination.ts): a fresh stored entry. */
  | { kind: 'shared'; stored: StoredEntry };
