/**
 * (Network devices and inventory; test/support/fakeMeraki.ts is the Systems Manager side of the same API.)
 * A Meraki Dashboard API v1 test server for `[meraki_network_devices]`, as Meraki documents it
 * (https://developer.cisco.com/meraki/api-v1/: errors, pagination, rate-limit):
 * - Auth: `X-Cisco-Meraki-API-Key: <key>` (or `Authorization: Bearer <key>`); a missing or wrong key answers 401
 *   {"errors":["Invalid API key"]}. An organization the key cannot access answers 404 {"errors":["Not found"]}.
 * - Lists (`/organizations`, `/organizations/{id}/networks`, `/organizations/{id}/inventory/devices`) take
 *   `perPage` within the documented range (else 400) and opaque `startingAfter` tokens: only tokens this server put
 *   in a `Link: <...>; rel=first, <...>; rel=next` header are accepted (else 400), so a client that invents cursors
 *   fails. A page may hold fewer items than `perPage` (`pageCap`) and still have a next link.
 * - `/networks/{id}/devices` is one unpaged list. The original's `/organizations/{id}/inventoryDevices` is gone (404).
 * - Rate limit: 429 {"errors":["API rate limit exceeded for organization"]} with `Retry-After` on request.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeMerakiOptions {
  apiKey?: string;
  /** Networks per organization (the first organization; the second has 1 network, 1 device). */
  networks?: number;
  /** Devices in each network. */
  devicesPerNetwork?: number;
  /** Inventory devices in no network. */
  spares?: number;
  /** At most this many items per page whatever `perPage` asks (the server decides; Link says what follows). */
  pageCap?: number;
  /** Two organizations the key can access instead of one. */
  twoOrganizations?: boolean;
  /** The origin Link headers name (a shard's public host behind a proxy); default this server's own. */
  linkOrigin?: string;
}

export interface FakeMeraki {
  url: string;
  apiKey: string;
  orgId: string;
  /** Every request, "METHOD /path?query" (query decoded), in order. */
  log: string[];
  networkDevice(network: number, k: number): Record<string, unknown>;
  inventoryDevice(serial: string): Record<string, unknown>;
  /** Requests whose path ends with `suffix` answer 429 with this Retry-After, the next `times` times. */
  throttle(suffix: string, times: number, retryAfter: string): void;
  /** The device list of network `network` (1-based) answers `status` the next `times` times. */
  failNetwork(network: number, status: number, times?: number): void;
  /** The key stops working after this many more requests (revoked: its admin was removed). */
  revokeKeyAfter(requests: number): void;
  close(): Promise<void>;
}

const ORG = '549236';
const ORG2 = '881100';
const networkId = (n: number) => `L_6465${String(n).padStart(4, '0')}`;
const serialOf = (n: number, k: number) => `Q2${String.fromCharCode(64 + k)}B-${String(n).padStart(4, '0')}-00${k}`;
const MODELS = ['MX68', 'MS120-8LP', 'MR46'];
const mac = (n: number, k: number) => `e0:55:3d:${String(n).padStart(2, '0')}:00:${String(k).padStart(2, '0')}`;

export async function startFakeMeraki(opts: FakeMerakiOptions = {}): Promise<FakeMeraki> {
  const apiKey = opts.apiKey ?? '6bec40cf957de430a6f1f2baa056b99a4fac9ea0';
  const networks = opts.networks ?? 3;
  const perNetwork = opts.devicesPerNetwork ?? 3;
  const spares = opts.spares ?? 2;
  const cap = opts.pageCap ?? Infinity;
  const log: string[] = [];
  const throttles: Array<{ suffix: string; times: number; retryAfter: string }> = [];
  const failures = new Map<number, { status: number; times: number }>();
  /** Cursors issued, so that only those are accepted. */
  const issued = new Set<string>();
  let keyRequestsLeft = Infinity;

  const orgs = [{ id: ORG, name: 'Acme Corp', networks, perNetwork, spares }];
  if (opts.twoOrganizations) orgs.push({ id: ORG2, name: 'Acme Labs', networks: 1, perNetwork: 1, spares: 0 });
  const netOf = (org: string, n: number) => (org === ORG ? networkId(n) : `L_99${String(n).padStart(4, '0')}`);

  const networkDevice = (n: number, k: number, org = ORG): Record<string, unknown> => ({
    name: `${org === ORG ? 'hq' : 'lab'}-${n}-${k}`,
    lat: 37.4180951010362, lng: -122.098531723022, address: `${n} Main St, San Francisco, CA`, notes: k === 1 ? 'edge' : '',
    tags: k === 1 ? ['core', 'recently-added'] : [], networkId: netOf(org, n), serial: org === ORG ? serialOf(n, k) : `Q3LB-0000-00${k}`,
    model: MODELS[(k - 1) % 3], mac: mac(n, k), lanIp: `10.${n}.0.${k}`, firmware: k === 1 ? 'wired-18-211' : 'switch-16-9',
    productType: ['appliance', 'switch', 'wireless'][(k - 1) % 3], url: `https://n149.meraki.com/hq/n/abc${n}/manage/nodes/new_list/${k}`,
    details: [],
  });
  const inventoryFor = (org: (typeof orgs)[number]): Record<string, unknown>[] => {
    const out: Record<string, unknown>[] = [];
    for (let n = 1; n <= org.networks; n++) {
      for (let k = 1; k <= org.perNetwork; k++) {
        const d = networkDevice(n, k, org.id);
        out.push({
          mac: d.mac, serial: d.serial, name: d.name, model: d.model, networkId: d.networkId, orderNumber: `4C${n}0${k}`,
          claimedAt: `2023-0${(k % 9) + 1}-1${n % 10}T10:00:00.000000Z`, licenseExpirationDate: '2027-03-13T00:00:00.000000Z',
          tags: d.tags, productType: d.productType, countryCode: 'US', details: [],
        });
      }
    }
    for (let j = 1; j <= org.spares; j++) {
      out.push({
        mac: `e0:55:3d:ff:00:${String(j).padStart(2, '0')}`, serial: `Q2SP-ARE0-00${j}`, name: '', model: 'MR36', networkId: null,
        orderNumber: `4CSP${j}`, claimedAt: '2024-01-02T10:00:00.000000Z', licenseExpirationDate: null, tags: [], productType: 'wireless',
        countryCode: 'US', details: [],
      });
    }
    return out;
  };
  const inventoryDevice = (serial: string) => orgs.flatMap(inventoryFor).find((d) => d.serial === serial)!;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  /** One page of `all` keyed by `idOf`, with the Link header Meraki sends. */
  const page = (res: http.ServerResponse, url: URL, all: Record<string, unknown>[], idOf: (r: Record<string, unknown>) => string, range: [number, number]) => {
    const q = url.searchParams;
    const perPage = q.has('perPage') ? Number(q.get('perPage')) : 1000;
    if (!Number.isInteger(perPage) || perPage < range[0] || perPage > range[1]) {
      return send(res, 400, { errors: [`'perPage' must be an integer between ${range[0]} and ${range[1]}`] });
    }
    let start = 0;
    const after = q.get('startingAfter');
    if (after !== null) {
      if (!issued.has(after)) return send(res, 400, { errors: [`Invalid 'startingAfter': '${after}'`] });
      start = all.findIndex((r) => idOf(r) === after.split(':')[1]) + 1;
    }
    const items = all.slice(start, start + Math.min(perPage, cap));
    const link = (params: Record<string, string>) => {
      const u = new URL(`${url.pathname}`, opts.linkOrigin ?? url.origin);
      for (const [k, v] of Object.entries({ perPage: String(perPage), ...params })) u.searchParams.set(k, v);
      return `<${u.toString()}>`;
    };
    const links = [`${link({ startingAfter: '0' })}; rel=first`];
    issued.add('0');
    if (start + items.length < all.length) {
      // Opaque to the client: a prefix it cannot guess plus the last id.
      const token = `c${issued.size}:${idOf(items[items.length - 1])}`;
      issued.add(token);
      links.push(`${link({ startingAfter: token })}; rel=next`);
    }
    links.push(`${link({ endingBefore: 'zzzz' })}; rel=last`);
    return send(res, 200, items, { link: links.join(', ') });
  };

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`);
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)}`);
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      const key = (req.headers['x-cisco-meraki-api-key'] as string | undefined) ?? bearer;
      if (key !== apiKey || keyRequestsLeft <= 0) return send(res, 401, { errors: ['Invalid API key'] });
      keyRequestsLeft--;
      const throttle = throttles.find((t) => t.times > 0 && url.pathname.endsWith(t.suffix));
      if (throttle) {
        throttle.times--;
        return send(res, 429, { errors: ['API rate limit exceeded for organization'] }, { 'retry-after': throttle.retryAfter });
      }
      if (req.method !== 'GET' || !url.pathname.startsWith('/api/v1/')) return send(res, 404, { errors: ['Not found'] });
      const rest = url.pathname.slice('/api/v1'.length);
      if (rest === '/organizations') {
        const list = orgs.map((o) => ({ id: o.id, name: o.name, url: `https://n149.meraki.com/o/x/manage/organization/overview`, api: { enabled: true } }));
        return page(res, url, list, (o) => String(o.id), [3, 9000]);
      }
      const m = /^\/organizations\/([^/]+)(\/.*)?$/.exec(rest);
      if (m) {
        const org = orgs.find((o) => o.id === decodeURIComponent(m[1]));
        if (!org) return send(res, 404, { errors: ['Not found'] });
        if (m[2] === undefined) return send(res, 200, { id: org.id, name: org.name, url: 'https://n149.meraki.com/o/x/manage/organization/overview', api: { enabled: true } });
        if (m[2] === '/networks') {
          const list = Array.from({ length: org.networks }, (_, i) => ({
            id: netOf(org.id, i + 1), organizationId: org.id, name: `${org.name} site ${i + 1}`, productTypes: ['appliance', 'switch', 'wireless'],
            timeZone: 'America/Los_Angeles', tags: [], enrollmentString: null, notes: '', isBoundToConfigTemplate: false,
          }));
          return page(res, url, list, (n) => String(n.id), [3, 100000]);
        }
        if (m[2] === '/inventory/devices') return page(res, url, inventoryFor(org), (d) => String(d.serial), [3, 1000]);
        return send(res, 404, { errors: ['Not found'] });
      }
      const net = /^\/networks\/([^/]+)\/devices$/.exec(rest);
      if (net) {
        const id = decodeURIComponent(net[1]);
        for (const org of orgs) {
          for (let n = 1; n <= org.networks; n++) {
            if (netOf(org.id, n) !== id) continue;
            const failure = org.id === ORG ? failures.get(n) : undefined;
            if (failure && failure.times > 0) {
              failure.times--;
              return send(res, failure.status, { errors: [failure.status === 403 ? "You don't have permission to do that." : 'Internal server error'] });
            }
            return send(res, 200, Array.from({ length: org.perNetwork }, (_, k) => networkDevice(n, k + 1, org.id)));
          }
        }
        return send(res, 404, { errors: ['Not found'] });
      }
      return send(res, 404, { errors: ['Not found'] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    apiKey,
    orgId: ORG,
    log,
    networkDevice: (n, k) => networkDevice(n, k),
    inventoryDevice,
    throttle(suffix, times, retryAfter) {
      throttles.push({ suffix, times, retryAfter });
    },
    failNetwork(network, status, times = 1) {
      failures.set(network, { status, times });
    },
    revokeKeyAfter(requests) {
      keyRequestsLeft = requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
