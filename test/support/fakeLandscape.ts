/**
 * A Canonical Landscape test server for the `[landscape]` source, both APIs as documented
 * (https://documentation.ubuntu.com/landscape/ reference/api/rest-api-endpoints/, reference/api/legacy-api-endpoints/,
 * how-to-guides/api/use-the-legacy-api-via-http-requests):
 * - REST: POST /api/v2/login {email, password, account?, expiry_minutes?} -> {token (an HS256 JWT with exp), email,
 *   name, accounts, current_account}; every other /api/v2 call needs `Authorization: Bearer <token>` whose
 *   signature and exp this server checks. GET /api/v2/computers and /api/v2/computers/{id}/packages page with
 *   limit/offset and answer {count, results, next, previous}; `next` is an absolute URL on `publicOrigin` (Landscape
 *   writes its own public host there).
 * - Legacy: GET /api/?action=...&version=..., signed: the server rebuilds the canonical query from the parameters it
 *   received (all but `signature`, sorted by name, RFC 3986-encoded), the string to sign from the method, its Host
 *   header and the path, and compares the HMAC-SHA256 under the access key's secret byte for byte; the timestamp
 *   must be within 15 minutes of its clock. Answers are bare JSON lists (GetComputers, GetPackages).
 * - Errors are {"error": "<Code>", "message": "..."}; the codes and messages for refused credentials are our
 *   wording (the documentation does not list them). `throttle` answers 429 with Retry-After.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLandscapeOptions {
  computers?: number;
  /** Packages installed on computer i (default 2 + i % 3). */
  packages?: (i: number) => number;
  /** The server's cap on `limit` (Landscape's default is 1000); small values make every list page. */
  maxLimit?: number;
  email?: string;
  password?: string;
  accessKey?: string;
  secretKey?: string;
  /** Minutes a JWT lives when the login does not say (Landscape: 1440). */
  tokenMinutes?: number;
  /** An old self-hosted server: no REST API (404 under /api/v2). */
  noRest?: boolean;
  /** The account may not view computers (403). */
  forbidden?: boolean;
  /** Origin written into `next`; default Landscape SaaS, so a client that follows it blindly leaves the test. */
  publicOrigin?: string;
}

export interface FakeLandscape {
  url: string;
  email: string;
  password: string;
  accessKey: string;
  secretKey: string;
  /** Every request, "METHOD /path?query" with the signature parameters left out of legacy queries. */
  log: string[];
  statuses: number[];
  logins: number;
  computer(i: number, rest?: boolean): Record<string, unknown>;
  packageNames(i: number): string[];
  /** Every token issued so far expires after `requests` more REST requests with a token (0: now): the next answers 401. */
  expireTokens(requests?: number): void;
  /** After `skip` more computer-list requests, the next `times` answer 429 with Retry-After. */
  throttle(times: number, retryAfter: string, skip?: number): void;
  /** Package requests of computer `id` answer `status` the next `times` times. */
  failPackages(id: number, status: number, times?: number): void;
  close(): Promise<void>;
}

const SIGNING_KEY = 'fake-landscape-jwt-signing-key';
const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');
const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function makeJwt(payload: Record<string, unknown>): string {
  const head = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64url(JSON.stringify(payload))}`;
  return `${head}.${createHmac('sha256', SIGNING_KEY).update(head).digest('base64url')}`;
}

function readJwt(token: string): Record<string, unknown> | undefined {
  const [h, p, sig] = token.split('.');
  if (!h || !p || !sig) return undefined;
  const expected = createHmac('sha256', SIGNING_KEY).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const at = (h: number) => new Date(Date.UTC(2024, 6, 10, 22) + h * 60_000).toISOString().replace(/\.\d+Z$/, 'Z');

/** Computer i as GetComputers / GET /computers describe it, with the details the with_* flags add. */
export function makeComputer(i: number, rest = true): Record<string, unknown> {
  const computer: Record<string, unknown> = {
    id: i, title: `Application Server ${i}`, comment: '', hostname: `appserv${i}`, total_memory: 1024 * i, total_swap: 1024,
    reboot_required_flag: i % 4 === 0, update_manager_prompt: 'normal', clone_id: null, last_exchange_time: null,
    last_ping_time: at(i), tags: i % 2 ? ['server', 'webfarm'] : ['desktop'], access_group: 'global',
    distribution: i % 2 ? '22.04' : '24.04', cloud_instance_metadata: {}, vm_info: null, container_info: null,
    network_devices: [{ interface: 'eth0', ip_address: `192.168.1.${i}`, mac_address: `00:1e:c9:6c:b8:${String(i).padStart(2, '0')}`, broadcast_address: '192.168.1.255', netmask: '255.255.255.0' }],
    annotations: { asset_tag: `AT-${i}` },
    hardware: [['system.serial', 'Serial', `SER${i}`], ['system.vendor', 'Vendor', 'Lenovo'], ['memory.size', 'Memory', 16_384]],
  };
  if (rest) {
    Object.assign(computer, {
      ubuntu_pro_info: null, is_wsl_instance: false, children: [], parent: null,
      grouped_hardware: { system: { model: 'ThinkPad X1', vendor: 'Lenovo', serial: `SER${i}`, chassis: 'Notebook', bios_vendor: 'LENOVO', bios_date: '2023-01-01', bios_version: '1.0', bios_capabilities: [] }, memory: { size: '16 GB' }, cpu: [{ vendor: 'Intel', model: 'Core i7', clock_speed: '3.0 GHz', architecture: 'x86_64', cache: {}, flags: [] }] },
    });
  }
  return computer;
}

export async function startFakeLandscape(opts: FakeLandscapeOptions = {}): Promise<FakeLandscape> {
  const total = opts.computers ?? 5;
  const packageCount = opts.packages ?? ((i: number) => 2 + (i % 3));
  const maxLimit = opts.maxLimit ?? 1000;
  const email = opts.email ?? 'jane@example.com';
  const password = opts.password ?? 'jane-landscape-pwd';
  const accessKey = opts.accessKey ?? '0GS7553JW74RRM612K02';
  const secretKey = opts.secretKey ?? 'sA2cXt7/kq+Wm9RbT4vYh1LzN8eP3uF6gD0jC5oE';
  const log: string[] = [];
  const statuses: number[] = [];
  const packageFailures = new Map<number, { status: number; times: number }>();
  let throttleLeft = 0;
  let throttleSkip = 0;
  let throttleAfter = '1';
  let expiredBefore = 0;
  let expireIn = Infinity;
  let issued = 0;
  let origin = '';
  const state = { logins: 0 };

  const packageNames = (i: number) => Array.from({ length: packageCount(i) }, (_, k) => `pkg-${String(k).padStart(3, '0')}`);
  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const selectComputers = (query: string): number[] | undefined => {
    const all = Array.from({ length: total }, (_, k) => k + 1);
    if (!query) return all;
    const id = /^id:(\d+)$/.exec(query);
    if (id) return all.filter((i) => i === Number(id[1]));
    const tag = /^tag:(\S+)$/.exec(query);
    if (tag) return all.filter((i) => (makeComputer(i).tags as string[]).includes(tag[1]));
    return undefined;
  };
  const window = (q: URLSearchParams) => {
    const limit = Math.min(Number(q.get('limit') ?? 1000) || 1000, maxLimit);
    const offset = Number(q.get('offset') ?? 0) || 0;
    return { limit, offset };
  };
  const failPackage = (res: http.ServerResponse, id: number): boolean => {
    const failure = packageFailures.get(id);
    if (!failure || failure.times <= 0) return false;
    failure.times--;
    send(res, failure.status, { error: failure.status >= 500 ? 'InternalServerError' : 'Forbidden', message: 'Injected failure' });
    return true;
  };
  const throttled = (res: http.ServerResponse): boolean => {
    if (throttleSkip > 0) {
      throttleSkip--;
      return false;
    }
    if (throttleLeft <= 0) return false;
    throttleLeft--;
    send(res, 429, { error: 'TooManyRequests', message: 'Too many requests' }, { 'retry-after': throttleAfter });
    return true;
  };

  const legacy = (req: http.IncomingMessage, url: URL, res: http.ServerResponse) => {
    const q = url.searchParams;
    if (req.headers.authorization?.startsWith('Bearer ')) return send(res, 401, { error: 'Unauthorized', message: 'JWT authentication is not accepted by this test server' });
    if (q.get('signature_method') !== 'HmacSHA256' || q.get('signature_version') !== '2') {
      return send(res, 401, { error: 'Unauthorized', message: 'signature_method must be HmacSHA256 and signature_version 2' });
    }
    if (q.get('access_key_id') !== accessKey) return send(res, 401, { error: 'Unauthorized', message: 'Unknown access key' });
    const stamp = q.get('timestamp') ?? '';
    if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(stamp) || Math.abs(Date.parse(stamp) - Date.now()) > 15 * 60_000) {
      return send(res, 401, { error: 'Unauthorized', message: 'The timestamp is missing or too far from the server time' });
    }
    const params = [...q].filter(([k]) => k !== 'signature');
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    params.sort(([a, x], [b, y]) => Buffer.compare(bytes(a), bytes(b)) || Buffer.compare(bytes(x), bytes(y)));
    const canonical = params.map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`).join('&');
    const toSign = `${req.method}\n${(req.headers.host ?? '').toLowerCase()}\n${url.pathname}\n${canonical}`;
    const expected = createHmac('sha256', secretKey).update(toSign, 'utf8').digest();
    const given = Buffer.from(q.get('signature') ?? '', 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return send(res, 401, { error: 'Unauthorized', message: 'Invalid signature' });
    if (!q.get('version')) return send(res, 400, { error: 'InvalidParameter', message: 'version is required' });
    if (opts.forbidden) return send(res, 403, { error: 'Forbidden', message: 'You are not allowed to view computers' });
    const selected = selectComputers(q.get('query') ?? '');
    if (!selected) return send(res, 400, { error: 'InvalidQueryError', message: `Invalid query: ${q.get('query')}` });
    const { limit, offset } = window(q);
    switch (q.get('action')) {
      case 'GetComputers':
        if (throttled(res)) return;
        return send(res, 200, selected.slice(offset, offset + limit).map((i) => makeComputer(i, false)));
      case 'GetPackages': {
        const id = selected.length === 1 ? selected[0] : 0;
        if (id && failPackage(res, id)) return;
        const names = selected.flatMap((i) => packageNames(i).map((name) => ({ name, i })));
        return send(res, 200, names.slice(offset, offset + limit).map(({ name, i }) => ({
          name, summary: `The ${name} package`, version: `1.${i}.0-1ubuntu1`,
          computers: { installed: [i], available: [i], upgrades: [], held: [] },
        })));
      }
      default:
        return send(res, 400, { error: 'UnknownAction', message: `Unknown action: ${q.get('action')}` });
    }
  };

  const rest = (req: http.IncomingMessage, url: URL, body: string, res: http.ServerResponse) => {
    const path = url.pathname.slice('/api/v2'.length);
    if (opts.noRest) return send(res, 404, { error: 'NotFound', message: 'Not found' });
    if (path === '/login') {
      if (req.method !== 'POST') return send(res, 405, { error: 'MethodNotAllowed', message: 'Use POST' });
      let creds: { email?: unknown; password?: unknown; account?: unknown; expiry_minutes?: unknown } = {};
      try {
        creds = JSON.parse(body) as typeof creds;
      } catch {
        return send(res, 400, { error: 'InvalidParameter', message: 'The body must be JSON' });
      }
      if (creds.email !== email || creds.password !== password) return send(res, 401, { error: 'InvalidCredentials', message: 'Invalid email or password' });
      if (creds.account !== undefined && creds.account !== 'onward') return send(res, 401, { error: 'InvalidCredentials', message: `Unknown account: ${String(creds.account)}` });
      state.logins++;
      const now = Math.floor(Date.now() / 1000);
      const minutes = typeof creds.expiry_minutes === 'number' ? creds.expiry_minutes : opts.tokenMinutes ?? 1440;
      const token = makeJwt({ exp: now + minutes * 60, iat: now, sub: email, acc: 'onward', id: 1, n: ++issued });
      return send(res, 200, { token, email, name: 'Jane Smith', accounts: [{ name: 'onward', title: 'Onward, Inc.', default: true }], current_account: 'onward' });
    }
    const [scheme, token] = (req.headers.authorization ?? '').split(' ');
    const claims = scheme === 'Bearer' && token ? readJwt(token) : undefined;
    if (!claims) return send(res, 401, { error: 'Unauthorized', message: 'Authentication credentials were not provided or are invalid' });
    if (expireIn-- <= 0) {
      expiredBefore = issued;
      expireIn = Infinity;
    }
    if (Number(claims.exp) * 1000 <= Date.now() || Number(claims.n) <= expiredBefore) return send(res, 401, { error: 'Unauthorized', message: 'Token has expired' });
    if (req.method !== 'GET') return send(res, 405, { error: 'MethodNotAllowed', message: 'Use GET' });
    if (opts.forbidden) return send(res, 403, { error: 'Forbidden', message: 'You are not allowed to view computers' });
    const q = url.searchParams;
    const { limit, offset } = window(q);
    const page = (items: unknown[], count: number) => {
      const link = (n: number) => {
        const params = new URLSearchParams(q);
        params.set('limit', String(limit));
        params.set('offset', String(n));
        return `${opts.publicOrigin ?? 'https://landscape.canonical.com'}${url.pathname}?${params}`;
      };
      return { count, results: items, next: offset + limit < count ? link(offset + limit) : null, previous: offset > 0 ? link(Math.max(0, offset - limit)) : null };
    };
    if (path === '/computers') {
      if (throttled(res)) return;
      const selected = selectComputers(q.get('query') ?? '');
      if (!selected) return send(res, 400, { error: 'InvalidQueryError', message: `Invalid query: ${q.get('query')}` });
      return send(res, 200, page(selected.slice(offset, offset + limit).map((i) => makeComputer(i)), selected.length));
    }
    const packages = /^\/computers\/(\d+)\/packages$/.exec(path);
    if (packages) {
      const id = Number(packages[1]);
      if (id < 1 || id > total) return send(res, 404, { error: 'NotFound', message: `Unknown computer ${id}` });
      if (failPackage(res, id)) return;
      const names = packageNames(id);
      return send(res, 200, page(names.slice(offset, offset + limit).map((name) => ({
        name, summary: `The ${name} package`, status: 'installed', current_version: `1.${id}.0-1ubuntu1`, available_version: `1.${id}.0-1ubuntu1`,
      })), names.length));
    }
    return send(res, 404, { error: 'NotFound', message: 'Not found' });
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const shown = new URLSearchParams([...url.searchParams].filter(([k]) => !['access_key_id', 'signature_method', 'signature_version', 'timestamp', 'signature'].includes(k)));
      log.push(`${req.method} ${url.pathname}${shown.size ? `?${decodeURIComponent(shown.toString())}` : ''}`);
      if (url.pathname === '/api/' || url.pathname === '/api') return legacy(req, url, res);
      if (url.pathname.startsWith('/api/v2/')) return rest(req, url, Buffer.concat(chunks).toString('utf8'), res);
      return send(res, 404, { error: 'NotFound', message: 'Not found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    email,
    password,
    accessKey,
    secretKey,
    log,
    statuses,
    get logins() {
      return state.logins;
    },
    computer: makeComputer,
    packageNames,
    expireTokens(requests = 0) {
      if (requests === 0) expiredBefore = issued;
      else expireIn = requests;
    },
    throttle(times, retryAfter, skip = 0) {
      throttleLeft = times;
      throttleAfter = retryAfter;
      throttleSkip = skip;
    },
    failPackages(id, status, times = 1) {
      packageFailures.set(id, { status, times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
