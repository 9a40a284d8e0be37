/**
 * A ServiceNow instance's Table API and OAuth token endpoint for the [servicenow] and [servicenow_cmdb] tests, as
 * ServiceNow answers (https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI):
 * - Auth: HTTP Basic, or `Authorization: Bearer` with a token of `POST /oauth_token.do` (form: grant_type password
 *   with client_id, client_secret, username, password; or client_credentials). A refused credential answers 401
 *   {"error":{"message":"User Not Authenticated","detail":"Required to provide Auth information"},"status":"failure"};
 *   a refused token request 401 {"error_description":"access_denied","error":"server_error"}.
 * - `GET /api/now/table/{table}`: rows in `result`; `sysparm_query` (`a=b^c!=d^ORDERBYsys_id`), `sysparm_fields`
 *   (dot-walked names too), `sysparm_display_value` (all: `{display_value, value}` per field, plus `link` on
 *   references unless `sysparm_exclude_reference_link=true`; true: display values; else raw values),
 *   `sysparm_limit` (default 10000) / `sysparm_offset`, with `X-Total-Count` and a `Link` header (first, prev, next,
 *   last). Rows an ACL hides are dropped after the page was cut, so pages come back short before the end.
 *   An unknown table is 400 {"error":{"message":"Invalid table x","detail":null}}; a table the user may not read
 *   403 {"error":{"message":"User Not Authorized", ...}} (wording unverified); a non-numeric paging parameter 400
 *   (a guard of this server: ServiceNow's own answer is unverified).
 * - Date-time conditions `sys_updated_on>=2026-12-01 03:00:00` (also >, <, <=) compare the row's UTC value as
 *   ServiceNow does; a value that is not `yyyy-MM-dd HH:mm:ss` is 400 here (ServiceNow would ignore the condition and
 *   return every row, which a test would not notice). A row without the field never matches.
 * - Rate limit rules answer 429 {"error":{"message":"User Exceeded rate limit", ...}} with Retry-After (seconds),
 *   X-RateLimit-Limit and X-RateLimit-Reset (epoch seconds).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A field: a plain value (display = value), or a reference / choice with its own display value. */
export type FieldValue = string | { value: string; display_value: string; table?: string };
export type Row = Record<string, FieldValue>;

export interface FakeServiceNowOptions {
  tables: Record<string, Row[]>;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  /** Tables the user may not read (403). */
  forbiddenTables?: string[];
  /** sys_ids of rows an ACL hides from the user (counted, then dropped from their page). */
  hiddenRows?: string[];
}

export interface FakeServiceNow {
  url: string;
  username: string;
  password: string;
  clientId: string;
  clientSecret: string;
  /** Every Table API and token request, "METHOD /path?query" (decoded), in order. */
  log: string[];
  tokensIssued: number;
  /** The `n`-th request (1-based, counting Table API requests) on `table` answers 429 with Retry-After `retryAfter`. */
  throttle(table: string, n: number, retryAfter: string): void;
  /** Lookups on `table` whose query names `sysId` answer `status` the next `times` times. */
  failLookup(table: string, sysId: string, status: number, times?: number): void;
  /** Updates a row now (sys_updated_on = the real clock, UTC), optionally changing fields. */
  touch(table: string, sysId: string, fields?: Row): void;
  /** Every token issued so far stops working after this many more requests (expired mid-run). */
  expireTokensAfter(requests: number): void;
  close(): Promise<void>;
}

const failure = (message: string, detail: string | null) => ({ error: { message, detail }, status: 'failure' });
const raw = (f: FieldValue | undefined) => (f === undefined ? '' : typeof f === 'string' ? f : f.value);
const shown = (f: FieldValue | undefined) => (f === undefined ? '' : typeof f === 'string' ? f : f.display_value);

export async function startFakeServiceNow(opts: FakeServiceNowOptions): Promise<FakeServiceNow> {
  const username = opts.username ?? 'oomnitza.api';
  const password = opts.password ?? 'sn-password-8f3Kq2';
  const clientId = opts.clientId ?? 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
  const clientSecret = opts.clientSecret ?? 'sn-client-secret-Zx81';
  const forbidden = new Set(opts.forbiddenTables ?? []);
  const hidden = new Set(opts.hiddenRows ?? []);
  const log: string[] = [];
  const tokens = new Map<string, { left: number }>();
  const throttles = new Map<string, { n: number; retryAfter: string }>();
  const tableCalls = new Map<string, number>();
  const lookupFailures: Array<{ table: string; sysId: string; status: number; times: number }> = [];
  let tokensIssued = 0;
  let base = '';

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };
  const unauthenticated = (res: http.ServerResponse) => send(res, 401, failure('User Not Authenticated', 'Required to provide Auth information'));

  const tokenRequest = (res: http.ServerResponse, body: string) => {
    const form = new URLSearchParams(body);
    const clientOk = form.get('client_id') === clientId && form.get('client_secret') === clientSecret;
    const grant = form.get('grant_type');
    const userOk = grant === 'client_credentials' || (grant === 'password' && form.get('username') === username && form.get('password') === password);
    if (!clientOk || !userOk) return send(res, 401, { error_description: 'access_denied', error: 'server_error' });
    const token = `sn-token-${++tokensIssued}-${Math.random().toString(36).slice(2)}`;
    tokens.set(token, { left: Infinity });
    return send(res, 200, { access_token: token, refresh_token: `r-${token}`, scope: 'useraccount', token_type: 'Bearer', expires_in: 1799 });
  };

  const authorized = (req: http.IncomingMessage): boolean => {
    const [scheme, value = ''] = (req.headers.authorization ?? '').split(' ');
    if (scheme === 'Basic') return Buffer.from(value, 'base64').toString('utf8') === `${username}:${password}`;
    if (scheme !== 'Bearer') return false;
    const t = tokens.get(value);
    if (!t || t.left <= 0) return false;
    t.left--;
    return true;
  };

  const table = (res: http.ServerResponse, url: URL, name: string) => {
    const rows = opts.tables[name];
    if (!rows) return send(res, 400, failure(`Invalid table ${name}`, null));
    if (forbidden.has(name)) return send(res, 403, failure('User Not Authorized', 'Not permitted'));
    const q = url.searchParams;
    const call = (tableCalls.get(name) ?? 0) + 1;
    tableCalls.set(name, call);
    const throttle = throttles.get(name);
    if (throttle && throttle.n === call) {
      return send(res, 429, failure('User Exceeded rate limit', 'Maximum per hour rate limit exceeded'), {
        'retry-after': throttle.retryAfter, 'x-ratelimit-limit': '1000', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1),
      });
    }
    const query = q.get('sysparm_query') ?? '';
    const failing = lookupFailures.find((f) => f.table === name && f.times > 0 && query.includes(f.sysId));
    if (failing) {
      failing.times--;
      return send(res, failing.status, failure('Internal server error', 'Transaction cancelled: maximum execution time exceeded'));
    }
    for (const p of ['sysparm_limit', 'sysparm_offset']) {
      const v = q.get(p);
      if (v !== null && !/^\d+$/.test(v)) return send(res, 400, failure(`Invalid value for ${p}: ${v}`, null));
    }
    const limit = Number(q.get('sysparm_limit') ?? 10_000);
    const offset = Number(q.get('sysparm_offset') ?? 0);

    let selected = rows.slice();
    for (const term of query.split('^').filter(Boolean)) {
      const order = /^ORDERBY(DESC)?(.+)$/.exec(term);
      if (order) {
        const [, desc, field] = order;
        selected.sort((a, b) => (raw(a[field]) < raw(b[field]) ? -1 : raw(a[field]) > raw(b[field]) ? 1 : 0) * (desc ? -1 : 1));
        continue;
      }
      const when = /^([\w.]+)(>=|<=|>|<)(.*)$/.exec(term);
      if (when) {
        const [, field, op, value] = when;
        if (!/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/.test(value)) return send(res, 400, failure(`Invalid date-time in query: ${term}`, null));
        const test = (v: string) => v !== '' && (op === '>=' ? v >= value : op === '>' ? v > value : op === '<=' ? v <= value : v < value);
        selected = selected.filter((r) => test(raw(r[field])));
        continue;
      }
      const cond = /^([\w.]+)(!=|=)(.*)$/.exec(term);
      // ServiceNow ignores a condition it cannot read (and returns every row): so does this.
      if (!cond) continue;
      const [, field, op, value] = cond;
      selected = selected.filter((r) => (raw(r[field]) === value) === (op === '='));
    }
    const total = selected.length;
    const page = selected.slice(offset, offset + limit).filter((r) => !hidden.has(raw(r.sys_id)));
    const fields = q.get('sysparm_fields')?.split(',').filter(Boolean);
    const display = q.get('sysparm_display_value');
    const noLinks = q.get('sysparm_exclude_reference_link') === 'true';
    const result = page.map((r) => {
      const out: Record<string, unknown> = {};
      for (const key of fields ?? Object.keys(r)) {
        const f = r[key];
        if (display === 'all') {
          const pair: Record<string, string> = { display_value: shown(f), value: raw(f) };
          if (typeof f === 'object' && f.table && !noLinks) pair.link = `${base}/api/now/table/${f.table}/${f.value}`;
          out[key] = pair;
        } else out[key] = display === 'true' ? shown(f) : raw(f);
      }
      return out;
    });
    const link = (o: number) => {
      const p = new URLSearchParams(q);
      p.set('sysparm_offset', String(o));
      p.set('sysparm_limit', String(limit));
      return `${base}${url.pathname}?${p.toString()}`;
    };
    const last = Math.max(0, Math.floor((total - 1) / limit) * limit);
    const links = [`<${link(0)}>;rel="first"`];
    if (offset > 0) links.push(`<${link(Math.max(0, offset - limit))}>;rel="prev"`);
    if (offset + limit < total) links.push(`<${link(offset + limit)}>;rel="next"`);
    links.push(`<${link(last)}>;rel="last"`);
    return send(res, 200, { result }, { 'x-total-count': String(total), link: links.join(',') });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)}`);
      if (req.method === 'POST' && url.pathname === '/oauth_token.do') return tokenRequest(res, Buffer.concat(chunks).toString('utf8'));
      if (!authorized(req)) return unauthenticated(res);
      const m = /^\/api\/now\/table\/([^/]+)$/.exec(url.pathname);
      if (req.method !== 'GET' || !m) return send(res, 400, failure('Requested URI does not represent any resource', null));
      return table(res, url, decodeURIComponent(m[1]));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    username,
    password,
    clientId,
    clientSecret,
    log,
    get tokensIssued() {
      return tokensIssued;
    },
    throttle(name, n, retryAfter) {
      throttles.set(name, { n, retryAfter });
    },
    failLookup(name, sysId, status, times = 1) {
      lookupFailures.push({ table: name, sysId, status, times });
    },
    touch(name, id, fields = {}) {
      const row = opts.tables[name].find((r) => raw(r.sys_id) === id);
      if (!row) throw new Error(`no row ${id} in ${name}`);
      Object.assign(row, fields, { sys_updated_on: new Date().toISOString().slice(0, 19).replace('T', ' ') });
    },
    expireTokensAfter(requests) {
      for (const t of tokens.values()) t.left = requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A sys_id as ServiceNow makes them: 32 hex digits. */
export const sysId = (kind: string, i: number) => `${kind}${String(i).padStart(32 - kind.length, '0')}`;
