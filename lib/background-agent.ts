import type { InternalAxiosRequestConfig } from 'axios';

/**
 * A background refresh (stale-while-revalidate) has no caller waiting for it, so it must not keep
 * the process alive: a script that got its stale answer and returned should exit even when the
 * origin never answers the refresh. Node's global agents hold an in-flight socket referenced (and
 * re-reference a kept-alive socket when they reuse it), so when the caller configured no agent of
 * its own, the refresh runs through agents whose sockets never hold the event loop open.
 *
 * node:http and node:https are reached through `process.getBuiltinModule` (Node >= 20.16) and only
 * when a refresh starts: the core entry imports no node: module at top level. Elsewhere (browsers,
 * fetch/xhr adapters, which ignore these options) the config is returned unchanged.
 */

interface SocketLike {
  unref?: () => unknown;
}
type AgentClass = new (options?: Record<string, unknown>) => { createConnection(...args: unknown[]): unknown };
interface AgentModule {
  Agent: AgentClass;
  globalAgent?: { options?: Record<string, unknown> };
}

let agents: { httpAgent: unknown; httpsAgent: unknown } | null | undefined;

function unrefAgent(module: AgentModule | undefined): unknown {
  if (typeof module?.Agent !== 'function') return undefined;
  // createConnection is a documented extension point of http.Agent (and one axios carries over
  // when it adapts an agent). Without keep-alive no socket is ever pooled and re-referenced by
  // reuseSocket, so unref'ing each new connection is enough.
  class UnrefAgent extends module.Agent {
    override createConnection(...args: unknown[]): unknown {
      const socket = super.createConnection(...args) as SocketLike | undefined;
      socket?.unref?.();
      return socket;
    }
  }
  // The global agent's options (proxyEnv under NODE_USE_ENV_PROXY, timeouts) so a refresh goes
  // where the caller's request went; a refresh is rare enough to need no pooled connection.
  return new UnrefAgent({ ...(module.globalAgent?.options ?? {}), keepAlive: false });
}

function backgroundAgents(): { httpAgent: unknown; httpsAgent: unknown } | null {
  if (agents !== undefined) return agents;
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return (agents = null);
  try {
    agents = {
      httpAgent: unrefAgent(proc.getBuiltinModule('node:http') as AgentModule | undefined),
      httpsAgent: unrefAgent(proc.getBuiltinModule('node:https') as AgentModule | undefined),
    };
  } catch {
    agents = null;
  }
  return agents;
}

/**
 * The config a background refresh is sent with: the caller's, without its progress callbacks (the
 * caller already has its answer; they would fire after the fact), and with unref'd agents where
 * it set none.
 */
export function backgroundConfig(config: InternalAxiosRequestConfig): InternalAxiosRequestConfig {
  const quiet: InternalAxiosRequestConfig = { ...config, onDownloadProgress: undefined, onUploadProgress: undefined };
  if (config.httpAgent != null && config.httpsAgent != null) return quiet;
  const unref = backgroundAgents();
  if (unref === null) return quiet;
  return {
    ...quiet,
    httpAgent: config.httpAgent ?? unref.httpAgent,
    httpsAgent: config.httpsAgent ?? unref.httpsAgent,
  };
}
