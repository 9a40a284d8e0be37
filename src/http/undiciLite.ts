/**
 * The two parts of undici the HTTP client uses, loaded from their own files: undici's index loads all of undici
 * (fetch, WebSocket, the cache and mock layers: ~110 modules, ~100 ms of every run's start-up; bench/startup.ts),
 * and the client needs only the proxy-aware agent and `request`. Same code, same classes (errors included), as
 * `import { EnvHttpProxyAgent, request } from 'undici'`; undici publishes no `exports` map, so these paths are
 * reachable, and the HTTP tests fail at once if a new undici moves them.
 */
import { createRequire } from 'node:module';
import type { Agent as AgentType, Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

const require = createRequire(import.meta.url);

// As undici's index does: request, stream, pipeline, connect and upgrade become methods of every dispatcher (the proxy
// agent tunnels with its client's connect()).
const DispatcherClass = require('undici/lib/dispatcher/dispatcher.js') as { prototype: object };
Object.assign(DispatcherClass.prototype, require('undici/lib/api/index.js'));

export const EnvHttpProxyAgent = require('undici/lib/dispatcher/env-http-proxy-agent.js') as typeof EnvHttpProxyAgentType;
/** What EnvHttpProxyAgent sends through when no proxy is set (client.ts uses it directly then). */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentType;

/** undici's `request(url, opts)` for a full URL and an explicit dispatcher (what its index builds around api-request). */
export function request(url: URL, opts: Omit<Dispatcher.RequestOptions, 'origin' | 'path'> & { dispatcher: Dispatcher }): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = opts;
  return dispatcher.request({
    ...rest,
    origin: url.origin,
    path: url.search ? `${url.pathname}${url.search}` : url.pathname,
    method: rest.method || (rest.body ? 'PUT' : 'GET'),
  });
}
