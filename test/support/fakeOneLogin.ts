/**
 * A OneLogin test server speaking the two APIs the `[onelogin]` source uses, as documented:
 * - API/1: POST /auth/oauth2/token with `Authorization: client_id:<id>, client_secret:<secret>` and the JSON body
 *   {"grant_type":"client_credentials"}; the reply is OneLogin's envelope {status, data: [{access_token, expires_in}]}.
 *   Issuing a token revokes the client's earlier ones, tokens expire after expires_in (36000 s), and GET /api/1/users
 *   takes only `Authorization: bearer:<token>`, 50 users a page, `pagination.after_cursor` until null.
 *   https://developers.onelogin.com/api-docs/1/oauth20-tokens/generate-tokens, .../api-docs/1/users/get-users
 *   Refusals carry the envelope: 401 {"status":{"error":true,"code":401,"type":"Unauthorized","message":"Authentication Failure"}}
 *   (https://developers.onelogin.com/api-docs/1/getting-started/authorizing-resource-api-calls).
 * - Legacy: GET /api/v2/users.xml?include_custom_attributes=true&page=N with Basic `<api key>:x`, Rails' XML
 *   (`<users type="array">`, typed elements, `nil="true"`, custom attributes as `custom_attribute_<name>`),
 *   Rails' 401 text "HTTP Basic: Access denied." for a wrong key.
 * Throttling is OneLogin's: 429 with X-RateLimit-Limit/Remaining/Reset (seconds until the window resets).
 * Unverified: the status a token of an "Authentication Only" credential gets on /api/1/users (403 here).
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeOneLoginOptions {
  clientId?: string;
  clientSecret?: string;
  /** The credential's scope; "authentication_only" may get tokens but not read users. */
  scope?: 'read_users' | 'authentication_only';
  apiKey?: string;
  users?: number;
  /** API/1 page size (OneLogin: 50). */
  pageSize?: number;
  /** Legacy XML page size (OneLogin: 100). */
  legacyPageSize?: number;
  /** expires_in of issued tokens, seconds (OneLogin: 36000). */
  tokenLifetimeSec?: number;
  /** The server's clock (a test's fake clock); default Date.now. */
  now?: () => number;
}

export interface FakeOneLogin {
  url: string;
  /** Every request, "METHOD /path?query", in order. */
  log: string[];
  tokensIssued: number;
  /** Statuses answered, in order (to see that no 401 happened). */
  statuses: number[];
  user(i: number): Record<string, unknown>;
  /** User page `index` (0-based) answers 429 with X-RateLimit-Reset `resetSec` the next `times` times it is asked for. */
  throttlePage(index: number, times: number, resetSec: number): void;
  /** After `pages` more user pages, every token issued so far is expired (a token that dies mid-run). */
  expireTokensAfterPages(pages: number): void;
  /** User page `index` (0-based) answers `status` the next `times` times it is asked for. */
  failPage(index: number, status: number, times?: number): void;
  close(): Promise<void>;
}

const BASE = Date.UTC(2025, 2, 3, 8, 0, 0);
const CUSTOM = (i: number) => ({ cost_center: `CC-${i % 4}`, employee_type: i % 2 ? 'contractor' : 'employee', department: `custom-dept-${i}` });

/** An API/1 user with every documented field, so records can be compared whole. */
export function makeOneLoginUser(i: number): Record<string, unknown> {
  const at = (d: number) => new Date(BASE + d * 3_600_000).toISOString();
  return {
    activated_at: at(i), created_at: at(i - 100), email: `user${i}@example.com`, username: `user${i}`, firstname: `First${i}`,
    group_id: 100 + (i % 3), id: 5000 + i, invalid_login_attempts: 0, invitation_sent_at: null, last_login: at(i + 10),
    lastname: `Last${i}`, locked_until: null, comment: '', openid_name: `user${i}`, locale_code: null, preferred_locale_code: 'en',
    password_changed_at: at(i - 50), phone: i % 3 ? `+1 555 01${String(i).padStart(2, '0')}` : '', status: 1, updated_at: at(i + 20),
    distinguished_name: null, external_id: null, directory_id: null, member_of: null, samaccountname: null,
    userprincipalname: null, manager_ad_id: null, manager_user_id: null, role_id: [7, 9], company: 'Example Corp',
    department: `Dept${i % 2}`, title: 'Engineer', state: 1, trusted_idp_id: null, notes: null,
    custom_attributes: CUSTOM(i),
  };
}

function legacyUserXml(i: number): string {
  const u = makeOneLoginUser(i);
  const el = (name: string, value: unknown, type?: string) =>
    value === null || value === '' ? `<${name} nil="true"></${name}>` : `<${name}${type ? ` type="${type}"` : ''}>${String(value)}</${name}>`;
  const custom = Object.entries(CUSTOM(i)).map(([k, v]) => el(`custom_attribute_${k}`, v)).join('');
  return `<user>${el('activated-at', u.activated_at, 'datetime')}${el('created-at', u.created_at, 'datetime')}${el('email', u.email)}` +
    `${el('external-id', null)}${el('firstname', u.firstname)}${el('id', u.id, 'integer')}${el('lastname', u.lastname)}` +
    `${el('phone', u.phone)}${el('status', u.status, 'integer')}${el('username', u.username)}${custom}</user>`;
}

const envelope = (code: number, type: string, message: string) => ({ status: { error: code >= 400, code, type, message } });

export async function startFakeOneLogin(opts: FakeOneLoginOptions = {}): Promise<FakeOneLogin> {
  const clientId = opts.clientId ?? 'ol-client-0123';
  const clientSecret = opts.clientSecret ?? 'ol-secret-s3cr3t-value';
  const apiKey = opts.apiKey ?? 'legacy-key-abcdef123456';
  const total = opts.users ?? 7;
  const pageSize = opts.pageSize ?? 50;
  const legacyPageSize = opts.legacyPageSize ?? 100;
  const lifetimeSec = opts.tokenLifetimeSec ?? 36000;
  const now = opts.now ?? Date.now;
  /** token -> expiry (ms). Only the latest token of the client is kept: a new one revokes the others. */
  const tokens = new Map<string, number>();
  const throttles = new Map<number, { times: number; resetSec: number }>();
  const pageFailures = new Map<number, { status: number; times: number }>();
  let expireAfterPages: number | undefined;
  const state = { log: [] as string[], tokensIssued: 0, statuses: [] as number[] };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    state.statuses.push(status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json', ...headers });
    res.end(text);
  };
  const rateHeaders = (remaining: number, resetSec: number) => ({
    'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetSec),
  });
  /** The page to serve, or an answer already sent (throttled, failed on request). */
  const gate = (res: http.ServerResponse, index: number): boolean => {
    const throttle = throttles.get(index);
    if (throttle && throttle.times > 0) {
      throttle.times--;
      send(res, 429, envelope(429, 'Too Many Requests', 'Rate limit exceeded'), rateHeaders(0, throttle.resetSec));
      return false;
    }
    const failure = pageFailures.get(index);
    if (failure && failure.times > 0) {
      failure.times--;
      send(res, failure.status, envelope(failure.status, 'Internal Server Error', 'Injected failure'));
      return false;
    }
    return true;
  };
  const servedPage = () => {
    if (expireAfterPages !== undefined && --expireAfterPages <= 0) {
      for (const t of tokens.keys()) tokens.set(t, 0);
      expireAfterPages = undefined;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      state.log.push(`${req.method} ${url.pathname}${url.search}`);
      const authorization = req.headers.authorization ?? '';

      if (req.method === 'POST' && url.pathname === '/auth/oauth2/token') {
        const creds = /^client_id:\s*([^,]*),\s*client_secret:\s*(.*)$/.exec(authorization);
        if (!creds || creds[1] !== clientId || creds[2] !== clientSecret) return send(res, 401, envelope(401, 'Unauthorized', 'Authentication Failure'));
        let grant: unknown;
        try {
          grant = req.headers['content-type']?.startsWith('application/json') ? (JSON.parse(body) as { grant_type?: unknown }).grant_type : undefined;
        } catch {
          grant = undefined;
        }
        if (grant !== 'client_credentials') return send(res, 400, envelope(400, 'bad request', 'grant_type is incorrect/absent'));
        tokens.clear();
        const token = randomBytes(24).toString('hex');
        tokens.set(token, now() + lifetimeSec * 1000);
        state.tokensIssued++;
        return send(res, 200, {
          ...envelope(200, 'success', 'Success'),
          data: [{ access_token: token, created_at: new Date(now()).toISOString(), expires_in: lifetimeSec, refresh_token: randomBytes(24).toString('hex'), token_type: 'bearer', account_id: 555555 }],
        });
      }

      if (req.method === 'GET' && url.pathname === '/api/1/users') {
        const token = /^bearer:(\S+)$/.exec(authorization)?.[1];
        const expiry = token ? tokens.get(token) : undefined;
        if (expiry === undefined || expiry <= now()) return send(res, 401, envelope(401, 'Unauthorized', 'Authentication Failure'));
        if (opts.scope === 'authentication_only') return send(res, 403, envelope(403, 'Forbidden', 'Forbidden'));
        const start = url.searchParams.get('after_cursor') ? Number(Buffer.from(url.searchParams.get('after_cursor')!, 'base64url').toString()) : 0;
        if (!Number.isInteger(start)) return send(res, 400, envelope(400, 'bad request', 'Invalid after_cursor'));
        if (!gate(res, Math.floor(start / pageSize))) return;
        servedPage();
        const ids = Array.from({ length: Math.max(0, Math.min(pageSize, total - start)) }, (_, k) => start + k + 1);
        const after = start + pageSize < total ? Buffer.from(String(start + pageSize)).toString('base64url') : null;
        const before = start > 0 ? Buffer.from(String(Math.max(0, start - pageSize))).toString('base64url') : null;
        const link = (c: string | null, name: string) => (c ? `http://${req.headers.host}/api/1/users?${name}=${c}` : null);
        return send(res, 200, {
          ...envelope(200, 'success', 'Success'),
          pagination: { before_cursor: before, after_cursor: after, previous_link: link(before, 'before_cursor'), next_link: link(after, 'after_cursor') },
          data: ids.map(makeOneLoginUser),
        }, rateHeaders(4000, 1800));
      }

      if (req.method === 'GET' && url.pathname === '/api/v2/users.xml') {
        const [scheme, encoded] = authorization.split(' ');
        const [key] = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [''];
        if (key !== apiKey) return send(res, 401, 'HTTP Basic: Access denied.\n', { 'www-authenticate': 'Basic realm="Application"' });
        const page = Number(url.searchParams.get('page') ?? 1);
        if (!gate(res, page - 1)) return;
        const start = (page - 1) * legacyPageSize;
        const ids = Array.from({ length: Math.max(0, Math.min(legacyPageSize, total - start)) }, (_, k) => start + k + 1);
        const withCustom = url.searchParams.get('include_custom_attributes') === 'true';
        const users = ids.map((i) => (withCustom ? legacyUserXml(i) : legacyUserXml(i).replace(/<custom_attribute_[^>]*>[^<]*<\/custom_attribute_[^>]*>/g, '')));
        state.statuses.push(200);
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${users.length ? `<users type="array">${users.join('')}</users>` : '<users type="array"/>'}`);
      }
      send(res, 404, envelope(404, 'Not Found', `No route ${url.pathname}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get log() { return state.log; },
    get tokensIssued() { return state.tokensIssued; },
    get statuses() { return state.statuses; },
    user: makeOneLoginUser,
    throttlePage(index, times, resetSec) {
      throttles.set(index, { times, resetSec });
    },
    expireTokensAfterPages(pages) {
      expireAfterPages = pages;
    },
    failPage(index, status, times = 1) {
      pageFailures.set(index, { status, times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
