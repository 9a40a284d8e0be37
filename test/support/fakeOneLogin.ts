/**
 * A OneLogin test server speaking the two APIs the `[onelogin]` source uses, as documented:
 * - API v2 token: POST /auth/oauth2/v2/token with the client in a Basic header, in OneLogin's
 *   `Authorization: client_id:<id>, client_secret:<secret>` form or (form body) as client_id/client_secret fields;
 *   grant_type=client_credentials in a JSON or form body. The reply is RFC 6749's {access_token, token_type, expires_in}
 *   (plus created_at, account_id). "The same token set" comes back "until the token expires" (expires_in is then what
 *   is left of it); tokens live expires_in seconds (36000).
 *   https://developers.onelogin.com/api-docs/2/oauth20-tokens/generate-tokens-2
 * - API v2 users: GET /api/2/users with `Authorization: Bearer <token>` only: a bare JSON list, `limit` capped at 50
 *   a page, the next page named by the After-Cursor response header and asked for with `cursor=` (the cursor is
 *   base64 "limit=N&page=P", as in OneLogin's example), plus Total-Count, Total-Pages, Current-Page, Page-Items and
 *   Before-Cursor. Without `fields` a user has the short field set of the documented sample (no company, role_ids,
 *   custom_attributes, ...); `fields=a,b` answers those fields (and id).
 *   https://developers.onelogin.com/api-docs/2/users/list-users, .../2/getting-started/using-query-parameters
 *   Resource errors: 401 {"message":"Unauthorized","statusCode":401,"name":"UnauthorizedError"}
 *   (https://developers.onelogin.com/api-docs/2/users/list-custom-attributes).
 * - Legacy: GET /api/v2/users.xml?include_custom_attributes=true&page=N with Basic `<api key>:x`, Rails' XML
 *   (`<users type="array">`, typed elements, `nil="true"`, custom attributes as `custom_attribute_<name>`),
 *   Rails' 401 text "HTTP Basic: Access denied." for a wrong key.
 * Throttling is OneLogin's: 429 with X-RateLimit-Limit/Remaining/Reset (seconds until the window resets).
 * Unverified against a live tenant: the v2 token endpoint's error body (here the example of OneLogin's OpenAPI
 * description, onelogin-go-sdk api/openapi.yaml: {"error": true, "code": 401, "type": "Unauthorized", "message": ...}),
 * the 429 and 403 bodies, and the status a token of an "Authentication Only" credential gets on /api/2/users (403).
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
  /** The most users a v2 page holds, whatever `limit` asks (OneLogin: 50). */
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
  /** Distinct tokens issued (the same token handed out again is not counted). */
  tokensIssued: number;
  /** Every token request, with the headers and body it carried. */
  tokenRequests: Array<{ headers: http.IncomingHttpHeaders; body: string }>;
  /** Statuses answered, in order (to see that no 401 happened). */
  statuses: number[];
  /** API v2 user i as the server holds it (every field). */
  user(i: number): Record<string, unknown>;
  /** User page `index` (0-based) answers 429 with X-RateLimit-Reset `resetSec` the next `times` times it is asked for. */
  throttlePage(index: number, times: number, resetSec: number): void;
  /** User page `index` (0-based) says X-RateLimit-Remaining: 0 with X-RateLimit-Reset `resetSec` (the window is used up). */
  exhaustAfterPage(index: number, resetSec: number): void;
  /** After `pages` more user pages, every token issued so far is expired (a token that dies mid-run). */
  expireTokensAfterPages(pages: number): void;
  /** User page `index` (0-based) answers `status` the next `times` times it is asked for. */
  failPage(index: number, status: number, times?: number): void;
  close(): Promise<void>;
}

const BASE = Date.UTC(2025, 2, 3, 8, 0, 0);
const CUSTOM = (i: number) => ({ cost_center: `CC-${i % 4}`, employee_type: i % 2 ? 'contractor' : 'employee', department: `custom-dept-${i}` });

/** The fields of a v2 list user when the request names none (the documented sample response's). */
export const V2_DEFAULT_FIELDS = [
  'activated_at', 'distinguished_name', 'external_id', 'firstname', 'last_login', 'lastname', 'directory_id',
  'invitation_sent_at', 'member_of', 'updated_at', 'created_at', 'id', 'invalid_login_attempts', 'locked_until',
  'username', 'email', 'phone', 'state', 'group_id', 'password_changed_at', 'status', 'samaccountname',
];

/** An API v2 user with every field of the v2 user resource (no password fields), so records can be compared whole. */
export function makeOneLoginUser(i: number): Record<string, unknown> {
  const at = (d: number) => new Date(BASE + d * 3_600_000).toISOString();
  return {
    id: 5000 + i, username: `user${i}`, email: `user${i}@example.com`, firstname: `First${i}`, lastname: `Last${i}`,
    title: 'Engineer', department: `Dept${i % 2}`, company: 'Example Corp', comment: '', group_id: 100 + (i % 3),
    role_ids: [7, 9], phone: i % 3 ? `+1 555 01${String(i).padStart(2, '0')}` : '', state: 1, status: i % 5 ? 1 : 3,
    directory_id: null, trusted_idp_id: null, manager_ad_id: null, manager_user_id: i > 1 ? String(5001) : null,
    samaccountname: null, member_of: null, userprincipalname: null, distinguished_name: null, external_id: null,
    activated_at: at(i), last_login: at(i + 10), invitation_sent_at: null, updated_at: at(i + 20),
    preferred_locale_code: i % 2 ? 'en' : null, created_at: at(i - 100), invalid_login_attempts: 0, locked_until: null,
    password_changed_at: at(i - 50), custom_attributes: CUSTOM(i),
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

/** API v2 resource errors: {"message": "Unauthorized", "statusCode": 401, "name": "UnauthorizedError"}. */
const v2Error = (statusCode: number, name: string, message: string) => ({ message, statusCode, name });
/** The v2 token endpoint's errors, as OneLogin's OpenAPI description gives them. */
const tokenError = (code: number, type: string, message: string) => ({ error: true, code, type, message });

const encodeCursor = (limit: number, page: number) => Buffer.from(`limit=${limit}&page=${page}`).toString('base64');

/** The client a token request authenticates as, in any of the three documented ways. */
function clientOf(req: http.IncomingMessage, form: URLSearchParams | undefined): { id: string; secret: string } | undefined {
  const authorization = req.headers.authorization ?? '';
  const basic = /^Basic\s+(\S+)$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  const pair = /^client_id:\s*([^,]*),\s*client_secret:\s*(.*)$/.exec(authorization);
  if (pair) return { id: pair[1], secret: pair[2] };
  const id = form?.get('client_id');
  const secret = form?.get('client_secret');
  return id !== null && id !== undefined && secret !== null && secret !== undefined ? { id, secret } : undefined;
}

export async function startFakeOneLogin(opts: FakeOneLoginOptions = {}): Promise<FakeOneLogin> {
  const clientId = opts.clientId ?? 'ol-client-0123';
  const clientSecret = opts.clientSecret ?? 'ol-secret-s3cr3t-value';
  const apiKey = opts.apiKey ?? 'legacy-key-abcdef123456';
  const total = opts.users ?? 7;
  const pageSize = opts.pageSize ?? 50;
  const legacyPageSize = opts.legacyPageSize ?? 100;
  const lifetimeSec = opts.tokenLifetimeSec ?? 36000;
  const now = opts.now ?? Date.now;
  /** token -> expiry (ms). */
  const tokens = new Map<string, number>();
  let current: string | undefined;
  const throttles = new Map<number, { times: number; resetSec: number }>();
  const exhausted = new Map<number, number>();
  const pageFailures = new Map<number, { status: number; times: number }>();
  let expireAfterPages: number | undefined;
  const state = { log: [] as string[], tokensIssued: 0, statuses: [] as number[], tokenRequests: [] as FakeOneLogin['tokenRequests'] };

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
  const gate = (res: http.ServerResponse, index: number, v2: boolean): boolean => {
    const throttle = throttles.get(index);
    if (throttle && throttle.times > 0) {
      throttle.times--;
      send(res, 429, v2Error(429, 'TooManyRequestsError', 'Too Many Requests'), rateHeaders(0, throttle.resetSec));
      return false;
    }
    const failure = pageFailures.get(index);
    if (failure && failure.times > 0) {
      failure.times--;
      send(res, failure.status, v2 ? v2Error(failure.status, 'InternalServerError', 'Injected failure') : 'Injected failure');
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

  const token = (req: http.IncomingMessage, res: http.ServerResponse, body: string) => {
    state.tokenRequests.push({ headers: req.headers, body });
    const type = req.headers['content-type'] ?? '';
    let params: Record<string, unknown> | undefined;
    let form: URLSearchParams | undefined;
    try {
      if (type.startsWith('application/json')) params = JSON.parse(body) as Record<string, unknown>;
      else if (type.startsWith('application/x-www-form-urlencoded')) {
        form = new URLSearchParams(body);
        params = Object.fromEntries(form);
      }
    } catch {
      params = undefined;
    }
    const client = clientOf(req, form);
    if (!client || client.id !== clientId || client.secret !== clientSecret) return send(res, 401, tokenError(401, 'Unauthorized', 'Unauthorized Error'));
    if (params?.grant_type !== 'client_credentials') return send(res, 400, tokenError(400, 'bad request', 'grant_type is incorrect/absent'));
    const expiry = current === undefined ? undefined : tokens.get(current);
    // "this request will return the same token set until the token expires or is revoked"
    if (current === undefined || expiry === undefined || expiry <= now()) {
      current = randomBytes(24).toString('hex');
      tokens.set(current, now() + lifetimeSec * 1000);
      state.tokensIssued++;
    }
    const left = Math.floor((tokens.get(current)! - now()) / 1000);
    return send(res, 200, {
      access_token: current, created_at: new Date(now()).toISOString(), expires_in: left,
      refresh_token: 'deprecated', token_type: 'bearer', account_id: 555555,
    });
  };

  const users = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const bearer = /^bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const expiry = bearer ? tokens.get(bearer) : undefined;
    if (expiry === undefined || expiry <= now()) return send(res, 401, v2Error(401, 'UnauthorizedError', 'Unauthorized'));
    if (opts.scope === 'authentication_only') return send(res, 403, v2Error(403, 'ForbiddenError', 'Forbidden'));
    let paging = url.searchParams;
    const cursor = url.searchParams.get('cursor');
    if (cursor) {
      paging = new URLSearchParams(Buffer.from(cursor, 'base64').toString('utf8'));
      if (!paging.has('page')) return send(res, 400, v2Error(400, 'BadRequestError', 'Invalid cursor'));
    }
    const limit = Math.min(pageSize, Number(paging.get('limit') ?? pageSize));
    const page = Number(paging.get('page') ?? 1);
    if (!(Number.isInteger(limit) && limit > 0 && Number.isInteger(page) && page > 0)) return send(res, 400, v2Error(400, 'BadRequestError', 'Invalid pagination'));
    if (!gate(res, page - 1, true)) return;
    servedPage();
    const start = (page - 1) * limit;
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - start)) }, (_, k) => start + k + 1);
    const fields = url.searchParams.get('fields')?.split(',').map((f) => f.trim());
    const shown = fields ? ['id', ...fields] : V2_DEFAULT_FIELDS;
    const pages = Math.max(1, Math.ceil(total / limit));
    const remaining = exhausted.get(page - 1);
    const headers: Record<string, string> = {
      'total-count': String(total), 'total-pages': String(pages), 'current-page': String(page), 'page-items': String(limit),
      ...rateHeaders(remaining === undefined ? 4000 : 0, remaining ?? 1800),
    };
    if (page < pages) headers['after-cursor'] = encodeCursor(limit, page + 1);
    if (page > 1) headers['before-cursor'] = encodeCursor(limit, page - 1);
    const body = ids.map((i) => {
      const u = makeOneLoginUser(i);
      return Object.fromEntries(Object.entries(u).filter(([k]) => shown.includes(k)));
    });
    return send(res, 200, body, headers);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks).toString('utf8');
      state.log.push(`${req.method} ${url.pathname}${url.search}`);
      if (req.method === 'POST' && url.pathname === '/auth/oauth2/v2/token') return token(req, res, body);
      if (req.method === 'GET' && url.pathname === '/api/2/users') return users(req, res, url);

      if (req.method === 'GET' && url.pathname === '/api/v2/users.xml') {
        const authorization = req.headers.authorization ?? '';
        const [scheme, encoded] = authorization.split(' ');
        const [key] = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8').split(':') : [''];
        if (key !== apiKey) return send(res, 401, 'HTTP Basic: Access denied.\n', { 'www-authenticate': 'Basic realm="Application"' });
        const page = Number(url.searchParams.get('page') ?? 1);
        if (!gate(res, page - 1, false)) return;
        const start = (page - 1) * legacyPageSize;
        const ids = Array.from({ length: Math.max(0, Math.min(legacyPageSize, total - start)) }, (_, k) => start + k + 1);
        const withCustom = url.searchParams.get('include_custom_attributes') === 'true';
        const list = ids.map((i) => (withCustom ? legacyUserXml(i) : legacyUserXml(i).replace(/<custom_attribute_[^>]*>[^<]*<\/custom_attribute_[^>]*>/g, '')));
        state.statuses.push(200);
        res.writeHead(200, { 'content-type': 'application/xml; charset=utf-8' });
        return res.end(`<?xml version="1.0" encoding="UTF-8"?>\n${list.length ? `<users type="array">${list.join('')}</users>` : '<users type="array"/>'}`);
      }
      send(res, 404, v2Error(404, 'NotFoundError', `No route ${url.pathname}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get log() { return state.log; },
    get tokensIssued() { return state.tokensIssued; },
    get tokenRequests() { return state.tokenRequests; },
    get statuses() { return state.statuses; },
    user: makeOneLoginUser,
    throttlePage(index, times, resetSec) {
      throttles.set(index, { times, resetSec });
    },
    exhaustAfterPage(index, resetSec) {
      exhausted.set(index, resetSec);
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
