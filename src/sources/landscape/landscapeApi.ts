/**
 * Canonical Landscape's two APIs on the HTTP source kit, behind one interface:
 * - REST (Landscape 24.04 and later, and SaaS): `POST /api/v2/login {email, password, account}` gives a JWT sent as
 *   `Authorization: Bearer`, renewed before its `exp` and after a 401 by the kit's session login; lists are
 *   `{count, results, next, previous}` with `limit` / `offset`.
 *   https://documentation.ubuntu.com/landscape/reference/api/rest-api-endpoints/computers/
 * - Legacy (every version): `GET /api/?action=...&version=2011-08-01`, each request HMAC-signed with the access and
 *   secret key (signature.ts); answers are bare JSON lists, paged with `limit` / `offset`.
 *   https://documentation.ubuntu.com/landscape/reference/api/legacy-api-endpoints/computers/
 * Errors of both are `{"error": "<Code>", "message": "..."}`.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import {
  custom,
  paginate,
  sessionLogin,
  signedRequests,
  type AuthProvider,
  type FailedRequest,
  type HttpClientLike,
  type PagingClient,
  type SessionToken,
  type Strategy,
} from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { LEGACY_API_VERSION, legacySigner } from './signature.js';

/** Installed software in the shape every asset source gives it (reference/sources.md §0). */
export interface Software {
  name: string;
  version: string | null;
  path: null;
}

export interface LandscapeApi {
  readonly kind: 'REST' | 'legacy';
  readonly auth: AuthProvider;
  /** Computers selected by `query` (with hardware, network devices and annotations). */
  computers(query: string, signal: AbortSignal, pageSize?: number): AsyncGenerator<RawRecord>;
  /** The computer's installed packages. */
  packages(computerId: unknown, signal: AbortSignal): Promise<Software[]>;
}

/** Computers per page: below the documented default limit (1000), so a server that caps at it never cuts a page. */
const COMPUTER_PAGE = 500;
const PACKAGE_PAGE = 1000;
const COMPUTER_DETAILS = { with_hardware: 'true', with_network: 'true', with_annotations: 'true' } as const;

/** `{"error": "Unauthorized", "message": "..."}` -> "Unauthorized: ..." (the kit alone would keep only the code). */
export function landscapeErrorText(body: string): string | undefined {
  try {
    const { error, message } = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof error === 'string') return typeof message === 'string' && message && message !== error ? `${error}: ${message}` : error;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON (a proxy's HTML page): the kit's own reading.
  }
  return undefined;
}

/** Seconds until the JWT's `exp`, as ms; undefined when it has none or it already passed by our clock (clocks differ). */
export function jwtLifetimeMs(token: string, now: number): number | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    const left = typeof payload.exp === 'number' ? payload.exp * 1000 - now : NaN;
    return Number.isFinite(left) && left > 0 ? left : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Follows `next`, moved onto the configured host: Landscape writes its own public URL there, which would bypass a
 * proxy set in `url` (and credentials go nowhere but the configured host).
 */
function nextOnBase(base: string): Strategy {
  return custom((page) => {
    const next = (page.body as { next?: unknown } | undefined)?.next;
    if (next === undefined || next === null || next === '') return undefined;
    if (typeof next !== 'string') throw new PermanentError(`${page.where}: "next" is ${typeof next}, not a URL`);
    const url = new URL(next, page.response.url);
    return `${base}${url.pathname}${url.search}`;
  });
}

/**
 * Offset paging of the legacy API's bare lists: the next offset is this one plus the items received (a server that
 * caps `limit` below ours returns fewer, and skipping by our page size would drop the rest); an empty page ends the
 * list. A server that ignores `offset` would repeat its first page for ever: that is an error instead.
 */
function offsetByItems(): Strategy {
  let previousFirst: string | undefined;
  return custom((page) => {
    if (page.items.length === 0) return undefined;
    const first = JSON.stringify(page.items[0]);
    if (page.index > 0 && first === previousFirst) throw new PermanentError(`${page.where}: pagination loops: the server seems to ignore "offset"`);
    previousFirst = first;
    return Number(page.token ?? 0) + page.items.length;
  }, 'offset');
}

export interface RestCredentials {
  email: string;
  password: string;
  account: string;
}

export function restApi(base: string, creds: RestCredentials, client: () => PagingClient, section: string): LandscapeApi {
  const login = async (http: HttpClientLike): Promise<SessionToken> => {
    const res = await http.request('POST', `${base}/api/v2/login`, {
      json: { email: creds.email, password: creds.password, ...(creds.account ? { account: creds.account } : {}) },
      headers: { accept: 'application/json' },
      acceptStatus: [400, 401, 403, 404, 405],
    });
    const said = landscapeErrorText(res.text) ?? res.text.slice(0, 200);
    if (res.status === 404 || res.status === 405) {
      throw new ConfigError({ section, key: 'email' },
        `this Landscape has no REST API (HTTP ${res.status} from /api/v2/login; Landscape 24.04 or later is needed): set access_key and secret_key for the legacy API instead`);
    }
    if (res.status >= 400) {
      const key = /account/i.test(said) ? 'account' : 'password';
      throw new ConfigError({ section, key }, `Landscape refused the login "${creds.email}" (HTTP ${res.status}: ${said}): check email, password${creds.account ? ' and account' : ''}`);
    }
    const token = res.json<{ token?: unknown }>().token;
    if (typeof token !== 'string' || token === '') throw new PermanentError(`the login reply from ${base}/api/v2/login has no "token"`);
    return { value: token, lifetimeMs: jwtLifetimeMs(token, Date.now()) };
  };
  const auth = sessionLogin({ login, inject: { header: 'Authorization', scheme: 'Bearer' }, describe: () => `login "${creds.email}"` });
  return {
    kind: 'REST',
    auth,
    computers: (query, signal, pageSize = COMPUTER_PAGE) =>
      paginate<RawRecord>(client(), {
        path: `${base}/api/v2/computers`,
        query: { query: query || undefined, limit: pageSize, offset: 0, ...COMPUTER_DETAILS, with_grouped_hardware: 'true' },
        items: 'results',
        strategy: nextOnBase(base),
        signal,
      }),
    async packages(id, signal) {
      const software: Software[] = [];
      const pages = paginate<{ name?: unknown; current_version?: unknown }>(client(), {
        path: `${base}/api/v2/computers/${encodeURIComponent(String(id))}/packages`,
        query: { installed: 'true', limit: PACKAGE_PAGE, offset: 0 },
        items: 'results',
        strategy: nextOnBase(base),
        signal,
      });
      for await (const p of pages) software.push({ name: String(p.name), version: typeof p.current_version === 'string' ? p.current_version : null, path: null });
      return software;
    },
  };
}

export function legacyApi(base: string, accessKey: string, secretKey: string, client: () => PagingClient): LandscapeApi {
  const auth = signedRequests(legacySigner(accessKey, secretKey), { describe: `access key "${accessKey}"` });
  const action = (name: string, params: Record<string, string | number | undefined>) => ({ action: name, version: LEGACY_API_VERSION, ...params });
  return {
    kind: 'legacy',
    auth,
    computers: (query, signal, pageSize = COMPUTER_PAGE) =>
      paginate<RawRecord>(client(), {
        path: `${base}/api/`,
        query: action('GetComputers', { query: query || undefined, ...COMPUTER_DETAILS, limit: pageSize, offset: 0 }),
        items: '',
        strategy: offsetByItems(),
        signal,
      }),
    async packages(id, signal) {
      const software: Software[] = [];
      const pages = paginate<{ name?: unknown; version?: unknown }>(client(), {
        path: `${base}/api/`,
        query: action('GetPackages', { query: `id:${String(id)}`, installed: 'true', limit: PACKAGE_PAGE, offset: 0 }),
        items: '',
        strategy: offsetByItems(),
        signal,
      });
      for await (const p of pages) software.push({ name: String(p.name), version: typeof p.version === 'string' ? p.version : null, path: null });
      return software;
    },
  };
}

/** What a final 401/403/400/404 means for the admin. */
export function explainLandscapeFailure(section: string, api: () => LandscapeApi, who: string) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    const legacy = api().kind === 'legacy';
    if (f.status === 401 || (legacy && f.status === 403 && /signature|credential|auth/i.test(f.said))) {
      if (legacy) {
        return new ConfigError({ section, key: 'secret_key' },
          `Landscape refused the signed request of ${who} (HTTP ${f.status}${said}): check access_key and secret_key, and this machine's clock (each signature carries the time)`);
      }
      return new ConfigError({ section, key: 'password' }, `Landscape refused the session of ${who} on ${path} (HTTP 401${said}): check email and password`);
    }
    if (f.status === 403) {
      return new PermanentError(`Landscape: ${who} may not read ${legacy ? 'computers and packages' : path} (HTTP 403${said}): the account needs a role with the View computers permission`);
    }
    if (f.status === 400 && /query/i.test(f.said)) return new ConfigError({ section, key: 'query' }, `Landscape refused the query (HTTP 400${said})`);
    if (f.status === 404 && !legacy && /\/api\/v2\/computers$/.test(path)) {
      return new ConfigError({ section, key: 'url' }, `no Landscape REST API at ${f.url.replace(/\?.*$/, '')} (HTTP 404): check url; before Landscape 24.04 use access_key and secret_key`);
    }
    return undefined;
  };
}

/**
 * `hardware` is a list of `[attribute, title, value]` triples; the same values keyed by attribute
 * (`hardware_values.<attribute>`) can be mapped without knowing each triple's place in the list.
 */
export function hardwareValues(hardware: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(hardware)) return undefined;
  const out: Record<string, unknown> = {};
  for (const entry of hardware) if (Array.isArray(entry) && entry.length >= 3 && typeof entry[0] === 'string') out[entry[0]] = entry[2];
  return out;
}
