/**
 * A Quest KACE SMA test server for `[kace]`, as the API reference describes the appliance
 * (https://support.quest.com/technical-documents/kace-systems-management-appliance/13.1-common-documents/api-reference-guide/):
 * - POST /ams/shared/api/security/login {userName, password, organizationName} opens a session: Set-Cookie
 *   `kboxid`. `generation: 'legacy'` (before 12.1) also answers `x-dell-csrf-token`, which every later call must
 *   send back, and accepts `x-dell-api-version`; `generation: 'modern'` (12.1 and later) sends no CSRF token and
 *   refuses any request, the login too, without `x-kace-api-version` (HTTP 400).
 * - GET /api/inventory/machines?shaping=...&paging=limit N offset M -> {"Machines": [...]}, at most min(N, maxLimit);
 *   a malformed `paging` is 400; no session (or an expired one) 401; a legacy call without its CSRF token 401.
 * - `throttle` answers 429 with Retry-After. Error bodies {"errorDescription": ...} are our wording.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeKaceOptions {
  machines?: number;
  maxLimit?: number;
  generation?: 'legacy' | 'modern';
  /** The user's role may not read the inventory (403). */
  forbidden?: boolean;
}

export interface FakeKace {
  url: string;
  username: string;
  password: string;
  organization: string;
  log: string[];
  statuses: number[];
  logins: number;
  /** Headers of every inventory request. */
  inventoryHeaders: http.IncomingHttpHeaders[];
  machine(i: number): Record<string, unknown>;
  /** Every session so far expires after `requests` more inventory requests (the next one answers 401). */
  expireSessions(requests?: number): void;
  throttle(times: number, retryAfter: string, skip?: number): void;
  close(): Promise<void>;
}

export function makeMachine(i: number): Record<string, unknown> {
  return {
    Id: String(i), Name: `PC-${i}`, Mac: `00:1A:2B:3C:4D:${String(i).padStart(2, '0')}`, Ip: `10.1.0.${i}`,
    Os_name: 'Microsoft Windows 11 Pro x64', Cs_manufacturer: 'Dell Inc.', Cs_model: 'OptiPlex 7010',
    Bios_serial_number: `KSN${i}`, Ram_total: '16384', User_logged: i % 2 ? `CORP\\user${i}` : 'empty',
    Last_inventory: `2026-11-0${(i % 9) + 1} 10:00:00`, Last_sync: i === 2 ? '0000-00-00 00:00:00' : `2026-11-1${i % 10} 12:30:00`,
    ...(i === 4 ? {} : { Software: Array.from({ length: i % 3 }, (_, k) => ({ Id: String(100 + k), DISPLAY_NAME: `Program ${k}`, DISPLAY_VERSION: `${i}.${k}`, PUBLISHER: 'Vendor' })) }),
  };
}

export async function startFakeKace(opts: FakeKaceOptions = {}): Promise<FakeKace> {
  const total = opts.machines ?? 5;
  const maxLimit = opts.maxLimit ?? 1000;
  const legacy = (opts.generation ?? 'modern') === 'legacy';
  const username = 'admin';
  const password = 'kace-admin-pw-4711';
  const organization = 'Default';
  const sessions = new Map<string, string>(); // kboxid -> csrf token
  const log: string[] = [];
  const statuses: number[] = [];
  const inventoryHeaders: http.IncomingHttpHeaders[] = [];
  const state = { logins: 0, n: 0, expireIn: Infinity, throttleLeft: 0, throttleSkip: 0, retryAfter: '1' };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const versionOk = (h: http.IncomingHttpHeaders) => (legacy ? Boolean(h['x-dell-api-version'] || h['x-kace-api-version']) : Boolean(h['x-kace-api-version']));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${req.url}`);
      if (!versionOk(req.headers)) return send(res, 400, { errorDescription: `Missing API version header (${legacy ? 'x-dell-api-version' : 'x-kace-api-version'})` });
      if (url.pathname === '/ams/shared/api/security/login') {
        if (req.method !== 'POST') return send(res, 405, { errorDescription: 'Method not allowed' });
        let creds: Record<string, unknown> = {};
        try {
          creds = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          return send(res, 400, { errorDescription: 'Malformed JSON' });
        }
        if (creds.userName !== username || creds.password !== password || creds.organizationName !== organization) {
          return send(res, 401, { errorDescription: 'Invalid username, password or organization' });
        }
        state.logins++;
        const id = `kb${++state.n}${Math.random().toString(36).slice(2, 10)}`;
        const csrf = `csrf-${state.n}-${Math.random().toString(36).slice(2, 12)}`;
        sessions.set(id, csrf);
        // The appliance marks kboxid Secure; this server speaks plain http, where a client rightly withholds a
        // Secure cookie (the cookie jar follows RFC 6265), so it is sent without the attribute here.
        return send(res, 200, { result: 'success' }, {
          'set-cookie': [`kboxid=${id}; path=/; HttpOnly`, 'KACE_LAST_ORG=Default; path=/'],
          ...(legacy ? { 'x-dell-csrf-token': csrf } : {}),
        });
      }
      if (url.pathname !== '/api/inventory/machines') return send(res, 404, { errorDescription: 'Not found' });
      inventoryHeaders.push(req.headers);
      if (state.expireIn-- <= 0) {
        sessions.clear();
        state.expireIn = Infinity;
      }
      const cookie = /(?:^|;\s*)kboxid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
      if (!cookie || !sessions.has(cookie)) return send(res, 401, { errorDescription: 'Authentication required' });
      if (legacy && req.headers['x-dell-csrf-token'] !== sessions.get(cookie)) return send(res, 401, { errorDescription: 'Invalid CSRF token' });
      if (opts.forbidden) return send(res, 403, { errorDescription: 'Access denied: insufficient permissions' });
      if (state.throttleSkip > 0) state.throttleSkip--;
      else if (state.throttleLeft > 0) {
        state.throttleLeft--;
        return send(res, 429, { errorDescription: 'Too many requests' }, { 'retry-after': state.retryAfter });
      }
      const paging = /^limit (\d+) offset (\d+)$/.exec(url.searchParams.get('paging') ?? '');
      if (!paging) return send(res, 400, { errorDescription: `Invalid paging: ${url.searchParams.get('paging')}` });
      if (!/software/.test(url.searchParams.get('shaping') ?? '')) return send(res, 400, { errorDescription: 'test server: shaping must ask for software' });
      const limit = Math.min(Number(paging[1]), maxLimit);
      const offset = Number(paging[2]);
      const machines = Array.from({ length: total }, (_, k) => makeMachine(k + 1)).slice(offset, offset + limit);
      return send(res, 200, { Machines: machines });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username, password, organization, log, statuses, inventoryHeaders,
    get logins() { return state.logins; },
    machine: makeMachine,
    expireSessions(requests = 0) { state.expireIn = requests; },
    throttle(times, retryAfter, skip = 0) { state.throttleLeft = times; state.retryAfter = retryAfter; state.throttleSkip = skip; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
