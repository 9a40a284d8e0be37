/**
 * A FortiManager JSON-RPC test server for `[fortimanager]`, as the FortiManager JSON API answers
 * (https://how-to-fortimanager-api.readthedocs.io/, 001_fmg_json_api_introduction):
 * - One endpoint, `POST /jsonrpc`, JSON body `{id, method, params: [{url, ...}], session, verbose}`; the HTTP status
 *   is 200 whatever the outcome, which is `result[0].status` ({code: 0, message: "OK"} or an error code).
 * - `exec /sys/login/user` with `data: [{user, passwd}]`: a top-level `session`; wrong credentials -22 "Login fail",
 *   an administrator without JSON API access (rpc-permit none) -11.
 * - Any other call needs a live `session` in the body: unknown, logged out or expired sessions answer -11
 *   "No permission for the resource" (the same code as a real lack of permission). The first session
 *   may expire after `firstSessionUses` calls (the admin idle timeout on a real one).
 * - `get /dvmdb/device` with `fields` (only those keys are returned; an unknown field is -10), optional
 *   `range: [offset, count]`; `exec /sys/logout` ends the session.
 * - A malformed request (not JSON, no method) is -20 "Invalid request"; an unknown url is -6 "Invalid url".
 * - Throttling is not FortiManager's own: a reverse proxy in front answers 429 with Retry-After on request.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeFortiManagerOptions {
  user?: string;
  password?: string;
  devices?: number;
  /** Calls the first session serves before it expires (the admin idle timeout passed); later ones do not expire. */
  firstSessionUses?: number;
  /** The administrator logs in but may not read Device Manager (-11 on /dvmdb/device). */
  noDeviceAccess?: boolean;
}

export interface FakeFortiManager {
  url: string;
  user: string;
  password: string;
  /** Every call, "method url" (e.g. "exec /sys/login/user"), in order. */
  calls: string[];
  /** The bodies of every call, parsed. */
  bodies: Array<Record<string, unknown>>;
  /** Sessions issued, and those still open (not logged out). */
  issued: string[];
  open(): string[];
  device(i: number): Record<string, unknown>;
  /** The next `times` calls answer 429 with this Retry-After (a proxy in front). */
  throttle(times: number, retryAfter: string): void;
  close(): Promise<void>;
}

export function makeFortiDevice(i: number): Record<string, unknown> {
  return {
    name: `FGT-branch-${String(i).padStart(3, '0')}`, sn: `FGT60FTK2209${String(i).padStart(4, '0')}`, oid: 200 + i,
    ip: `10.50.${Math.floor(i / 250)}.${i % 250}`, hostname: `fgt-branch-${i}`, platform_str: i % 4 ? 'FortiGate-60F' : 'FortiGate-100F',
    os_type: 'fos', os_ver: '7.0', mr: 4, patch: 3, build: 2573, conn_status: i === 3 ? 2 : 1, conf_status: 1, db_status: 1,
    dev_status: 'installed', ha_mode: 'standalone', mgmt_mode: 'fmg', adm_usr: 'admin', desc: '', latitude: '48.85', longitude: '2.35',
    vdom: [{ name: 'root', oid: 3, opmode: 'nat', status: null, comments: '' }], flags: ['has_hdd'], source: 'faz',
  };
}

export async function startFakeFortiManager(opts: FakeFortiManagerOptions = {}): Promise<FakeFortiManager> {
  const user = opts.user ?? 'oomnitza-api';
  const password = opts.password ?? 'Forti-Pass-2026';
  const total = opts.devices ?? 4;
  const firstUses = opts.firstSessionUses ?? Infinity;
  const calls: string[] = [];
  const bodies: Array<Record<string, unknown>> = [];
  const issued: string[] = [];
  const live = new Map<string, number>();
  let throttle = { times: 0, retryAfter: '1' };

  const status = (code: number, message: string, url: string, extra: Record<string, unknown> = {}) =>
    ({ id: 1, result: [{ status: { code, message }, url, ...extra }] });
  const send = (res: http.ServerResponse, body: unknown, code = 200, headers: Record<string, string> = {}) => {
    res.writeHead(code, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://x').pathname !== '/jsonrpc') {
        res.writeHead(404, { 'content-type': 'text/html' });
        return res.end('<html><body><h1>404 Not Found</h1></body></html>');
      }
      if (throttle.times > 0) {
        throttle.times--;
        return send(res, { error: 'Too Many Requests' }, 429, { 'retry-after': throttle.retryAfter });
      }
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return send(res, status(-20, 'Invalid request', ''));
      }
      bodies.push(body);
      const param = (Array.isArray(body.params) ? body.params[0] : undefined) as Record<string, unknown> | undefined;
      const url = String(param?.url ?? '').replace(/^\/?/, '/');
      calls.push(`${String(body.method)} ${url}`);
      if (typeof body.method !== 'string' || !param) return send(res, status(-20, 'Invalid request', url));

      if (body.method === 'exec' && url === '/sys/login/user') {
        const data = (Array.isArray(param.data) ? param.data[0] : param.data) as { user?: string; passwd?: string } | undefined;
        if (data?.user !== user || data?.passwd !== password) return send(res, status(-22, 'Login fail', 'sys/login/user'));
        const session = `${randomBytes(30).toString('base64')}`;
        issued.push(session);
        live.set(session, issued.length === 1 ? firstUses : Infinity);
        return send(res, { ...status(0, 'OK', 'sys/login/user'), session });
      }
      const session = typeof body.session === 'string' ? body.session : undefined;
      const left = session === undefined ? undefined : live.get(session);
      if (left === undefined || left <= 0) return send(res, status(-11, 'No permission for the resource', url));
      live.set(session!, left - 1);
      if (body.method === 'exec' && url === '/sys/logout') {
        live.delete(session!);
        return send(res, status(0, 'OK', 'sys/logout'));
      }
      if (body.method === 'get' && url === '/dvmdb/device') {
        if (opts.noDeviceAccess) return send(res, status(-11, 'No permission for the resource', 'dvmdb/device'));
        const fields = Array.isArray(param.fields) ? (param.fields as string[]) : [];
        const all = Array.from({ length: total }, (_, k) => makeFortiDevice(k + 1));
        if (fields.some((f) => !(f in makeFortiDevice(1)))) return send(res, status(-10, 'The data is invalid for selected url', 'dvmdb/device'));
        const range = Array.isArray(param.range) ? (param.range as number[]) : undefined;
        const picked = range ? all.slice(range[0], range[0] + range[1]) : all;
        const data = fields.length ? picked.map((d) => Object.fromEntries(fields.map((f) => [f, d[f]]))) : picked;
        return send(res, status(0, 'OK', 'dvmdb/device', { data }));
      }
      return send(res, status(-6, 'Invalid url', url));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    user,
    password,
    calls,
    bodies,
    issued,
    open: () => [...live.keys()],
    device: makeFortiDevice,
    throttle(times, retryAfter) {
      throttle = { times, retryAfter };
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
