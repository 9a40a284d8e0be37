/**
 * A Zendesk Support API test server for the `[zendesk]` source, as documented:
 * - Basic auth `{email}/token:{api_token}`; anything else answers 401 {"error":"Couldn't authenticate you"}. An
 *   end user's token answers 403 {"error":"Forbidden","description":"You do not have access to this page. ..."}.
 * - GET /api/v2/users.json and /api/v2/organizations.json in both pagination styles:
 *   cursor (`page[size]` at most 100, `page[after]`; `meta.has_more`, `meta.after_cursor`, `links.next`) and offset
 *   (`page`, `per_page`; `next_page`, `count`), where offset requests beyond the first 10,000 records answer
 *   400 Bad Request, as Zendesk does since 2023/2024.
 *   https://developer.zendesk.com/api-reference/introduction/pagination/,
 *   https://support.zendesk.com/hc/en-us/articles/5591904358938 (the offset limit; the 400 body's wording is ours)
 * - Throttling: 429 text/plain "Number of allowed API requests per minute exceeded" with Retry-After, X-Rate-Limit and
 *   X-Rate-Limit-Remaining: 0; every answer carries X-Rate-Limit / X-Rate-Limit-Remaining and ratelimit-* headers.
 *   https://developer.zendesk.com/documentation/api-basics/best-practices/best-practices-for-avoiding-rate-limiting
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeZendeskOptions {
  username?: string;
  apiToken?: string;
  /** Role of the token's user: end users may not list users. */
  role?: 'admin' | 'agent' | 'end-user';
  users?: number;
  organizations?: number;
  /** Origin written into links.next / next_page (Zendesk writes its own host); default this server's. */
  publicOrigin?: string;
  /** Offset pagination answers 400 beyond this many records (Zendesk: 10,000). */
  offsetLimit?: number;
}

export interface FakeZendesk {
  url: string;
  /** Every request, "METHOD /path?query" (query decoded), in order. */
  log: string[];
  /** Statuses answered, in order. */
  statuses: number[];
  user(i: number): Record<string, unknown>;
  organization(i: number): Record<string, unknown>;
  /** Page `index` (0-based) of `resource` answers 429 with Retry-After `retryAfter` (seconds) the next `times` times. */
  throttlePage(resource: 'users' | 'organizations', index: number, times: number, retryAfter: string): void;
  /** Page `index` (0-based) of `resource` answers `status` the next `times` times it is asked for. */
  failPage(resource: 'users' | 'organizations', index: number, status: number, times?: number): void;
  close(): Promise<void>;
}

const BASE = Date.UTC(2024, 5, 1, 9, 0, 0);
/** Users with organization_id pointing nowhere (deleted org) and none, next to ones with an organization. */
const orgOf = (i: number, orgs: number) => (i % 5 === 0 || orgs === 0 ? null : i % 7 === 0 ? 999_999 : 360_000 + ((i % orgs) + 1));

export function makeZendeskUser(i: number, orgs = 3): Record<string, unknown> {
  const at = (h: number) => new Date(BASE + h * 3_600_000).toISOString().replace('.000Z', 'Z');
  return {
    id: 900_000 + i, url: `https://acme.zendesk.com/api/v2/users/${900_000 + i}.json`,
    // One single-word name: last_from_full gives it whole, first_from_full too.
    name: i === 2 ? 'Cher' : `Given${i} Middle Family${i}`, email: `agent${i}@example.com`,
    created_at: at(-i), updated_at: at(i), time_zone: 'Eastern Time (US & Canada)', iana_time_zone: 'America/New_York',
    phone: i % 2 ? `+1-555-02${String(i).padStart(2, '0')}` : null, shared_phone_number: null, photo: null, locale_id: 1,
    locale: 'en-US', organization_id: orgOf(i, orgs), role: i === 1 ? 'admin' : 'end-user', verified: true, external_id: null,
    tags: ['vip'], alias: '', active: true, shared: false, shared_agent: false, last_login_at: at(i + 1),
    two_factor_auth_enabled: null, signature: null, details: '', notes: '', role_type: null, custom_role_id: null,
    moderator: false, ticket_restriction: 'requested', only_private_comments: false, restricted_agent: true,
    suspended: false, default_group_id: null, report_csv: false, user_fields: { employee_number: `E${i}`, cost_center: null },
  };
}

export function makeZendeskOrganization(i: number): Record<string, unknown> {
  return {
    url: `https://acme.zendesk.com/api/v2/organizations/${360_000 + i}.json`, id: 360_000 + i, name: `Org ${i}`,
    shared_tickets: false, shared_comments: false, external_id: null, created_at: '2023-01-01T00:00:00Z',
    updated_at: '2024-01-01T00:00:00Z', domain_names: [`org${i}.example.com`], details: '', notes: '', group_id: null,
    tags: [], organization_fields: { region: i % 2 ? 'EMEA' : 'AMER' },
  };
}

const cursorOf = (n: number) => Buffer.from(`offset:${n}`).toString('base64url');
const offsetFrom = (cursor: string) => Number(/^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString())?.[1] ?? NaN);

export async function startFakeZendesk(opts: FakeZendeskOptions = {}): Promise<FakeZendesk> {
  const username = opts.username ?? 'admin@example.com';
  const apiToken = opts.apiToken ?? 'zd-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';
  const orgCount = opts.organizations ?? 3;
  const counts = { users: opts.users ?? 5, organizations: orgCount };
  const make = { users: (i: number) => makeZendeskUser(i, orgCount), organizations: makeZendeskOrganization };
  const offsetLimit = opts.offsetLimit ?? 10_000;
  const throttles = new Map<string, { times: number; retryAfter: string }>();
  const pageFailures = new Map<string, { status: number; times: number }>();
  const log: string[] = [];
  const statuses: number[] = [];
  let origin = '';

  const send = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    statuses.push(status);
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/plain' : 'application/json; charset=utf-8',
      'x-rate-limit': '700', 'x-rate-limit-remaining': '699', 'ratelimit-limit': '700', 'ratelimit-remaining': '699', 'ratelimit-reset': '41',
      ...headers,
    });
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      log.push(`${req.method} ${url.pathname}${decodeURIComponent(url.search)}`);
      const [scheme, encoded] = (req.headers.authorization ?? '').split(' ');
      const decoded = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
      if (decoded !== `${username}/token:${apiToken}`) return send(res, 401, { error: "Couldn't authenticate you" });

      const resource = /^\/api\/v2\/(users|organizations)\.json$/.exec(url.pathname)?.[1] as 'users' | 'organizations' | undefined;
      if (req.method !== 'GET' || !resource) return send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
      if (opts.role === 'end-user') {
        return send(res, 403, { error: 'Forbidden', description: 'You do not have access to this page. Please contact the account owner of this help desk for further help.' });
      }
      const q = url.searchParams;
      const cursorMode = q.has('page[size]');
      const size = Number(cursorMode ? q.get('page[size]') : q.get('per_page') ?? 100);
      if (!Number.isInteger(size) || size < 1 || size > 100) {
        return send(res, 400, { error: { title: 'Invalid pagination parameter', message: 'page size must be between 1 and 100' } });
      }
      const start = cursorMode ? (q.get('page[after]') ? offsetFrom(q.get('page[after]')!) : 0) : (Number(q.get('page') ?? 1) - 1) * size;
      if (!Number.isInteger(start) || start < 0) return send(res, 400, { error: { title: 'Invalid pagination parameter', message: 'page[after] is not a valid cursor' } });
      if (!cursorMode && start + size > offsetLimit) {
        return send(res, 400, { error: { title: 'Invalid pagination parameter', message: `Offset pagination is limited to the first ${offsetLimit} records; use cursor pagination (page[size])` } });
      }
      const page = `${resource}:${Math.floor(start / size)}`;
      const throttle = throttles.get(page);
      if (throttle && throttle.times > 0) {
        throttle.times--;
        return send(res, 429, 'Number of allowed API requests per minute exceeded', { 'retry-after': throttle.retryAfter, 'x-rate-limit-remaining': '0', 'ratelimit-remaining': '0' });
      }
      const failure = pageFailures.get(page);
      if (failure && failure.times > 0) {
        failure.times--;
        return send(res, failure.status, failure.status >= 500 ? 'Internal Server Error' : { error: 'InvalidValue', description: 'Injected failure' });
      }

      const total = counts[resource];
      const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, k) => make[resource](start + k + 1));
      const more = start + size < total;
      const path = `${opts.publicOrigin ?? origin}/api/v2/${resource}.json`;
      if (cursorMode) {
        const after = items.length ? cursorOf(start + items.length) : null;
        return send(res, 200, {
          [resource]: items,
          meta: { has_more: more, after_cursor: after, before_cursor: start > 0 ? cursorOf(start) : null },
          links: {
            next: more ? `${path}?page%5Bafter%5D=${after}&page%5Bsize%5D=${size}` : null,
            prev: start > 0 ? `${path}?page%5Bbefore%5D=${cursorOf(start)}&page%5Bsize%5D=${size}` : null,
          },
        });
      }
      const number = start / size + 1;
      return send(res, 200, {
        [resource]: items,
        next_page: more ? `${path}?page=${number + 1}&per_page=${size}` : null,
        previous_page: number > 1 ? `${path}?page=${number - 1}&per_page=${size}` : null,
        count: total,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    log,
    statuses,
    user: (i) => makeZendeskUser(i, orgCount),
    organization: makeZendeskOrganization,
    throttlePage(resource, index, times, retryAfter) {
      throttles.set(`${resource}:${index}`, { times, retryAfter });
    },
    failPage(resource, index, status, times = 1) {
      pageFailures.set(`${resource}:${index}`, { status, times });
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
