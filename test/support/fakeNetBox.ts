/**
 * A NetBox REST API for the [netbox] tests, as NetBox 4.5 answers (netbox/netbox/api/authentication.py,
 * netbox/netbox/api/pagination.py, Django REST framework):
 * - Auth: `Authorization: Token <40 hex>` (v1) or `Authorization: Bearer nbt_<key>.<token>` (v2). Every refusal is
 *   HTTP 403 (session authentication comes first, so DRF does not answer 401): {"detail":"Invalid token"},
 *   {"detail":"Invalid v1 token"} for a v2 token sent as `Token`, {"detail":"Token expired"}, and without a token
 *   (LOGIN_REQUIRED) {"detail":"Authentication credentials were not provided."}. A user without the view
 *   permission gets 403 {"detail":"You do not have permission to perform this action."}.
 * - `GET /api/dcim/devices/?limit=&offset=&ordering=`: `{count, next, previous, results}`, `limit` cut to
 *   MAX_PAGE_SIZE (1000), default PAGINATE_COUNT (50); a `limit` or `offset` that is not a number is ignored (the
 *   default applies), as DRF's LimitOffsetPagination does. `next` is absolute, built from the Host header and the
 *   scheme NetBox saw (`nextOrigin` plays a TLS-terminating proxy that NetBox does not know about).
 * - `GET /api/status/`: {"netbox-version": ...}.
 * - Throttling is a proxy's, not NetBox's: 429 with Retry-After.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeNetBoxOptions {
  devices?: number;
  /** Anonymous reads allowed (LOGIN_REQUIRED = False). */
  anonymous?: boolean;
  /** The token's user may view devices (default true). */
  viewDevices?: boolean;
  /** Scheme and host NetBox puts in `next` (behind a proxy), instead of the one it was reached by. */
  nextOrigin?: string;
}

export interface FakeNetBox {
  url: string;
  v1Token: string;
  v2Token: string;
  /** Every request, "METHOD /path?query" (decoded), with the Authorization scheme, in order. */
  log: string[];
  device(i: number): Record<string, unknown>;
  /** The `n`-th device list request (1-based) answers 429 with Retry-After `retryAfter`. */
  throttle(n: number, retryAfter: string): void;
  /** Both tokens expire after this many more requests. */
  expireTokensAfter(requests: number): void;
  close(): Promise<void>;
}

const MAX_PAGE_SIZE = 1000;
const PAGINATE_COUNT = 50;

export function makeNetBoxDevice(i: number, base: string): Record<string, unknown> {
  const site = (i % 3) + 1;
  return {
    id: i, url: `${base}/api/dcim/devices/${i}/`, display_url: `${base}/dcim/devices/${i}/`, display: `sw-${i}`, name: `sw-${i}`,
    device_type: { id: 7, url: `${base}/api/dcim/device-types/7/`, display: 'C9300-48P', manufacturer: { id: 2, url: `${base}/api/dcim/manufacturers/2/`, display: 'Cisco', name: 'Cisco', slug: 'cisco', description: '' }, model: 'C9300-48P', slug: 'c9300-48p', description: '' },
    role: { id: 3, url: `${base}/api/dcim/device-roles/3/`, display: 'Access switch', name: 'Access switch', slug: 'access-switch', description: '' },
    tenant: i % 4 ? { id: 1, display: 'Acme', name: 'Acme', slug: 'acme', description: '' } : null,
    platform: { id: 4, display: 'Cisco IOS-XE', name: 'Cisco IOS-XE', slug: 'ios-xe', description: '' },
    serial: i % 5 ? `FOC${String(2000 + i)}X` : '', asset_tag: i % 2 ? `NET-${i}` : null,
    site: { id: site, display: `DC${site}`, name: `DC${site}`, slug: `dc${site}`, description: '' },
    location: null, rack: { id: 10 + site, display: `R${site}`, name: `R${site}`, description: '' }, position: (i % 42) + 1, face: { value: 'front', label: 'Front' },
    status: i % 9 ? { value: 'active', label: 'Active' } : { value: 'offline', label: 'Offline' },
    primary_ip: i % 6 ? { id: 100 + i, display: `10.20.0.${i % 250}/24`, family: { value: 4, label: 'IPv4' }, address: `10.20.0.${i % 250}/24`, description: '' } : null,
    primary_ip4: null, primary_ip6: null, oob_ip: null, cluster: null, virtual_chassis: null, vc_position: null, vc_priority: null,
    description: '', comments: '', config_template: null, config_context: {}, local_context_data: null,
    tags: i % 2 ? [{ id: 1, display: 'core', name: 'core', slug: 'core', color: '9e9e9e' }] : [],
    custom_fields: { warranty_end: i % 3 ? '2027-03-31' : null, purchase_order: `PO-${i}` },
    created: '2024-05-01T08:00:00.000000Z', last_updated: '2025-11-20T10:15:00.000000Z',
    console_port_count: 1, interface_count: 52, power_port_count: 2, module_bay_count: 1, inventory_item_count: 0,
  };
}

export async function startFakeNetBox(opts: FakeNetBoxOptions = {}): Promise<FakeNetBox> {
  const total = opts.devices ?? 5;
  const v1Token = '0123456789abcdef0123456789abcdef01234567';
  const v2Token = 'nbt_Kx7pQ2vL9mRa.h4Tn8Wc2Yf6Jd1Sb5Gz3Lq9Xv0Pe7Ru';
  const log: string[] = [];
  const throttles = new Map<number, string>();
  let listCalls = 0;
  let requestsLeft = Infinity;
  let base = '';

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'api-version': '4.5', ...headers });
    res.end(JSON.stringify(body));
  };
  /** undefined when the request may go on, else the refusal's detail. */
  const refusal = (header: string | undefined): string | undefined => {
    if (!header) return opts.anonymous ? undefined : 'Authentication credentials were not provided.';
    const [scheme, value = ''] = header.split(' ');
    const known = (scheme === 'Token' && value === v1Token) || (scheme === 'Bearer' && value === v2Token);
    if (scheme === 'Token' && value.startsWith('nbt_')) return 'Invalid v1 token';
    if (!known) return 'Invalid token';
    if (requestsLeft <= 0) return 'Token expired';
    requestsLeft--;
    return undefined;
  };

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)} [${(req.headers.authorization ?? 'none').split(' ')[0]}]`);
      const refused = refusal(req.headers.authorization);
      if (refused) return send(res, 403, { detail: refused });
      if (req.method !== 'GET') return send(res, 405, { detail: `Method "${req.method}" not allowed.` });
      if (url.pathname === '/api/status/') return send(res, 200, { 'django-version': '5.2.8', 'netbox-version': '4.5.2', 'python-version': '3.12.3', plugins: {}, 'rq-workers-running': 1 });
      if (url.pathname !== '/api/dcim/devices/') return send(res, 404, { detail: 'Not found.' });
      if (opts.viewDevices === false) return send(res, 403, { detail: 'You do not have permission to perform this action.' });
      const retryAfter = throttles.get(++listCalls);
      if (retryAfter) return send(res, 429, { detail: 'Too many requests' }, { 'retry-after': retryAfter });
      const q = url.searchParams;
      const asInt = (v: string | null) => (v !== null && /^\d+$/.test(v) ? Number(v) : undefined);
      const requested = asInt(q.get('limit'));
      const limit = requested === undefined ? PAGINATE_COUNT : requested === 0 ? MAX_PAGE_SIZE : Math.min(requested, MAX_PAGE_SIZE);
      const offset = asInt(q.get('offset')) ?? 0;
      const ids = Array.from({ length: total }, (_, k) => k + 1);
      if (q.get('ordering') !== 'id') ids.sort((a, b) => (`sw-${a}` < `sw-${b}` ? -1 : 1));
      const origin = opts.nextOrigin ?? `http://${req.headers.host}`;
      const link = (o: number) => {
        const p = new URLSearchParams(q);
        p.set('limit', String(limit));
        if (o > 0) p.set('offset', String(o));
        else p.delete('offset');
        return `${origin}${url.pathname}?${p.toString()}`;
      };
      return send(res, 200, {
        count: total,
        next: offset + limit < total ? link(offset + limit) : null,
        previous: offset > 0 ? link(Math.max(0, offset - limit)) : null,
        results: ids.slice(offset, offset + limit).map((i) => makeNetBoxDevice(i, base)),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    v1Token,
    v2Token,
    log,
    device: (i) => makeNetBoxDevice(i, base),
    throttle(n, retryAfter) {
      throttles.set(n, retryAfter);
    },
    expireTokensAfter(requests) {
      requestsLeft = requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
