/**
 * SHA-256 hex of a string. Node's crypto is reached through `process.getBuiltinModule` (Node
 * >= 20.16) rather than a top-level `node:` import, so the core entry stays loadable in a browser,
 * where WebCrypto (async) takes over. Both give the same digest, so keys match across runtimes.
 */
type NodeCrypto = {
  createHash(algorithm: string): { update(data: string, encoding: 'utf8'): { digest(encoding: 'hex'): string } };
  /** One-shot digest (Node >= 20.12): no Hash object per call, which is what a key costs most. */
  hash?: (algorithm: string, data: string) => string;
};

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
