import type { PolicyResponse } from './policy/index.js';

/** A response from the network, as raw bytes with its timing (RFC 9111 §4.2.3). */
export interface NetworkResponse extends PolicyResponse {
  statusText: string;
  body: Uint8Array;
  /** Normalised final URL when the request was redirected. */
  finalUrl: string | undefined;
}
