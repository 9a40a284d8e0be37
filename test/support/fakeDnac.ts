/**
 * A Cisco Catalyst Center (DNA Center) test server for `[dnac_network_devices]`, as Cisco documents the API
 * (https://developer.cisco.com/docs/dna-center/: Authentication API, Get Device list):
 * - `POST /dna/system/api/v1/auth/token` with HTTP Basic answers `{"Token": "..."}`; missing or wrong credentials
 *   answer 401 {"error":"Authentication has failed. Please provide valid credentials."}.
 * - Every Intent API request needs `X-Auth-Token`; a missing, unknown or expired token answers 401. Tokens expire
 *   after `tokenUses` requests here (60 minutes on a real server), so renewal is exercised without a clock.
 * - `GET /dna/intent/api/v1/network-device?limit&offset`: 1-based `offset` (below 1: 400), `limit` 1-500 (else
 *   400); `{"response": [...], "version": "1.0"}`, an empty `response` past the end.
 * - Errors of the Intent API are `{"response": {"errorCode", "message", "detail"}, "version": "1.0"}`.
 * - Rate limit: 429 with `Retry-After` on request.
 */
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeDnacOptions {
  username?: string;
  password?: string;
  devices?: number;
  /** Requests a token serves before it expires (the server answers 401 after). */
  tokenUses?: number;
  /** The user may log in but not read the inventory (403). */
  forbidden?: boolean;
}

export interface FakeDnac {
  url: string;
  username: string;
  password: string;
  /** Every request, "METHOD /path?query" (query decoded), in order. */
  log: string[];
  /** Tokens issued, in order. */
  tokens: string[];
  device(i: number): Record<string, unknown>;
  /** The page at this 1-based offset answers 429 with this Retry-After, the next `times` times. */
  throttleOffset(offset: number, times: number, retryAfter: string): void;
  /** The password changes after this many more token requests (the user's password rotated mid-run). */
  changePasswordAfterLogins(logins: number): void;
  close(): Promise<void>;
}

const intentError = (errorCode: string, message: string, detail: string) => ({ response: { errorCode, message, detail }, version: '1.0' });

export function makeDnacDevice(i: number): Record<string, unknown> {
  const family = i % 3 === 0 ? 'Unified AP' : i % 3 === 1 ? 'Switches and Hubs' : 'Routers';
  return {
    id: `d${String(i).padStart(3, '0')}0a1b-2c3d-4e5f-6789-0abcdef01234`,
    hostname: `sw-${i}.campus.example.com`, managementIpAddress: `10.20.${Math.floor(i / 250)}.${i % 250}`,
    macAddress: `00:72:78:54:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`,
    serialNumber: `FCW22${String(i).padStart(4, '0')}A`, platformId: family === 'Routers' ? 'C8300-1N1S-6T' : family === 'Unified AP' ? 'C9130AXI-B' : 'C9300-48U',
    family, series: family === 'Routers' ? 'Cisco Catalyst 8300 Series Edge Platforms' : 'Cisco Catalyst 9300 Series Switches',
    role: i % 2 ? 'ACCESS' : 'DISTRIBUTION', softwareType: 'IOS-XE', softwareVersion: '17.9.4a', upTime: `${i} days, 3:10:05.12`,
    lastUpdated: '2024-11-04 08:10:33', lastUpdateTime: 1730707833000 + i, reachabilityStatus: i === 2 ? 'Unreachable' : 'Reachable',
    collectionStatus: 'Managed', location: null, locationName: null, type: `Cisco Catalyst ${family}`, instanceUuid: `d${i}`,
    instanceTenantId: '5e8e896e4d4add00ca2b6487', lineCardCount: '2', interfaceCount: '59', memorySize: 'NA', tagCount: '0',
    apManagerInterfaceIp: '', associatedWlcIp: '', bootDateTime: '2024-10-01 04:00:00', errorCode: null, errorDescription: null,
  };
}

export async function startFakeDnac(opts: FakeDnacOptions = {}): Promise<FakeDnac> {
  const username = opts.username ?? 'oomnitza-ro';
  let password = opts.password ?? 'Catalyst-Pass-2024';
  const total = opts.devices ?? 5;
  const uses = opts.tokenUses ?? Infinity;
  const log: string[] = [];
  const tokens: string[] = [];
  const live = new Map<string, number>();
  const throttles = new Map<number, { times: number; retryAfter: string }>();
  let loginsUntilChange = Infinity;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)}`);
      if (url.pathname === '/dna/system/api/v1/auth/token') {
        if (req.method !== 'POST') return send(res, 405, { error: 'Method Not Allowed' });
        const [scheme, value] = (req.headers.authorization ?? '').split(' ');
        const given = scheme === 'Basic' ? Buffer.from(value ?? '', 'base64').toString('utf8') : '';
        if (loginsUntilChange-- <= 0) password = `${password}-rotated`;
        if (given !== `${username}:${password}`) return send(res, 401, { error: 'Authentication has failed. Please provide valid credentials.' });
        const token = `eyJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString('base64url')}.sig`;
        tokens.push(token);
        live.set(token, uses);
        return send(res, 200, { Token: token });
      }
      if (!url.pathname.startsWith('/dna/intent/api/v1/')) return send(res, 404, { error: 'Not Found', path: url.pathname });
      const token = req.headers['x-auth-token'] as string | undefined;
      const left = token === undefined ? undefined : live.get(token);
      if (left === undefined || left <= 0) {
        return send(res, 401, intentError('Unauthorized', 'Token expired or invalid', 'Authentication token is missing, invalid or expired'));
      }
      live.set(token!, left - 1);
      if (opts.forbidden) return send(res, 403, intentError('Forbidden', 'Access denied', 'The user does not have the permission to access the resource'));
      if (url.pathname !== '/dna/intent/api/v1/network-device' || req.method !== 'GET') return send(res, 404, intentError('NotFound', 'Not found', url.pathname));
      const q = url.searchParams;
      const offset = Number(q.get('offset') ?? 1);
      const limit = Number(q.get('limit') ?? 500);
      if (!Number.isInteger(offset) || offset < 1) return send(res, 400, intentError('BadRequest', 'Invalid input request', 'offset should be >= 1'));
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return send(res, 400, intentError('BadRequest', 'Invalid input request', 'limit should be between 1 and 500'));
      const throttle = throttles.get(offset);
      if (throttle && throttle.times > 0) {
        throttle.times--;
        return send(res, 429, intentError('TooManyRequests', 'Rate limit exceeded', 'Too many requests, retry later'), { 'retry-after': throttle.retryAfter });
      }
      const items = Array.from({ length: Math.max(0, Math.min(limit, total - offset + 1)) }, (_, k) => makeDnacDevice(offset + k));
      return send(res, 200, { response: items, version: '1.0' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    username,
    get password() {
      return password;
    },
    log,
    tokens,
    device: makeDnacDevice,
    throttleOffset(offset, times, retryAfter) {
      throttles.set(offset, { times, retryAfter });
    },
    changePasswordAfterLogins(logins) {
      loginsUntilChange = logins;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
