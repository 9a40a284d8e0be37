/**
 * A Tanium test server for `[tanium]`, as the REST API and the Asset module behave
 * (https://developer.tanium.com/site/global/docs/how_tos/auth/index.gsp, reference/sources.md §22):
 * - POST /api/v2/session/login {username, password, domain} -> {data: {session}}; wrong credentials 403
 *   {"text": ...}. Every other call needs the `session` header: a live login session, or an API token
 *   (`token-...`, sent verbatim). A session that expired (idle timeout) or was logged out is refused with 403.
 * - POST /api/v2/session/logout {session} ends the session.
 * - GET /plugin/products/asset/v1/assets?limit=N&minimumAssetId=M[&viewId=V]: the assets with id >= M, at most
 *   min(N, maxLimit), as {data, meta: {nextAssetId}}; limit must be 1-500 and minimumAssetId a whole number
 *   (else 400); an unknown viewId is 400. Asset ids have gaps, so only nextAssetId tells where the next page starts.
 * - `throttle` answers 429 with Retry-After; the wording of error texts is ours.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTaniumOptions {
  assets?: number;
  /** The server's cap on assets per page; small values make every read page. */
  maxLimit?: number;
  /** The account lacks Asset Report Read (403 on assets with a valid session). */
  forbidden?: boolean;
  /** meta.nextAssetId repeats the page's own start (a broken server). */
  stuck?: boolean;
}

export interface FakeTanium {
  url: string;
  username: string;
  password: string;
  domain: string;
  apiToken: string;
  views: string[];
  /** "METHOD /path?query" per request. */
  log: string[];
  statuses: number[];
  logins: number;
  logouts: number;
  /** Session headers seen on asset requests. */
  sessionsSeen: string[];
  asset(i: number): Record<string, unknown>;
  /** Every login session issued so far expires after `requests` more asset requests (the next one answers 403). */
  expireSessions(requests?: number): void;
  /** After `skip` more asset requests, the next `times` answer 429 with Retry-After. */
  throttle(times: number, retryAfter: string, skip?: number): void;
  close(): Promise<void>;
}

/** Asset ids 1, 3, 4, 6, 7, 9, ...: gaps, as deleted assets leave. */
export const assetId = (i: number) => i + Math.floor((i - 1) / 2);

export function makeAsset(i: number): Record<string, unknown> {
  return {
    id: assetId(i), computer_name: `ws${i}.example.com`, computer_id: String(1000 + i), serial_number: `TSN${i}`,
    manufacturer: 'Dell Inc.', model: 'Latitude 7440', os_platform: 'Windows', os_name: 'Windows 11 Enterprise',
    ip_address: `10.0.0.${i}`, mac_address: `00:50:56:00:00:${String(i).padStart(2, '0')}`, ram: `${8 * i} GB`,
    last_seen_at: `2026-11-${String(i).padStart(2, '0')}T08:00:00Z`, user_name: `user${i}`,
    ci_installed_application: i % 3 === 0 ? null : Array.from({ length: i % 3 }, (_, k) => ({ name: `App ${k}`, version: `${i}.${k}`, silent_uninstall_string: '' })),
  };
}

export async function startFakeTanium(opts: FakeTaniumOptions = {}): Promise<FakeTanium> {
  const total = opts.assets ?? 5;
  const maxLimit = opts.maxLimit ?? 500;
  const username = 'svc-oomnitza';
  const password = 'tanium-pass-9871';
  const domain = 'CORP';
  const apiToken = 'token-6f1c0e2d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29180';
  const views = ['17'];
  const live = new Set<string>();
  const log: string[] = [];
  const statuses: number[] = [];
  const sessionsSeen: string[] = [];
  const state = { logins: 0, logouts: 0, issued: 0, expireIn: Infinity, throttleLeft: 0, throttleSkip: 0, retryAfter: '1' };

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const authorized = (session: string | undefined) => session !== undefined && (session === apiToken || live.has(session));

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${url.search ? decodeURIComponent(url.search) : ''}`);
      const body = Buffer.concat(chunks).toString('utf8');
      const session = typeof req.headers.session === 'string' ? req.headers.session : undefined;
      if (url.pathname === '/api/v2/session/login') {
        if (req.method !== 'POST') return send(res, 405, { text: 'Method not allowed' });
        let creds: Record<string, unknown>;
        try {
          creds = JSON.parse(body) as Record<string, unknown>;
        } catch {
          return send(res, 400, { text: 'Malformed JSON' });
        }
        if (creds.username !== username || creds.password !== password || (creds.domain ?? '') !== domain) {
          return send(res, 403, { text: 'Invalid credentials' });
        }
        state.logins++;
        const token = `${state.issued++}-${Math.random().toString(36).slice(2)}-${Date.now().toString(16)}`;
        live.add(token);
        return send(res, 200, { data: { session: token } });
      }
      if (url.pathname === '/api/v2/session/logout') {
        const given = (() => {
          try {
            return (JSON.parse(body) as { session?: string }).session;
          } catch {
            return undefined;
          }
        })() ?? session;
        if (!given || !live.delete(given)) return send(res, 403, { text: 'Not Authorized' });
        state.logouts++;
        return send(res, 200, { data: {} });
      }
      if (url.pathname !== '/plugin/products/asset/v1/assets') return send(res, 404, { text: 'Not found' });
      if (state.expireIn-- <= 0) {
        for (const t of live) live.delete(t);
        state.expireIn = Infinity;
      }
      if (!authorized(session)) return send(res, 403, { text: 'Not Authorized' });
      sessionsSeen.push(session!);
      if (opts.forbidden) return send(res, 403, { text: 'Forbidden: the user lacks the Asset Report Read permission' });
      if (state.throttleSkip > 0) state.throttleSkip--;
      else if (state.throttleLeft > 0) {
        state.throttleLeft--;
        return send(res, 429, { text: 'Too many requests' }, { 'retry-after': state.retryAfter });
      }
      const q = url.searchParams;
      const limit = Number(q.get('limit'));
      const from = Number(q.get('minimumAssetId') ?? '1');
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) return send(res, 400, { text: 'limit must be between 1 and 500' });
      if (!Number.isInteger(from) || from < 0) return send(res, 400, { text: 'minimumAssetId must be a whole number' });
      const view = q.get('viewId');
      if (view !== null && !views.includes(view)) return send(res, 400, { text: `view ${view} not found` });
      const page = Array.from({ length: total }, (_, k) => k + 1).filter((i) => assetId(i) >= from).slice(0, Math.min(limit, maxLimit));
      const data = page.map((i) => {
        const asset = makeAsset(i);
        // A view limits the attributes.
        return view ? { id: asset.id, computer_name: asset.computer_name, serial_number: asset.serial_number } : asset;
      });
      const last = data.length ? Number(data[data.length - 1].id) : from;
      return send(res, 200, { data, meta: { nextAssetId: opts.stuck ? from : last + 1, count: data.length } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    username, password, domain, apiToken, views, log, statuses, sessionsSeen,
    get logins() { return state.logins; },
    get logouts() { return state.logouts; },
    asset: makeAsset,
    expireSessions(requests = 0) { state.expireIn = requests; },
    throttle(times, retryAfter, skip = 0) { state.throttleLeft = times; state.retryAfter = retryAfter; state.throttleSkip = skip; },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
