/**
 * A HashiCorp Vault stand-in that speaks the documented HTTP API for what the connector uses:
 * - GET /v1/sys/internal/ui/mounts/<path> -> { data: { path: 'secret/', type: 'kv', options: { version } } }
 * - KV v2: GET /v1/<mount>/data/<path> -> { data: { data: {...}, metadata: {...} } }
 * - KV v1: GET /v1/<mount>/<path> -> { data: {...} }
 * Rejects a missing or unknown X-Vault-Token with 403 {"errors":["permission denied"]} (Vault answers 403,
 * not 401, for bad tokens), a token whose policy lacks the path with 403, an absent secret with
 * 404 {"errors":[]}, and everything with 503 {"errors":["Vault is sealed"]} while sealed.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FakeVaultMount {
  version: 1 | 2;
  /** path inside the mount -> key/value pairs */
  secrets: Record<string, Record<string, string>>;
}

export interface FakeVaultOptions {
  /** mount path (no slashes) -> mount */
  mounts: Record<string, FakeVaultMount>;
  /** token -> logical path prefixes it may read ('*' = all), as a policy would grant */
  tokens: Record<string, string[]>;
  /** Vault Enterprise namespace every request must carry, when set. */
  namespace?: string;
  tls?: { key: string; cert: string };
}

export interface FakeVault {
  url: string;
  sealed: boolean;
  requests: Array<{ method: string; path: string; token?: string; namespace?: string }>;
  close(): Promise<void>;
}

export async function startFakeVault(opts: FakeVaultOptions): Promise<FakeVault> {
  const state: FakeVault = { url: '', sealed: false, requests: [], close: async () => undefined };

  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const url = new URL(req.url ?? '/', 'http://x');
    const token = req.headers['x-vault-token'] as string | undefined;
    const namespace = req.headers['x-vault-namespace'] as string | undefined;
    state.requests.push({ method: req.method ?? '', path: url.pathname, token, namespace });
    if (state.sealed) return send(503, { errors: ['Vault is sealed'] });
    if (req.method !== 'GET' || !url.pathname.startsWith('/v1/')) return send(405, { errors: ['unsupported operation'] });
    if (opts.namespace && namespace !== opts.namespace) return send(403, { errors: ['permission denied'] });
    const grants = token ? opts.tokens[token] : undefined;
    if (!grants) return send(403, { errors: ['permission denied'] });
    const allowed = (logical: string) => grants.some((g) => g === '*' || logical === g || logical.startsWith(g.endsWith('/') ? g : `${g}/`));
    const apiPath = decodeURIComponent(url.pathname.slice('/v1/'.length));

    const uiPrefix = 'sys/internal/ui/mounts/';
    if (apiPath.startsWith(uiPrefix)) {
      const logical = apiPath.slice(uiPrefix.length);
      const mount = findMount(logical);
      if (!allowed(logical)) return send(403, { errors: ['permission denied'] });
      if (!mount) return send(404, { errors: [] });
      return send(200, {
        data: { path: `${mount.name}/`, type: 'kv', options: mount.mount.version === 2 ? { version: '2' } : null },
      });
    }

    const found = findMount(apiPath);
    if (!found) return send(404, { errors: [`no handler for route "${apiPath}"`] });
    const inner = apiPath.slice(found.name.length + 1);
    if (found.mount.version === 2) {
      if (!inner.startsWith('data/')) {
        return send(404, { errors: [], warnings: ['Invalid path for a versioned K/V secrets engine'] });
      }
      const secretPath = inner.slice('data/'.length);
      // v2 policies name <mount>/data/<path>
      if (!allowed(`${found.name}/data/${secretPath}`)) return send(403, { errors: ['permission denied'] });
      const data = found.mount.secrets[secretPath];
      if (!data) return send(404, { errors: [] });
      return send(200, {
        request_id: 'req-1',
        lease_id: '',
        renewable: false,
        lease_duration: 0,
        data: { data, metadata: { created_time: '2024-01-01T00:00:00Z', deletion_time: '', destroyed: false, version: 1 } },
      });
    }
    if (!allowed(apiPath)) return send(403, { errors: ['permission denied'] });
    const data = found.mount.secrets[inner];
    if (!data) return send(404, { errors: [] });
    return send(200, { request_id: 'req-1', lease_id: '', renewable: false, lease_duration: 2764800, data });
  };

  const findMount = (logical: string) => {
    const names = Object.keys(opts.mounts).sort((a, b) => b.length - a.length);
    const name = names.find((n) => logical === n || logical.startsWith(`${n}/`));
    return name ? { name, mount: opts.mounts[name] } : undefined;
  };

  const server = opts.tls ? https.createServer(opts.tls, handler) : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  state.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
