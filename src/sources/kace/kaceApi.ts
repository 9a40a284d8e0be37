/**
 * The KACE SMA inventory API on the HTTP source kit
 * (https://support.quest.com/technical-documents/kace-systems-management-appliance/13.1-common-documents/api-reference-guide/):
 * - `POST /ams/shared/api/security/login {userName, password, organizationName}` opens a session held in cookies.
 *   Before 12.1 the reply also carries `x-dell-csrf-token`, to be sent back on every call; from 12.1 there is no
 *   CSRF token and every request (the login too) needs `x-kace-api-version` (the older `x-dell-api-version` is
 *   deprecated). Both version headers go on every request and a CSRF token is sent back only when one came, so
 *   old and new appliances work alike. A session the appliance ends mid-run is refused with a 401: the kit logs
 *   in again once.
 * - `GET /api/inventory/machines?shaping=machine all,software standard&paging=limit N offset M` answers
 *   `{"Machines": [...]}`; an empty list ends it.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { CookieJar, custom, sessionLogin, type FailedRequest, type HttpClientLike, type SessionToken, type Strategy } from '../../http/index.js';
import type { KaceSettings } from './settings.js';

export const LOGIN_PATH = '/ams/shared/api/security/login';
export const MACHINES_PATH = '/api/inventory/machines';
/** The original's page size. */
export const PAGE_SIZE = 100;
const CSRF_HEADERS = ['x-kace-csrf-token', 'x-dell-csrf-token'];

/** The version headers every request carries (the login too: SMA 12.1 refuses a login without x-kace-api-version). */
export function versionHeaders(version: string): Record<string, string> {
  return { 'x-kace-api-version': version, 'x-dell-api-version': version };
}

/** The session: cookies, and the CSRF token under the header it came in (appliances before 12.1). */
interface KaceSession {
  cookies: string;
  csrf?: { header: string; value: string };
}

export function kaceSessionAuth(s: KaceSettings, base: string, section: string) {
  const who = `user "${s.username}" of organization "${s.organization_name}"`;
  // The session's parts by its cookie string, the token the kit holds (so a refused request is matched to its session).
  const sessions = new Map<string, KaceSession>();
  const login = async (client: HttpClientLike): Promise<SessionToken> => {
    const res = await client.request('POST', `${base}${LOGIN_PATH}`, {
      json: { userName: s.username, password: s.password, organizationName: s.organization_name },
      headers: { accept: 'application/json', ...versionHeaders(s.api_version) },
      acceptStatus: [400, 401, 403, 404],
    });
    const said = kaceErrorText(res.text) ?? res.text.replace(/\s+/g, ' ').slice(0, 200);
    if (res.status === 404) throw new ConfigError({ section, key: 'url' }, `no KACE SMA login at ${base}${LOGIN_PATH} (HTTP 404): check url`);
    if (res.status >= 400) {
      throw new ConfigError({ section, key: 'password' },
        `KACE SMA refused the login of ${who} (HTTP ${res.status}${said ? `: ${said}` : ''}): check username, password and organization_name${res.status === 400 ? ', and api_version' : ''}`);
    }
    const jar = new CookieJar();
    jar.store(new URL(res.url), res.headers['set-cookie']);
    const cookies = jar.header(new URL(res.url)) ?? '';
    if (!cookies) throw new PermanentError(`[${section}] the KACE SMA login reply from ${base}${LOGIN_PATH} set no session cookie`);
    const header = CSRF_HEADERS.find((h) => typeof res.headers[h] === 'string' && res.headers[h]);
    sessions.clear();
    sessions.set(cookies, { cookies, ...(header ? { csrf: { header, value: res.headers[header] as string } } : {}) });
    return { value: cookies };
  };
  const auth = sessionLogin({
    login,
    inject: (request, token) => {
      request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; ${token}` : token;
      const csrf = sessions.get(token)?.csrf;
      if (csrf) request.headers[csrf.header] = csrf.value;
    },
    describe: () => who,
  });
  return { auth, who, usesCsrf: () => [...sessions.values()].some((x) => x.csrf !== undefined) };
}

/** KACE error bodies: `{"errorDescription": "..."}` or `{"error": {...}}`; else the kit's own reading. */
export function kaceErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errorDescription?: unknown; errorMessage?: unknown };
    const text = parsed.errorDescription ?? parsed.errorMessage;
    return typeof text === 'string' && text ? text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `paging=limit N offset M`, one query parameter with spaces (sent as %20, as the original's requests did). The next
 * offset is this one plus the machines received, so an appliance that caps the page below N loses none; an empty
 * page ends the list.
 */
export function machinesUrl(base: string, limit: number, offset: number): string {
  return `${base}${MACHINES_PATH}?shaping=${encodeURIComponent('machine all')},${encodeURIComponent('software standard')}&paging=${encodeURIComponent(`limit ${limit} offset ${offset}`)}`;
}

export function machinePages(base: string, limit: number): Strategy {
  let offset = 0;
  let previousFirst: string | undefined;
  return custom((page) => {
    if (page.items.length === 0) return undefined;
    const first = JSON.stringify(page.items[0]);
    if (page.index > 0 && first === previousFirst) throw new PermanentError(`${page.where}: pagination loops: the appliance seems to ignore the paging offset`);
    previousFirst = first;
    offset += page.items.length;
    return machinesUrl(base, limit, offset);
  });
}

/** What a final 401/403/400 means for the admin. */
export function explainKaceFailure(section: string, who: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const path = new URL(f.url).pathname;
    if (f.status === 401) return new ConfigError({ section, key: 'password' }, `KACE SMA refused the session of ${who} on ${path} (HTTP 401${said}): check username, password and organization_name`);
    if (f.status === 403) return new PermanentError(`KACE SMA: ${who} may not read ${path} (HTTP 403${said}): the user needs a role that may read the inventory (Inventory: read) in that organization`);
    if (f.status === 400 && /version/i.test(f.said)) return new ConfigError({ section, key: 'api_version' }, `KACE SMA refused the API version (HTTP 400${said}): check api_version`);
    return undefined;
  };
}

/** The machine as KACE sends it, with "empty" and "0000-00-00 00:00:00" made '' and `Software` as `software`. */
export function machineRecord(machine: Record<string, unknown>): Record<string, unknown> {
  const { Software, ...rest } = machine;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) out[k] = v === 'empty' || v === '0000-00-00 00:00:00' ? '' : v;
  const apps = Array.isArray(Software) ? (Software as Array<Record<string, unknown>>) : [];
  out.software = apps.map((app) => ({ name: app?.DISPLAY_NAME ?? null, version: app?.DISPLAY_VERSION ?? null, path: null }));
  return out;
}
