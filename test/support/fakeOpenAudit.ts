/**
 * An Open-AudIT test server for `[open_audit]`, as FirstWave documents the JSON API
 * (https://docs.community.firstwave.com/wiki/spaces/OA/pages/3163950656/API+Examples+for+Postman):
 * - POST /open-audit/index.php/logon with form fields username, password (Accept: application/json): 200 with the
 *   user object and `Set-Cookie: PHPSESSID=...` (plus a second cookie, as newer builds set); wrong credentials: 401
 *   with the request's meta (`header: "HTTP/1.1 401 Unauthorized"`), as the logon controller answers.
 * - Every other call needs the session cookie, else 401 `{errors: [{code, status, title, detail}]}` (our wording).
 * - GET /devices?limit=N&offset=M: `{meta: {filtered: <items on this page>, limit, offset, total}, data: [...]}`;
 *   no limit means every device (JSON has no default limit); a limit or offset that is not a whole number is 400.
 * - GET /devices/{id} -> data [{id, type, attributes}]; ?sub_resource=network | software -> that table's rows.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export interface FakeOpenAuditOptions {
  devices?: number;
  username?: string;
  password?: string;
  /** The user may not read devices (403). */
  forbidden?: boolean;
  /** Devices without a network card. */
  withoutNetwork?: number[];
  /** Devices whose detail read returns no data (deleted meanwhile). */
  emptyDetail?: number[];
}

export interface FakeOpenAudit {
  url: string;
  username: string;
  password: string;
  log: string[];
  statuses: number[];
  logins: number;
  attributes(i: number): Record<string, unknown>;
  network(i: number): Array<Record<string, unknown>>;
  software(i: number): Array<Record<string, unknown>>;
  /** Ends every session after `requests` more requests carrying one (0: now). */
  expireSessions(requests?: number): void;
  /** After `skip` more device list pages, the next `times` answer 429 with Retry-After. */
  throttle(times: number, retryAfter: string, skip?: number): void;
  /** Detail reads of device `id` answer `status` the next `times` times. */
  failDevice(id: number, status: number, times?: number): void;
  close(): Promise<void>;
}

const ROOT = '/open-audit/index.php';

export async function startFakeOpenAudit(opts: FakeOpenAuditOptions = {}): Promise<FakeOpenAudit> {
  const total = opts.devices ?? 5;
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'oa-Pa55word';
  const sessions = new Set<string>();
  const failures = new Map<number, { status: number; times: number }>();
  const log: string[] = [];
  const statuses: number[] = [];
  const state = { logins: 0, expireIn: Infinity, throttleLeft: 0, throttleSkip: 0, retryAfter: '1' };

  const attributes = (i: number) => ({
    id: i, name: `pc-${String(i).padStart(3, '0')}`, hostname: `pc-${i}`, ip: `192.168.1.${i}`, type: 'computer', class: 'desktop',
    manufacturer: 'Dell Inc.', model: 'OptiPlex 7090', serial: `SN${1000 + i}`, os_family: 'Windows 11', os_name: 'Microsoft Windows 11 Pro',
    first_seen: '2024-01-02 03:04:05', last_seen: '2024-07-08 09:10:11', warranty_expires: '2027-01-31', os_installation_date: '2023-12-24',
    end_of_life: '2000-01-01', end_of_service: '2000-01-01', org_id: 1,
  });
  const network = (i: number) => (opts.withoutNetwork?.includes(i) ? [] : [
    { id: 100 + i, type: 'network', attributes: { id: 100 + i, device_id: i, mac: `00:1a:2b:3c:4d:${String(i).padStart(2, '0')}`, manufacturer: 'Intel Corporation', connection: 'Ethernet', current: 'y' } },
    { id: 200 + i, type: 'network', attributes: { id: 200 + i, device_id: i, mac: `00:1a:2b:3c:5e:${String(i).padStart(2, '0')}`, manufacturer: 'Realtek', connection: 'Wi-Fi', current: 'y' } },
  ]);
  const software = (i: number) => Array.from({ length: 1 + (i % 3) }, (_, k) => ({
    id: 1000 * i + k, type: 'software', attributes: { id: 1000 * i + k, device_id: i, name: `App ${k}`, version: `${k}.${i}`, publisher: 'Acme', location: k ? `C:\\Program Files\\App${k}` : '', current: 'y' },
  }));

  const handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    log.push(`${req.method} ${url.pathname}${url.search}`);
    const send = (status: number, payload: unknown, headers: Record<string, string | string[]> = {}) => {
      statuses.push(status);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    const error = (status: number, title: string, detail: string, headers: Record<string, string> = {}) =>
      send(status, { errors: [{ code: `ERR-${status}`, status: `HTTP/1.1 ${status}`, title, detail }] }, headers);
    if (!url.pathname.startsWith(`${ROOT}/`)) return error(404, 'Not Found', 'No such page');
    const path = url.pathname.slice(ROOT.length);

    if (path === '/logon') {
      if (req.method !== 'POST') return error(405, 'Method Not Allowed', 'POST the logon form');
      const form = new URLSearchParams(req.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? body : '');
      if (form.get('username') !== username || form.get('password') !== password) {
        return send(401, { action: 'create', collection: 'logon', format: 'json', header: 'HTTP/1.1 401 Unauthorized', id: null });
      }
      const sid = randomBytes(13).toString('hex');
      sessions.add(sid);
      state.logins++;
      return send(200, { id: 1, name: username, full_name: 'Administrator', roles: ['admin', 'org_admin'], org_id: 1, type: 'user', access_token: '[]' }, {
        'set-cookie': [`PHPSESSID=${sid}; path=/; HttpOnly`, `oa_lang=en; path=/`],
      });
    }
    if (state.expireIn-- <= 0) {
      sessions.clear();
      state.expireIn = Infinity;
    }
    const cookies = Object.fromEntries((req.headers.cookie ?? '').split(';').map((c) => c.trim().split('=')));
    if (!sessions.has(cookies.PHPSESSID ?? '')) return error(401, 'Unauthorized', 'You must log on to access this resource.');
    if (req.method !== 'GET') return error(405, 'Method Not Allowed', 'Read only');
    if (opts.forbidden) return error(403, 'Forbidden', 'You do not have permission to read devices.');

    if (path === '/devices') {
      const q = url.searchParams;
      const whole = (name: string) => q.get(name) === null || /^\d+$/.test(q.get(name)!);
      if (!whole('limit') || !whole('offset')) return error(400, 'Bad Request', 'limit and offset must be whole numbers');
      if (state.throttleSkip > 0) state.throttleSkip--;
      else if (state.throttleLeft > 0) {
        state.throttleLeft--;
        return error(429, 'Too Many Requests', 'Slow down', { 'retry-after': state.retryAfter });
      }
      const offset = Number(q.get('offset') ?? 0);
      const limit = q.get('limit') === null ? total : Number(q.get('limit'));
      const ids = Array.from({ length: total }, (_, k) => k + 1).slice(offset, offset + limit);
      const data = ids.map((i) => ({ id: String(i), type: 'devices', attributes: { 'system.id': i, 'system.name': attributes(i).name, 'system.ip': attributes(i).ip } }));
      return send(200, { meta: { collection: 'devices', filtered: data.length, limit, offset, total, access_token: randomBytes(8).toString('hex') }, data });
    }
    const m = /^\/devices\/(\d+)$/.exec(path);
    if (m) {
      const id = Number(m[1]);
      if (id < 1 || id > total) return error(404, 'Not Found', `No device with id ${id}`);
      const failure = failures.get(id);
      if (failure && failure.times > 0 && !url.searchParams.get('sub_resource')) {
        failure.times--;
        return error(failure.status, 'Injected failure', `device ${id}`);
      }
      const meta = { collection: 'devices', id, filtered: 1, total: 1 };
      switch (url.searchParams.get('sub_resource')) {
        case null:
          return send(200, { meta, data: opts.emptyDetail?.includes(id) ? [] : [{ id: String(id), type: 'devices', attributes: attributes(id) }] });
        case 'network':
          return send(200, { meta, data: network(id) });
        case 'software':
          return send(200, { meta, data: software(id) });
        default:
          return error(400, 'Bad Request', `Unknown sub_resource ${url.searchParams.get('sub_resource')}`);
      }
    }
    return error(404, 'Not Found', `No such collection: ${path}`);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username,
    password,
    log,
    statuses,
    get logins() { return state.logins; },
    attributes,
    network,
    software,
    expireSessions(requests = 0) {
      state.expireIn = requests;
    },
    throttle(times, retryAfter, skip = 0) {
      state.throttleLeft = times;
      state.retryAfter = retryAfter;
      state.throttleSkip = skip;
    },
    failDevice: (id, status, times = 1) => void failures.set(id, { status, times }),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
