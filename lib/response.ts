import { AxiosError, AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { CacheEntry, HeaderMap } from './entry.js';
import type { CacheMeta } from './types.js';

/**
 * Turns stored bytes into what axios' own adapter would have returned, fresh for every caller:
 * the cache sits below transformResponse, so axios parses the body anew on every hit and no two
 * callers ever share a mutable object.
 */

type NodeBuffer = Uint8Array & { toString(encoding?: string): string };
type BufferCtor = {
  from(data: ArrayBufferLike | Uint8Array, offset?: number, length?: number): NodeBuffer;
  copyBytesFrom?(view: Uint8Array): NodeBuffer;
};
const NodeBuffer = (globalThis as { Buffer?: BufferCtor }).Buffer;
const nodeStream = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.('node:stream') as { Readable: { from(data: Iterable<unknown>): unknown } } | undefined;
})();

/** The body as the caller's `responseType` asks for it, always a new object. */
export function decodeBody(body: Uint8Array, config: InternalAxiosRequestConfig): unknown {
  switch (config.responseType) {
    case 'arraybuffer':
      return NodeBuffer ? copyToBuffer(body, NodeBuffer) : body.slice().buffer;
    case 'stream':
      return nodeStream ? nodeStream.Readable.from([NodeBuffer ? copyToBuffer(body, NodeBuffer) : body.slice()]) : new Blob([body.slice()]).stream();
    case 'blob':
      return new Blob([body.slice()]);
    default:
      return decodeText(body, config.responseEncoding);
  }
}

/**
 * A Buffer copy of the bytes. Buffer.copyBytesFrom (Node >= 19.8) is a memcpy; Buffer.from(view)
 * of a plain Uint8Array (what devalue and most stores return) copies element by element, several
 * times slower for a large body (bench: the 1 MB binary hit).
 */
function copyToBuffer(body: Uint8Array, ctor: BufferCtor): NodeBuffer {
  return ctor.copyBytesFrom ? ctor.copyBytesFrom(body) : ctor.from(body);
}

/**
 * Decoded UTF-8 text per stored body. Strings are immutable, so one decoded string can be handed
 * to every caller; a memory hit then skips the decode (about 1 ms for a 1 MB body). Bodies are
 * never mutated once stored, so the memo cannot go stale.
 */
const utf8Memo = new WeakMap<Uint8Array, string>();

function decodeText(body: Uint8Array, encoding: string | undefined): string {
  if (encoding === undefined || encoding === 'utf8' || encoding === 'utf-8') {
    let text = utf8Memo.get(body);
    if (text === undefined) utf8Memo.set(body, (text = decodeUncached(body, 'utf8')));
    return text;
  }
  return decodeUncached(body, encoding);
}

function decodeUncached(body: Uint8Array, encoding: string | undefined): string {
  let text: string;
  if (NodeBuffer) {
    text = NodeBuffer.from(body.buffer, body.byteOffset, body.byteLength).toString(encoding ?? 'utf8');
  } else {
    text = new TextDecoder(encoding ?? 'utf-8').decode(body);
  }
  // As axios' http adapter does: strip a UTF-8 byte order mark.
  if ((!encoding || encoding === 'utf8') && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text;
}

/** Raw bytes of whatever an adapter returned for `responseType: 'arraybuffer'`. */
export function toBytes(data: unknown): Uint8Array | undefined {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (typeof data === 'string') return new TextEncoder().encode(data);
  if (data === undefined || data === null) return new Uint8Array(0);
  return undefined;
}

/** A header map (lowercase names, arrays kept) from axios' response headers or a plain object. */
export function headerMapOf(headers: unknown): HeaderMap {
  const out: HeaderMap = {};
  const source = headers instanceof AxiosHeaders ? headers.toJSON() : ((headers ?? {}) as Record<string, unknown>);
  for (const [name, value] of Object.entries(source)) {
    if (value === undefined || value === null || value === false) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String) : String(value);
  }
  return out;
}

/** The parts of a response a caller's axios response is built from (stored or from the network). */
export interface ResponseParts {
  status: number;
  statusText: string;
  headers: HeaderMap;
  body: Uint8Array;
}

/** An axios response for one caller, from stored or network bytes. */
export function buildResponse(
  source: ResponseParts,
  config: InternalAxiosRequestConfig,
  meta: CacheMeta,
  request: unknown,
  extraHeaders?: Record<string, string>,
): AxiosResponse {
  const headers = new AxiosHeaders(source.headers as Record<string, string>);
  if (extraHeaders) for (const name in extraHeaders) headers.set(name, extraHeaders[name]);
  return {
    data: decodeBody(source.body, config),
    status: source.status,
    statusText: source.statusText,
    headers,
    config,
    request,
    cached: meta.state !== 'miss',
    cache: meta,
  };
}

/** The `request` of a response answered from the cache (there was no network request). */
export function cachedRequest(entry: CacheEntry): unknown {
  return { fromCache: true, responseURL: entry.url };
}

type AxiosSettle = (resolve: (value: AxiosResponse) => void, reject: (reason: unknown) => void, response: AxiosResponse) => void;

let axiosSettle: Promise<AxiosSettle | undefined> | undefined;

/**
 * axios' own settle, from the installed axios: its rejection codes differ between versions (1.6
 * maps only 4xx/5xx; later versions call every other rejected status ERR_BAD_RESPONSE), and a hit
 * must reject exactly as the network would. Every axios of our peer range (>=1.6) exports it as
 * `axios/unsafe/core/settle.js`. The specifier is a variable so bundlers leave it alone; where it
 * cannot be loaded (a bundle without it), the newest rule applies.
 */
function loadAxiosSettle(): Promise<AxiosSettle | undefined> {
  const specifier = 'axios/unsafe/core/settle.js';
  return (axiosSettle ??= import(specifier).then(
    (module: { default?: unknown }) => (typeof module.default === 'function' ? (module.default as AxiosSettle) : undefined),
    () => undefined,
  ));
}

/**
 * Settles as the adapter contract asks (axios' lib/core/settle.js): a hit (and the 504 of
 * only-if-cached) applies validateStatus. A valid response is returned as is, without a tick.
 */
export function settle(response: AxiosResponse): AxiosResponse | Promise<AxiosResponse> {
  const validate = response.config.validateStatus;
  if (!response.status || !validate || validate(response.status)) return response;
  return reject(response);
}

async function reject(response: AxiosResponse): Promise<never> {
  const own = await loadAxiosSettle();
  let code: string | undefined = response.status >= 400 && response.status < 500 ? AxiosError.ERR_BAD_REQUEST : AxiosError.ERR_BAD_RESPONSE;
  let message = `Request failed with status code ${response.status}`;
  if (own !== undefined) {
    let produced: unknown;
    own(() => {}, (error) => (produced = error), response);
    const error = produced as { code?: string; message?: string } | undefined;
    code = error?.code;
    message = error?.message ?? message;
  }
  // Rebuilt with the AxiosError of the entry the caller imported: under CommonJS, axios' lib/ files
  // (what the unsafe export loads) hold a different AxiosError class than its CJS bundle.
  throw new AxiosError(message, code, response.config, response.request, response);
}
