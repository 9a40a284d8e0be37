/**
 * An Okta org for tests, speaking the Users API as Okta does
 * (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/User/#tag/User/operation/listUsers):
 * - `Authorization: SSWS <token>`; any other value is 401 E0000011 "Invalid token provided"; a token whose admin may not
 *   list users is 403 E0000006. Error bodies are Okta's: errorCode, errorSummary, errorLink, errorId, errorCauses.
 * - GET /api/v1/users lists every user except DEPROVISIONED ones; `filter=status eq "X"` lists users of that status;
 *   `filter=lastUpdated gt "<ISO 8601 with milliseconds>"` (alone, or after `status eq "X" and`) those updated after
 *   it, of every status (the pessimistic reading of Okta's docs: a filter may list DEPROVISIONED users). Any other
 *   filter, or a date that is not `yyyy-MM-ddTHH:mm:ss.SSSZ`, is 400 E0000031 as Okta answers it.
 *   Pages of `limit` users (Okta caps it; `maxLimit` here), cursor `after` = the last user's id, sent back in a
 *   `Link: <...>; rel="next"` header next to `rel="self"` (two Link headers, as Okta sends them).
 * - Every answer carries X-Rate-Limit-Limit / -Remaining / -Reset (UTC epoch seconds). When the window is used
 *   up every request is answered 429 E0000047 until the reset, as Okta does, so a client that does not wait is caught.
 */
import type https from 'node:https';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface OktaUser {
  id: string;
  status: string;
  created: string;
  activated: string | null;
  statusChanged: string | null;
  lastLogin: string | null;
  lastUpdated: string;
  passwordChanged: string | null;
  type: { id: string };
  profile: Record<string, string | null>;
  credentials: Record<string, unknown>;
  _links: Record<string, { href: string }>;
}

export interface FakeOktaOptions {
  /** The valid API token. */
  token?: string;
  /** A valid token of an admin who may not list users: 403 E0000006. */
  forbiddenToken?: string;
  /** Users of every status but DEPROVISIONED, and DEPROVISIONED users (interleaved by id). */
  users?: number;
  deprovisioned?: number;
  /** Okta's cap on `limit` for users is 200; a small cap gives several pages with few users. */
  maxLimit?: number;
  /** Requests per rate-limit window (X-Rate-Limit-Limit); a window lasts 60 s. */
  rateLimit?: number;
  /** The server's clock (a test's fake clock, so that its 60 s windows pass at once). */
  now?: () => number;
  tls?: https.ServerOptions & { key: string | Buffer; cert: string | Buffer };
}

export interface FakeOkta {
  url: string;
  token: string;
  /** Every request, in order, with the status it got. */
  requests: Array<RecordedRequest & { status: number }>;
  /** Every user, in id order (the order Okta lists them). */
  users: OktaUser[];
  /** The users GET /api/v1/users lists (no DEPROVISIONED). */
  listed(): OktaUser[];
  deprovisionedUsers(): OktaUser[];
  /** 429s sent so far. */
  throttled: number;
  /**
   * After `after` more answered requests other clients of the org use up the shared window (so the last answer
   * still said requests were left): every request gets 429 until the reset, `resetInMs` ahead rounded up to Okta's
   * whole epoch seconds.
   */
  exhaustRateLimitAfter(after: number, resetInMs?: number): void;
  /** Updates a user now (lastUpdated = the real clock, as Okta's Date header is), e.g. a changed department. */
  touch(index: number, profile?: Record<string, string>): OktaUser;
  /** Page `page` (0-based) of the plain list, or of the listing with `filter`, answers `status` `times` times. */
  failPage(page: number, opts?: { status?: number; times?: number; filter?: string }): void;
  close(): Promise<void>;
}

const ERRORS: Record<number, { errorCode: string; errorSummary: string }> = {
  400: { errorCode: 'E0000031', errorSummary: 'Invalid search criteria.' },
  401: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' },
  403: { errorCode: 'E0000006', errorSummary: 'You do not have permission to perform the requested action' },
  404: { errorCode: 'E0000022', errorSummary: 'The endpoint does not support the provided HTTP method' },
  429: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit due to too many requests.' },
  500: { errorCode: 'E0000009', errorSummary: 'Internal Server Error' },
};

let errorIds = 0;
function oktaError(status: number, headers: Record<string, string | string[]>): TestResponse {
  const e = ERRORS[status] ?? { errorCode: 'E0000009', errorSummary: 'Internal Server Error' };
  return { status, headers, json: { ...e, errorLink: e.errorCode, errorId: `oae${String(++errorIds).padStart(8, '0')}`, errorCauses: [] } };
}

const DAY = 86_400_000;
const BASE = Date.UTC(2024, 0, 2, 10, 0, 0);
const iso = (t: number) => new Date(t).toISOString();

function makeUser(n: number, status: string, origin: string): OktaUser {
  const id = `00u${String(n).padStart(4, '0')}a1b2C3d4E5f6`;
  const login = `user${n}@example.com`;
  const gone = status === 'DEPROVISIONED';
  return {
    id,
    status,
    created: iso(BASE + n * DAY),
    activated: iso(BASE + n * DAY + 60_000),
    statusChanged: iso(BASE + (n + 30) * DAY),
    lastLogin: gone ? null : iso(BASE + (n + 40) * DAY),
    lastUpdated: iso(BASE + (n + 50) * DAY),
    passwordChanged: gone ? null : iso(BASE + (n + 2) * DAY),
    type: { id: 'oty1default0000000001' },
    profile: {
      firstName: `First${n}`,
      lastName: `Last${n}`,
      mobilePhone: n % 3 === 0 ? null : `+1 555 0100 ${String(n).padStart(3, '0')}`,
      secondEmail: null,
      login,
      email: login,
      department: n % 2 ? 'Engineering' : 'Finance',
    },
    credentials: gone ? {} : { password: {}, emails: [{ value: login, status: 'VERIFIED', type: 'PRIMARY' }], provider: { type: 'OKTA', name: 'OKTA' } },
    _links: { self: { href: `${origin}/api/v1/users/${id}` } },
  };
}

export async function startFakeOkta(opts: FakeOktaOptions = {}): Promise<FakeOkta> {
  const token = opts.token ?? 'okta-token-00aBcDeFgHiJkLmNoP';
  const now = opts.now ?? Date.now;
  const maxLimit = opts.maxLimit ?? 200;
  const limit = opts.rateLimit ?? 600;
  const window = { remaining: limit, resetSec: 0 };
  let exhaustAfter: { left: number; resetInMs: number } | undefined;
  const failures: Array<{ page: number; status: number; left: number; filter?: string }> = [];
  const requests: FakeOkta['requests'] = [];
  const users: OktaUser[] = [];
  let throttled = 0;

  const rateHeaders = () => ({
    'x-rate-limit-limit': String(limit),
    'x-rate-limit-remaining': String(Math.max(0, window.remaining)),
    'x-rate-limit-reset': String(window.resetSec),
  });

  const list = (req: RecordedRequest, origin: string): TestResponse => {
    const filter = req.query.filter;
    let status: string | undefined;
    let after: number | undefined;
    if (filter !== undefined) {
      // Only what the connector sends; Okta accepts more, and rejects what it cannot parse with E0000031.
      const m = /^(?:status eq "([A-Z_]+)"(?: and |$))?(?:lastUpdated gt "(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")?$/.exec(filter);
      if (!m || (!m[1] && !m[2]) || (m[2] && !Number.isFinite(Date.parse(m[2])))) return oktaError(400, rateHeaders());
      status = m[1];
      after = m[2] ? Date.parse(m[2]) : undefined;
    }
    const pool = users.filter((u) => (status ? u.status === status : after !== undefined || u.status !== 'DEPROVISIONED') &&
      (after === undefined || Date.parse(u.lastUpdated) > after));
    const size = Math.min(maxLimit, Math.max(1, Number(req.query.limit) || 200));
    const start = req.query.after ? pool.findIndex((u) => u.id === req.query.after) + 1 : 0;
    const page = Math.floor(start / size);
    const failure = failures.find((f) => f.page === page && f.filter === filter && f.left > 0);
    if (failure) {
      failure.left--;
      return oktaError(failure.status, rateHeaders());
    }
    const items = pool.slice(start, start + size);
    const query = (after?: string) => {
      const q = new URLSearchParams();
      if (after) q.set('after', after);
      q.set('limit', String(size));
      if (filter !== undefined) q.set('filter', filter);
      return `${origin}/api/v1/users?${q.toString()}`;
    };
    const links = [`<${query(req.query.after)}>; rel="self"`];
    if (start + size < pool.length) links.push(`<${query(items[items.length - 1].id)}>; rel="next"`);
    return { headers: { ...rateHeaders(), link: links }, json: items };
  };

  const answer = (req: RecordedRequest): TestResponse => {
    const t = now();
    if (t >= window.resetSec * 1000) {
      window.remaining = limit;
      window.resetSec = Math.floor(t / 1000) + 60;
    }
    if (window.remaining <= 0) {
      throttled++;
      return oktaError(429, rateHeaders());
    }
    window.remaining--;
    const auth = String(req.headers.authorization ?? '');
    if (opts.forbiddenToken && auth === `SSWS ${opts.forbiddenToken}`) return oktaError(403, rateHeaders());
    if (auth !== `SSWS ${token}`) return oktaError(401, rateHeaders());
    if (req.method === 'GET' && req.path === '/api/v1/users') return list(req, server.url);
    return oktaError(404, rateHeaders());
  };

  const server: TestServer = await startTestServer((req) => {
    const res = answer(req);
    if (exhaustAfter && --exhaustAfter.left <= 0) {
      // Other clients of the org use up the shared window: this answer still said requests were left.
      window.remaining = 0;
      window.resetSec = Math.ceil((now() + exhaustAfter.resetInMs) / 1000);
      exhaustAfter = undefined;
    }
    requests.push({ ...req, status: res.status ?? 200 });
    return res;
  }, { tls: opts.tls });

  // Listed and DEPROVISIONED users alternate by id, so that the plain list really leaves some out.
  const statuses: string[] = [];
  const listedCount = opts.users ?? 5;
  const goneCount = opts.deprovisioned ?? 0;
  for (let a = 0, d = 0; a < listedCount || d < goneCount;) {
    if (a < listedCount) statuses.push(++a % 4 === 0 ? 'SUSPENDED' : 'ACTIVE');
    if (d < goneCount) {
      d++;
      statuses.push('DEPROVISIONED');
    }
  }
  statuses.forEach((status, i) => users.push(makeUser(i + 1, status, server.url)));

  return {
    url: server.url,
    token,
    requests,
    users,
    listed: () => users.filter((u) => u.status !== 'DEPROVISIONED'),
    deprovisionedUsers: () => users.filter((u) => u.status === 'DEPROVISIONED'),
    get throttled() {
      return throttled;
    },
    exhaustRateLimitAfter(after, resetInMs = 300) {
      exhaustAfter = { left: after, resetInMs };
    },
    touch(index, profile = {}) {
      const u = users[index];
      u.lastUpdated = new Date().toISOString();
      Object.assign(u.profile, profile);
      return u;
    },
    failPage(page, o = {}) {
      failures.push({ page, status: o.status ?? 500, left: o.times ?? 1, filter: o.filter });
    },
    close: () => server.close(),
  };
}
