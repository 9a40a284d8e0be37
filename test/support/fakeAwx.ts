/**
 * An AWX / Tower / AAP controller API test server for the `[awx]` source, as the AWX code answers
 * (ansible/awx: awx/api/pagination.py, awx/api/generics.py, Django REST framework):
 * - Auth: `Authorization: Bearer <token>` or Basic. A missing or unknown token answers 401
 *   {"detail":"Authentication credentials were not provided."} with `WWW-Authenticate: Bearer realm=api
 *   authorization_url=/api/o/authorize/`; a wrong Basic password 401 {"detail":"Invalid username/password."}.
 *   A user without the Read role on an inventory gets 403 {"detail":"You do not have permission to perform this action."}.
 * - Lists: `page` / `page_size` (default 25, cut to MAX_PAGE_SIZE 200), `{count, next, previous, results}` with
 *   `next` a path whose query is sorted (DRF replace_query_param); a page past the end is 404 {"detail":"Invalid page."}.
 * - The API root is `prefix`: /api/v2 (AWX, Tower) or /api/controller/v2 (AAP 2.5 behind the platform gateway).
 * - GET {prefix}/hosts/{id}/ansible_facts/ returns the facts object.
 * - Throttling is not AWX's own (a gateway or proxy in front does it): 429 {"detail":"Request was throttled.
 *   Expected available in N seconds."} with Retry-After, as DRF's throttling answers.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeAwxOptions {
  prefix?: string;
  token?: string;
  username?: string;
  password?: string;
  hosts?: number;
  /** Inventory ids the account may not read (403 on their host lists). */
  forbiddenInventories?: number[];
}

export interface FakeAwx {
  url: string;
  token: string;
  prefix: string;
  /** Every request, "METHOD /path?query" (query decoded), in order. */
  log: string[];
  statuses: number[];
  host(i: number): Record<string, unknown>;
  facts(i: number): Record<string, unknown>;
  /** Page `page` (1-based) of a host list answers 429 with Retry-After `retryAfter` the next `times` times. */
  throttlePage(page: number, times: number, retryAfter: string): void;
  /** The facts of host id `id` answer `status` the next `times` times. */
  failFacts(id: number, status: number, times?: number): void;
  /** The token stops working after this many more requests (revoked or expired mid-run). */
  revokeTokenAfter(requests: number): void;
  close(): Promise<void>;
}

const HOST_ID_BASE = 100;
const iso = (h: number) => new Date(Date.UTC(2024, 4, 1, 8) + h * 3_600_000).toISOString().replace(/\.\d+Z$/, '.000000Z');

/** Host i (1-based): its variables are YAML, JSON or empty in turn, as admins type them in the UI. */
export function makeAwxHost(i: number, prefix = '/api/v2'): Record<string, unknown> {
  const id = HOST_ID_BASE + i;
  const inventory = (i % 2) + 1;
  const variables = i % 3 === 1
    ? `---\nansible_host: 10.0.0.${i}\nansible_user: admin\nserial: SN${i}\nmonitored: yes\nports:\n  - 22\n  - 443\n`
    : i % 3 === 2
      ? JSON.stringify({ ansible_host: `10.0.1.${i}`, serial: `SN${i}`, rack: { row: 'B', unit: i } })
      : '';
  return {
    id, type: 'host', url: `${prefix}/hosts/${id}/`,
    related: { variable_data: `${prefix}/hosts/${id}/variable_data/`, ansible_facts: `${prefix}/hosts/${id}/ansible_facts/`, inventory: `${prefix}/inventories/${inventory}/` },
    summary_fields: {
      inventory: { id: inventory, name: inventory === 1 ? 'Production' : 'Lab', description: '', has_active_failures: false, total_hosts: 0, kind: '', organization_id: 1 },
      last_job: i % 4 ? { id: 900 + i, name: 'patch', status: 'successful', failed: false, elapsed: 12.5 } : undefined,
      groups: { count: 1, results: [{ id: 7, name: 'web' }] },
      user_capabilities: { edit: true, delete: true },
    },
    created: iso(-i), modified: iso(i), name: `host${i}.example.com`, description: i === 2 ? 'the database' : '', inventory, enabled: i % 5 !== 0,
    instance_id: i % 2 ? `i-0${i}abc` : '', variables, has_active_failures: false, has_inventory_sources: false,
    last_job: i % 4 ? 900 + i : null, last_job_host_summary: null, ansible_facts_modified: i % 2 ? iso(i) : null,
  };
}

export function makeAwxFacts(i: number): Record<string, unknown> {
  return {
    ansible_product_serial: `PS-${i}`, ansible_system_vendor: 'Dell Inc.', ansible_product_name: 'PowerEdge R650',
    ansible_distribution: 'Ubuntu', ansible_distribution_version: '22.04', ansible_memtotal_mb: 32_000 + i,
    ansible_default_ipv4: { address: `10.0.0.${i}`, macaddress: `52:54:00:00:00:${String(i).padStart(2, '0')}` },
  };
}

export async function startFakeAwx(opts: FakeAwxOptions = {}): Promise<FakeAwx> {
  const prefix = opts.prefix ?? '/api/v2';
  const token = opts.token ?? 'awx-pat-0Ue9kWf2vZ3nQ7rT1yX5cB8mL4pS6dH2';
  const username = opts.username ?? 'admin';
  const password = opts.password ?? 'awx-password-123';
  const total = opts.hosts ?? 5;
  const forbidden = new Set(opts.forbiddenInventories ?? []);
  const log: string[] = [];
  const statuses: number[] = [];
  const throttles = new Map<number, { times: number; retryAfter: string }>();
  const factFailures = new Map<number, { status: number; times: number }>();
  let tokenRequestsLeft = Infinity;

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    statuses.push(status);
    res.writeHead(status, { 'content-type': 'application/json', 'x-api-product-name': 'AWX', 'x-api-total-time': '0.012s', ...headers });
    res.end(JSON.stringify(body));
  };
  const unauthenticated = (res: http.ServerResponse, detail: string) =>
    send(res, 401, { detail }, { 'www-authenticate': 'Bearer realm=api authorization_url=/api/o/authorize/' });

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)}`);
      const [scheme, value] = (req.headers.authorization ?? '').split(' ');
      if (scheme === 'Bearer') {
        if (value !== token || tokenRequestsLeft <= 0) return unauthenticated(res, 'Authentication credentials were not provided.');
        tokenRequestsLeft--;
      } else if (scheme === 'Basic') {
        if (Buffer.from(value ?? '', 'base64').toString('utf8') !== `${username}:${password}`) return unauthenticated(res, 'Invalid username/password.');
      } else return unauthenticated(res, 'Authentication credentials were not provided.');

      if (req.method !== 'GET' || !url.pathname.startsWith(`${prefix}/`)) return send(res, 404, { detail: 'Not found.' });
      const rest = url.pathname.slice(prefix.length);
      if (rest === '/me/') return send(res, 200, { count: 1, next: null, previous: null, results: [{ id: 1, type: 'user', username, is_superuser: true }] });
      const facts = /^\/hosts\/(\d+)\/ansible_facts\/$/.exec(rest);
      if (facts) {
        const id = Number(facts[1]);
        const i = id - HOST_ID_BASE;
        if (i < 1 || i > total) return send(res, 404, { detail: 'Not found.' });
        const failure = factFailures.get(id);
        if (failure && failure.times > 0) {
          failure.times--;
          return send(res, failure.status, failure.status === 403 ? { detail: 'You do not have permission to perform this action.' } : { detail: 'A server error occurred.' });
        }
        return send(res, 200, makeAwxFacts(i));
      }
      const list = /^\/(?:inventories\/(\d+)\/)?hosts\/$/.exec(rest);
      if (!list) return send(res, 404, { detail: 'Not found.' });
      const inventory = list[1] ? Number(list[1]) : undefined;
      if (inventory !== undefined && inventory > 2) return send(res, 404, { detail: 'Not found.' });
      if (inventory !== undefined && forbidden.has(inventory)) return send(res, 403, { detail: 'You do not have permission to perform this action.' });

      const q = url.searchParams;
      const size = Math.min(Number(q.get('page_size') ?? 25) || 25, 200);
      const page = Number(q.get('page') ?? 1);
      const throttle = throttles.get(page);
      if (throttle && throttle.times > 0) {
        throttle.times--;
        return send(res, 429, { detail: `Request was throttled. Expected available in ${throttle.retryAfter} seconds.` }, { 'retry-after': throttle.retryAfter });
      }
      const all = Array.from({ length: total }, (_, k) => k + 1).filter((i) => inventory === undefined || (i % 2) + 1 === inventory);
      const pages = Math.max(1, Math.ceil(all.length / size));
      if (!Number.isInteger(page) || page < 1 || page > pages) return send(res, 404, { detail: 'Invalid page.' });
      const link = (n: number) => {
        const params = new URLSearchParams(q);
        params.set('page', String(n));
        if (Number(q.get('page_size') ?? 0) > 200) params.set('page_size', '200');
        return `${url.pathname}?${[...params].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`;
      };
      return send(res, 200, {
        count: all.length,
        next: page < pages ? link(page + 1) : null,
        previous: page > 1 ? link(page - 1) : null,
        results: all.slice((page - 1) * size, page * size).map((i) => makeAwxHost(i, prefix)),
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    token,
    prefix,
    log,
    statuses,
    host: (i) => makeAwxHost(i, prefix),
    facts: makeAwxFacts,
    throttlePage(page, times, retryAfter) {
      throttles.set(page, { times, retryAfter });
    },
    failFacts(id, status, times = 1) {
      factFailures.set(id, { status, times });
    },
    revokeTokenAfter(requests) {
      tokenRequestsLeft = requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
