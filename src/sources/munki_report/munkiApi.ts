/**
 * MunkiReport has no documented API (the v6 rewrite's is not released): like the original, this reads the web UI's
 * DataTables endpoint (https://github.com/munkireport/munkireport-php, app/controllers/Datatables.php,
 * app/lib/munkireport/Tablequery.php):
 * - `POST {url}/index.php?/auth/login` with the form fields `login` and `password` opens a PHP session (cookies);
 *   the `CSRF-TOKEN` cookie is sent back as the `x-csrf-token` header. The login answers a redirect to the
 *   dashboard, which is followed with the session's cookies (cookies set on the way are kept, as a browser's jar
 *   would); a refused login answers the login page again, so it shows as "Authenticate first" afterwards.
 * - `POST {url}/index.php?/datatables/data` with `columns[i][name]=table.column` answers every row at once (the
 *   default `length` is -1, all) as positional arrays in `data`, in the order of the columns; a query error comes
 *   back as HTTP 200 with `error`. An unauthenticated request (an expired session) is refused with 403
 *   "Authenticate first": the kit logs in again once.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { CookieJar, sessionLogin, type FailedRequest, type HttpClientLike, type HttpResponse, type SessionToken } from '../../http/index.js';
import type { MunkiReportSettings } from './settings.js';

/** The columns the original always reads, in its order. */
export const DEFAULT_COLUMNS = [
  'machine.serial_number',
  'machine.hostname',
  'machine.machine_desc',
  'reportdata.timestamp',
  'reportdata.console_user',
  'machine.os_version',
  'reportdata.remote_ip',
  'munkireport.manifestname',
] as const;

const REDIRECTS = [301, 302, 303, 307, 308];
const MAX_HOPS = 5;

/** The default columns plus the section's extra ones, without duplicates (per section: the original's list leaked across sections). */
export function columnsOf(extra: readonly string[]): string[] {
  const out: string[] = [...DEFAULT_COLUMNS];
  for (const c of extra.map((x) => x.trim())) if (!out.includes(c)) out.push(c);
  return out;
}

/** `columns[0][name]=machine.serial_number&...`, as the web UI sends them. */
export function columnsForm(columns: readonly string[]): Record<string, string> {
  return Object.fromEntries(columns.map((c, i) => [`columns[${i}][name]`, c]));
}

/**
 * Field names as the original derives them from the `sql` of the reply: the text before FROM, split on commas, the
 * part after the dot, backticks removed. MunkiReport sends `sql` only when its debug mode is on; otherwise the names
 * come from the columns sent (the server selects them in that order, sanitized the same way).
 */
export function fieldNames(sql: unknown, columns: readonly string[]): string[] {
  if (typeof sql === 'string' && /FROM/.test(sql)) {
    return sql.split('FROM')[0].trim().replace(/^SELECT\s+/i, '').split(',').map((part) => {
      const dot = part.indexOf('.');
      return (dot >= 0 ? part.slice(dot + 1) : part).replace(/`/g, '').trim();
    });
  }
  return columns.map((c) => {
    const clean = c.replace(/[^a-zA-Z0-9._]/g, '');
    const dot = clean.indexOf('.');
    return dot >= 0 ? clean.slice(dot + 1) : clean;
  });
}

export function munkiSessionAuth(s: MunkiReportSettings, index: string, section: string) {
  const who = `login "${s.username}"`;
  const csrfOf = new Map<string, string>();
  const login = async (client: HttpClientLike): Promise<SessionToken> => {
    const jar = new CookieJar();
    let res: HttpResponse = await client.request('POST', `${index}?/auth/login`, {
      form: { login: s.username, password: s.password },
      headers: { accept: 'text/html,application/json' },
      acceptStatus: [...REDIRECTS, 400, 401, 403, 404, 419],
    });
    jar.store(new URL(res.url), res.headers['set-cookie']);
    for (let hop = 0; REDIRECTS.includes(res.status) && hop < MAX_HOPS; hop++) {
      const next = new URL(String(res.headers.location ?? ''), res.url);
      // The session cookie never goes to another host.
      if (next.origin !== new URL(index).origin) break;
      res = await client.request('GET', next.toString(), { headers: { accept: 'text/html', cookie: jar.header(next) ?? '' }, acceptStatus: [...REDIRECTS, 401, 403, 404] });
      jar.store(new URL(res.url), res.headers['set-cookie']);
    }
    if (res.status === 404) throw new ConfigError({ section, key: 'url' }, `no MunkiReport login at ${index}?/auth/login (HTTP 404): check url`);
    const csrf = jar.get('CSRF-TOKEN');
    if (!csrf) {
      throw new ConfigError({ section, key: 'password' },
        `MunkiReport gave no CSRF-TOKEN cookie after the ${who} (HTTP ${res.status}): check username and password, and that url is the MunkiReport server`);
    }
    const cookies = jar.header(new URL(res.url)) ?? '';
    csrfOf.clear();
    csrfOf.set(cookies, csrf);
    return { value: cookies };
  };
  const auth = sessionLogin({
    login,
    inject: (request, token) => {
      request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; ${token}` : token;
      const csrf = csrfOf.get(token);
      if (csrf) request.headers['x-csrf-token'] = csrf;
    },
    describe: () => who,
  });
  return { auth, who };
}

/** An expired or refused session: 403 "Authenticate first" (a CSRF token that no longer matches reads alike). */
export function isSessionRefusal(res: HttpResponse): boolean {
  return res.status === 403 || res.status === 419;
}

export function explainMunkiFailure(section: string, who: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 403 || f.status === 419 || f.status === 401) {
      return new ConfigError({ section, key: 'password' },
        `MunkiReport did not accept the ${who} (HTTP ${f.status}${said}, after a new login): check username and password`);
    }
    if (f.status === 404) return new ConfigError({ section, key: 'url' }, `no MunkiReport data at ${f.url} (HTTP 404): check url`);
    return undefined;
  };
}

/** The reply's rows as the original's records: one new object per row (the original reused one and mutated it). */
export function rowsOf(body: unknown, columns: readonly string[], where: string): Array<Record<string, unknown>> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new PermanentError(`${where}: the reply is not a DataTables object`);
  const { data, sql, error } = body as { data?: unknown; sql?: unknown; error?: unknown };
  if (error) throw new PermanentError(`${where}: MunkiReport could not run the query: ${String(error)}${/column/i.test(String(error)) ? ' (check db_columns)' : ''}`);
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data)) throw new PermanentError(`${where}: "data" is not a list of rows`);
  const names = fieldNames(sql, columns);
  return data.map((row, n) => {
    if (!Array.isArray(row)) throw new PermanentError(`${where}: row ${n} is not a list of values`);
    const record: Record<string, unknown> = {};
    row.forEach((value, i) => {
      if (i < names.length) record[names[i]] = value;
    });
    return record;
  });
}
