/**
 * SHA-256 hex of a string. Node's crypto is reached through `process.getBuiltinModule` (Node
 * >= 20.16) rather than a top-level `node:` import, so the core entry stays loadable in a browser,
 * where WebCrypto (async) takes over. Both give the same digest, so keys match across runtimes.
 */
type NodeCrypto = {
  createHash(algorithm: string): { update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
  createHmac(algorithm: string, key: string): NodeHmac;
  /** One-shot digest (Node >= 20.12): no Hash object per call, which is what a key costs most. */
  hash?: (algorithm: string, data: string) => string;
};

interface NodeHmac {
  update(data: string | Uint8Array, encoding?: 'utf8'): NodeHmac;
  digest(encoding: 'hex'): string;
}

const nodeCrypto: NodeCrypto | undefined = (() => {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return typeof proc?.getBuiltinModule === 'function' ? (proc.getBuiltinModule('node:crypto') as NodeCrypto | undefined) : undefined;
})();

export function sha256Hex(input: string): string | Promise<string> {
  if (nodeCrypto?.hash) return nodeCrypto.hash('sha256', input);
  if (nodeCrypto) return nodeCrypto.createHash('sha256').update(input, 'utf8').digest('hex');
  return webSha256Hex(input);
}

export async function webSha256Hex(input: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(input));
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

/** SHA-256 hex of bytes (request bodies). */
export function sha256HexBytes(input: Uint8Array): string | Promise<string> {
  if (nodeCrypto) return (nodeCrypto.createHash('sha256') as unknown as { update(d: Uint8Array): { digest(e: 'hex'): string } }).update(input).digest('hex');
  return globalThis.crypto.subtle.digest('SHA-256', input as Uint8Array<ArrayBuffer>).then((digest) => {
    let hex = '';
    for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
    return hex;
  });
}

/**
 * HMAC-SHA256 hex of a string and, optionally, bytes after it (setupCache's `secret`: signed entries,
 * keyed credential and Vary digests). WebCrypto (async) where Node's crypto is absent.
 */
export function hmacSha256Hex(key: string, text: string, bytes?: Uint8Array): string | Promise<string> {
  if (nodeCrypto) {
    const hmac = nodeCrypto.createHmac('sha256', key).update(text, 'utf8');
    if (bytes !== undefined) hmac.update(bytes);
    return hmac.digest('hex');
  }
  return webHmacSha256Hex(key, text, bytes);
}

async function webHmacSha256Hex(key: string, text: string, bytes?: Uint8Array): Promise<string> {
  const encoder = new TextEncoder();
  const subtle = globalThis.crypto.subtle;
  const cryptoKey = await subtle.importKey('raw', encoder.encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const head = encoder.encode(text);
  const data = new Uint8Array(head.length + (bytes?.length ?? 0));
  data.set(head);
  if (bytes !== undefined) data.set(bytes, head.length);
  const digest = await subtle.sign('HMAC', cryptoKey, data);
  let hex = '';
  for (const byte of new Uint8Array(digest)) hex += byte.toString(16).padStart(2, '0');
  return hex;
}
