/**
 * A fake SaaS API for managed-mode tests (the fetch engine's and the runner's end-to-end tests), on 127.0.0.1 and
 * an ephemeral port. Each route is a paging or authentication style real integration definitions meet; each one
 * rejects what the real kind of API rejects (a missing api key, a bad page token, a stale CSRF token, an offset
 * without a limit) with the status such APIs send. Every request is recorded (`requests`, from httpTestServer).
 *
 * Users are `{ id: 'u1', name: 'User 1', email: 'u1@example.com' }`, `u1`..`u<users>`; devices `d1`..`d<devices>`.
 *
 * - GET /link/users?page=N&per_page=P       Link header paging (`<...page=N+1...>; rel="next"`, rel="last"), 1-based
 * - GET /odata/users[?$skiptoken=T]         {value: [...], @odata.nextLink} (OData / Graph style), page size `pageSize`
 * - GET /offset/devices?offset=O&limit=L    {total, devices: [...]}; 400 without limit, limit > 100 or a bad offset
 * - GET /token/devices[?page_token=T]       {devices, next_page_token} (absent on the last page); 400 on an unknown token
 * - GET /xml/computers                      XML: <computers><computer id=".."><name>..</name>...</computer></computers>
 * - GET /static/users                       needs header `X-Api-Key: <apiKey>` or query `api_key=<apiKey>` (else 401)
 * - GET /signed/users?page=N               what a stored credential signs (managed O12): needs BOTH header
 *                                           `Authorization: Signed <apiKey>` and query `signature=<apiKey>` (else 401);
 *                                           {users, has_more}, page size `pageSize`, 1-based
 * - POST /session/login                     JSON {username, password}; 401 on bad ones; sets cookie `sid` (kept for
 *                                           the session) and answers header `X-CSRF-Token` + body {csrf} with a
 *                                           FRESH token, valid for ONE request of that session
 * - GET /session/devices?page=N             needs the `sid` cookie and an unused CSRF token of that session in
 *                                           `X-CSRF-Token` (403 otherwise); {devices, has_more}
 * - GET /details/:id                        {id, serial, model}; 404 for ids in `failingDetails`; `detailDelays` per id
 * - GET /software/:id                       {apps: [{name, version}]} (see `software`)
 * - GET /limited/users                      the first call answers 429 with `Retry-After: <retryAfter>`, then a list
 * - GET /forbidden/users                    403 {"error": "insufficient scope"}
 * - GET /same/users                         the same array every time (a non-paginated API)
 */
import { randomUUID } from 'node:crypto';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface FakeSaasOptions {
  users?: number;
  devices?: number;
  /** Page size of the OData, token and session routes (default 2). Link paging uses per_page (default 2). */
  pageSize?: number;
  apiKey?: string;
  username?: string;
  password?: string;
  /** Detail ids answered with 404. */
  failingDetails?: string[];
  /** Software per device id; default two apps for every device. */
  software?: Record<string, Array<{ name: unknown; version: unknown }>>;
  /** Delay (ms) of the answer of /details/:id per id, so that later items can finish first. */
  detailDelays?: Record<string, number>;
  /** Retry-After of /limited/users (seconds, default "1"). */
  retryAfter?: string;
}

export interface FakeSaas extends TestServer {
  /** Requests whose path starts with this prefix, as `METHOD url` lines (url with the query string). */
  lines(prefix?: string): string[];
  requestsTo(prefix: string): RecordedRequest[];
  /** CSRF tokens handed out (in order) and the ones already used. */
  csrfIssued: string[];
  csrfUsed: Set<string>;
  options: Required<FakeSaasOptions>;
}

export const user = (n: number) => ({ id: `u${n}`, name: `User ${n}`, email: `u${n}@example.com` });
export const device = (n: number) => ({ id: `d${n}`, serial: `SN${1000 + n}` });

export async function startFakeSaas(opts: FakeSaasOptions = {}): Promise<FakeSaas> {
  const o: Required<FakeSaasOptions> = {
    users: opts.users ?? 5,
    devices: opts.devices ?? 5,
    pageSize: opts.pageSize ?? 2,
    apiKey: opts.apiKey ?? 'key-123',
    username: opts.username ?? 'admin',
    password: opts.password ?? 's3cret',
    failingDetails: opts.failingDetails ?? [],
    software: opts.software ?? {},
    retryAfter: opts.retryAfter ?? '1',
    detailDelays: opts.detailDelays ?? {},
  };
  const users = Array.from({ length: o.users }, (_, i) => user(i + 1));
  const devices = Array.from({ length: o.devices }, (_, i) => device(i + 1));
  /** sid -> CSRF tokens issued to that session and not used yet. */
  const sessions = new Map<string, Set<string>>();
  const csrfIssued: string[] = [];
  const csrfUsed = new Set<string>();
  let limitedCalls = 0;
  let base = '';

  const bad = (status: number, error: string): TestResponse => ({ status, json: { error } });
  const int = (v: string | undefined, dflt: number) => (v === undefined ? dflt : /^\d+$/.test(v) ? Number(v) : NaN);

  const handler = (req: RecordedRequest): TestResponse => {
    const p = req.path;
    const q = req.query;
    if (req.method === 'GET' && p === '/link/users') {
      const page = int(q.page, 1);
      const per = int(q.per_page, 2);
      if (!(page >= 1) || !(per >= 1)) return bad(400, 'bad paging parameters');
      const last = Math.max(1, Math.ceil(users.length / per));
      const links = [`<${base}/link/users?page=${page + 1}&per_page=${per}>; rel="next"`, `<${base}/link/users?page=${last}&per_page=${per}>; rel="last"`];
      return {
        json: users.slice((page - 1) * per, page * per),
        headers: { Link: (page < last ? links : links.slice(1)).join(', '), 'X-Total-Count': String(users.length) },
      };
    }
    if (req.method === 'GET' && p === '/odata/users') {
      const skip = q.$skiptoken === undefined ? 0 : int(q.$skiptoken.replace(/^skip-/, ''), NaN);
      if (!(skip >= 0) || (q.$skiptoken !== undefined && !q.$skiptoken.startsWith('skip-'))) return bad(400, 'invalid $skiptoken');
      const body: Record<string, unknown> = { '@odata.context': `${base}/odata/$metadata#users`, value: users.slice(skip, skip + o.pageSize) };
      if (skip + o.pageSize < users.length) body['@odata.nextLink'] = `${base}/odata/users?$skiptoken=skip-${skip + o.pageSize}`;
      return { json: body };
    }
    if (req.method === 'GET' && p === '/offset/devices') {
      const offset = int(q.offset, 0);
      const limit = int(q.limit, NaN);
      if (!(limit >= 1 && limit <= 100)) return bad(400, 'limit must be 1..100');
      if (!(offset >= 0)) return bad(400, 'bad offset');
      return { json: { total: devices.length, devices: devices.slice(offset, offset + limit) } };
    }
    if (req.method === 'GET' && p === '/token/devices') {
      const start = q.page_token === undefined ? 0 : q.page_token.startsWith('pt-') ? int(q.page_token.slice(3), NaN) : NaN;
      if (!(start >= 0)) return bad(400, 'invalid page_token');
      const body: Record<string, unknown> = { devices: devices.slice(start, start + o.pageSize) };
      if (start + o.pageSize < devices.length) body.next_page_token = `pt-${start + o.pageSize}`;
      return { json: body };
    }
    if (req.method === 'GET' && p === '/xml/computers') {
      const items = devices.map((d) => `<computer id="${d.id}"><name>${d.serial}</name><os>macOS</os></computer>`).join('');
      return { headers: { 'content-type': 'application/xml' }, body: `<?xml version="1.0"?><computers count="${devices.length}">${items}</computers>` };
    }
    if (req.method === 'GET' && p === '/signed/users') {
      if (req.headers.authorization !== `Signed ${o.apiKey}` || q.signature !== o.apiKey) return bad(401, 'missing or wrong signature');
      const page = int(q.page, 1);
      if (!(page >= 1)) return bad(400, 'bad page');
      return { json: { users: users.slice((page - 1) * o.pageSize, page * o.pageSize), has_more: page * o.pageSize < users.length } };
    }
    if (req.method === 'GET' && p === '/static/users') {
      if (req.headers['x-api-key'] !== o.apiKey && q.api_key !== o.apiKey) return bad(401, 'invalid api key');
      return { json: { users } };
    }
    if (req.method === 'POST' && p === '/session/login') {
      let creds: { username?: unknown; password?: unknown } = {};
      try {
        creds = JSON.parse(req.body);
      } catch {
        return bad(400, 'body must be JSON');
      }
      if (creds.username !== o.username || creds.password !== o.password) return bad(401, 'bad credentials');
      const known = cookie(req, 'sid');
      const sid = known && sessions.has(known) ? known : randomUUID();
      if (!sessions.has(sid)) sessions.set(sid, new Set());
      const csrf = `csrf-${csrfIssued.length + 1}`;
      csrfIssued.push(csrf);
      sessions.get(sid)!.add(csrf);
      return { headers: { 'Set-Cookie': `sid=${sid}; Path=/; HttpOnly`, 'X-CSRF-Token': csrf }, json: { csrf } };
    }
    if (req.method === 'GET' && p === '/session/devices') {
      const sid = cookie(req, 'sid');
      const tokens = sid ? sessions.get(sid) : undefined;
      if (!tokens) return bad(403, 'no session');
      const csrf = req.headers['x-csrf-token'];
      if (typeof csrf !== 'string' || !tokens.has(csrf)) return bad(403, 'CSRF token missing or already used');
      tokens.delete(csrf);
      csrfUsed.add(csrf);
      const page = int(q.page, 0);
      if (!(page >= 0)) return bad(400, 'bad page');
      const slice = devices.slice(page * o.pageSize, (page + 1) * o.pageSize);
      return { json: { devices: slice, has_more: (page + 1) * o.pageSize < devices.length } };
    }
    const detail = /^\/details\/([^/]+)$/.exec(p);
    if (req.method === 'GET' && detail) {
      const id = decodeURIComponent(detail[1]);
      if (o.failingDetails.includes(id)) return bad(404, `no device ${id}`);
      return { json: { id, serial: `SN-${id}`, model: 'MacBook Pro' }, delayMs: o.detailDelays[id] };
    }
    const software = /^\/software\/([^/]+)$/.exec(p);
    if (req.method === 'GET' && software) {
      const id = decodeURIComponent(software[1]);
      return { json: { apps: o.software[id] ?? [{ name: 'Slack', version: '4.10' }, { name: 'Zoom', version: '5.1.2' }] } };
    }
    if (req.method === 'GET' && p === '/limited/users') {
      limitedCalls++;
      if (limitedCalls === 1) return { status: 429, headers: { 'Retry-After': o.retryAfter }, json: { error: 'slow down' } };
      return { json: users };
    }
    if (req.method === 'GET' && p === '/forbidden/users') return bad(403, 'insufficient scope');
    if (req.method === 'GET' && p === '/same/users') return { json: users };
    return bad(404, `no route for ${req.method} ${p}`);
  };

  const server = await startTestServer(handler);
  base = server.url;
  return {
    ...server,
    csrfIssued,
    csrfUsed,
    options: o,
    requestsTo: (prefix) => server.requests.filter((r) => r.path.startsWith(prefix)),
    lines: (prefix = '/') => server.requests.filter((r) => r.path.startsWith(prefix)).map((r) => `${r.method} ${r.url}`),
  };
}

function cookie(req: RecordedRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
