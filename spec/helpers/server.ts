import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => unknown;

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real HTTP server on 127.0.0.1 with per-path handlers and a log of what reached it. */
export interface TestServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Requests that reached `path` (exact path, query included when given). */
  count(path?: string): number;
  /** Sets the handler of `path` (the part before `?`). */
  route(path: string, handler: Handler): void;
  close(): Promise<void>;
}

export async function startServer(): Promise<TestServer> {
  const routes = new Map<string, Handler>();
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body: body.toString() });
      const handler = routes.get(path.split('?')[0]!);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('no route');
        return;
      }
      Promise.resolve(handler(req, res, body)).catch((error: unknown) => {
        res.writeHead(500).end(String(error));
      });
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    count: (path) => (path === undefined ? requests.length : requests.filter((r) => r.path === path || (!path.includes('?') && r.path.split('?')[0] === path)).length),
    route: (path, handler) => void routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Registers a server for the enclosing describe block, started before and closed after it. */
export function useServer(): { readonly server: TestServer } {
  const holder = {} as { server: TestServer };
  before(async () => {
    holder.server = await startServer();
  });
  after(async () => {
    await holder.server?.close();
  });
  return holder;
}

/** A JSON handler: `{ n: <how many times this route answered> }` plus the given headers. */
export function countingJson(headers: Record<string, string> = {}): Handler {
  let n = 0;
  return (_req, res) => {
    n++;
    res.writeHead(200, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ n }));
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
