/**
 * A CyberArk Conjur stand-in speaking the documented REST API:
 * - POST /authn/<account>/<login>/authenticate, body = API key -> 200 access token (JSON), 401 on a wrong key.
 * - GET /secrets/<account>/variable/<id> with `Authorization: Token token="<base64 token>"` -> 200 raw value;
 *   401 for a missing, unknown or expired token (tokens live 8 minutes), 403 when the login may not read
 *   the variable, 404 when the variable does not exist.
 * Time comes from `now()` so tests can move the clock past the token lifetime.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const CONJUR_TOKEN_TTL_MS = 8 * 60 * 1000;

export interface FakeConjurOptions {
  account: string;
  /** login -> API key */
  logins: Record<string, string>;
  /** variable id -> value */
  variables: Record<string, string>;
  /** login -> variable ids it may not read */
  denied?: Record<string, string[]>;
  now?: () => number;
}

export interface FakeConjur {
  url: string;
  authnCalls: number;
  secretCalls: number;
  requests: Array<{ method: string; path: string; authorization?: string; body: string }>;
  close(): Promise<void>;
}

export async function startFakeConjur(opts: FakeConjurOptions): Promise<FakeConjur> {
  const now = opts.now ?? Date.now;
  const tokens = new Map<string, { login: string; issued: number }>();
  const state: FakeConjur = { url: '', authnCalls: 0, secretCalls: 0, requests: [], close: async () => undefined };

  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      state.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
      const reply = (status: number, text: string, type = 'text/plain') => {
        res.writeHead(status, { 'Content-Type': type });
        res.end(text);
      };
      const authn = /^\/authn\/([^/]+)\/([^/]+)\/authenticate$/.exec(path);
      if (authn && req.method === 'POST') {
        state.authnCalls++;
        const account = decodeURIComponent(authn[1]);
        const login = decodeURIComponent(authn[2]);
        if (account !== opts.account || opts.logins[login] === undefined || opts.logins[login] !== body) return reply(401, 'Unauthorized');
        const payload = Buffer.from(JSON.stringify({ sub: login, iat: Math.floor(now() / 1000), jti: crypto.randomUUID() })).toString('base64url');
        const token = JSON.stringify({ protected: 'eyJhbGciOiJjb25qdXIub3JnL3Nsb3NpbG8vdjIiLCJraWQiOiJ4In0=', payload, signature: crypto.randomBytes(32).toString('base64url') });
        tokens.set(token, { login, issued: now() });
        return reply(200, token, 'application/json');
      }
      const secret = /^\/secrets\/([^/]+)\/variable\/([^/]+)$/.exec(path);
      if (secret && req.method === 'GET') {
        state.secretCalls++;
        const m = /^Token token="([^"]+)"$/.exec(req.headers.authorization ?? '');
        const token = m ? Buffer.from(m[1], 'base64').toString('utf8') : undefined;
        const session = token ? tokens.get(token) : undefined;
        if (!session || now() - session.issued >= CONJUR_TOKEN_TTL_MS) return reply(401, 'Unauthorized');
        const account = decodeURIComponent(secret[1]);
        const id = decodeURIComponent(secret[2]);
        if (account !== opts.account) return reply(403, 'Forbidden');
        if (opts.denied?.[session.login]?.includes(id)) return reply(403, 'Forbidden');
        const value = opts.variables[id];
        if (value === undefined) {
          return reply(404, JSON.stringify({ error: { code: 'not_found', message: `Variable '${id}' not found in account '${account}'` } }), 'application/json');
        }
        return reply(200, value, 'application/octet-stream');
      }
      reply(404, 'Not Found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
