/**
 * The ServiceNow Table API (`GET /api/now/table/{table}`) on the HTTP source kit, as both ServiceNow sources use it
 * (https://developer.servicenow.com/dev.do#!/reference/api/latest/rest/c_TableAPI):
 * - rows in `result`; `sysparm_limit` / `sysparm_offset` paging (the original's), ordered by sys_id so that rows do
 *   not shift between pages. Pages may come back short before the end (rows an ACL hides are dropped after the
 *   count), so only an empty page, or a `Link` header without rel="next", ends the list.
 * - errors as `{"error": {"message": "...", "detail": "..."}, "status": "failure"}`: 401 for refused credentials,
 *   403 for a table or field the account may not read, 400 "Invalid table ..." for a table that does not exist;
 *   429 with `Retry-After` (and X-RateLimit-Reset) when a rate limit rule applies, which the kit waits out.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { isAuthFailure, offsetLimit, nextLink, paginate, rateLimitOf, type FailedRequest, type HttpClient, type HttpResponse, type PagingClient, type ReadClock } from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { credentialsOf, describeCredentials, serviceNowAuth, type ServiceNowCredentialSettings, type ServiceNowCredentials } from './auth.js';

export const TABLE_API = '/api/now/table';

/** ServiceNow's `error.message`, with its `detail` when it says more: "User Not Authenticated: Required to provide Auth information". */
export function serviceNowErrorText(body: string): string | undefined {
  try {
    const error = (JSON.parse(body) as { error?: { message?: unknown; detail?: unknown } } | null)?.error;
    if (!error || typeof error !== 'object' || typeof error.message !== 'string' || error.message === '') return undefined;
    return typeof error.detail === 'string' && error.detail !== '' && error.detail !== error.message ? `${error.message}: ${error.detail}` : error.message;
  } catch {
    return undefined;
  }
}

/** A table the account may not read: every row would fail alike, so it ends the read (see isServiceNowFatal). */
export class ServiceNowPermissionError extends PermanentError {}

/** fanOut's isFatal for ServiceNow: bad credentials and unreadable tables end the read instead of failing every item. */
export function isServiceNowFatal(error: unknown): boolean {
  return isAuthFailure(error) || error instanceof ServiceNowPermissionError;
}

function tableOf(url: string): string {
  const path = new URL(url).pathname;
  return path.startsWith(`${TABLE_API}/`) ? decodeURIComponent(path.slice(TABLE_API.length + 1).split('/')[0]) : path;
}

/** explainFailure: a final 401 names the settings to check, a 403 the table the account must be able to read. */
export function explainServiceNowFailure(section: string, creds: ServiceNowCredentials, tableSetting?: string) {
  const who = describeCredentials(creds);
  return (f: FailedRequest): Error | undefined => {
    const table = tableOf(f.url);
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return creds.kind === 'basic'
        ? new ConfigError({ section, key: 'password' }, `ServiceNow refused ${who} (HTTP 401${said}): check username and password; the user must be active, not locked out, and allowed web service access`)
        : new ConfigError({ section, key: 'client_id' }, `ServiceNow refused a fresh token of ${who} (HTTP 401${said}): check that the OAuth client belongs to the instance that url names`);
    }
    if (f.status === 403) {
      return new ServiceNowPermissionError(`ServiceNow: ${who} may not read table ${table} (HTTP 403${said}): give the account a role whose ACLs allow reading ${table} (such as itil, asset or cmdb_read)`);
    }
    if (f.status === 400 && /invalid table/i.test(f.said)) {
      return new ConfigError({ section, key: tableSetting ?? 'url' }, `ServiceNow has no table ${table} (HTTP 400${said})`);
    }
    if (f.status === 404 && !f.url.includes(TABLE_API)) return undefined;
    if (f.status === 404) {
      return new ConfigError({ section, key: 'url' }, `no ServiceNow Table API at ${new URL(f.url).origin} (HTTP 404${said}): url must be the instance, e.g. https://acme.service-now.com`);
    }
    return undefined;
  };
}

export interface ServiceNowClientOptions {
  section: string;
  settings: ServiceNowCredentialSettings & { rate_limit_max_wait?: number };
  /** The setting that names the table, for "Invalid table" ([servicenow_cmdb] `table`). */
  tableSetting?: string;
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

export interface ServiceNowApi {
  client: HttpClient;
  credentials: ServiceNowCredentials;
}

/** Validates the credentials (ConfigError) and derives the instance's client; nothing connects yet. */
export function serviceNowClient(http: HttpClient, o: ServiceNowClientOptions): ServiceNowApi {
  const credentials = credentialsOf(o.settings, o.section);
  const client = http.with({
    baseUrl: o.settings.url.replace(/\/+$/, ''),
    auth: serviceNowAuth(credentials, o.now),
    headers: { accept: 'application/json' },
    errorText: serviceNowErrorText,
    rateLimit: rateLimitOf(o.settings),
    explainFailure: explainServiceNowFailure(o.section, credentials, o.tableSetting),
  });
  return { client, credentials };
}

export interface TableQuery {
  table: string;
  /** The encoded query (sysparm_query); `^ORDERBYsys_id` is appended unless it orders already. */
  query?: string;
  /** sysparm_display_value: 'all' gives `{display_value, value}` per field (the original's choice); none: raw values. */
  displayValue?: 'all';
  /** sysparm_fields, comma-separated. */
  fields?: string;
  pageSize: number;
  signal?: AbortSignal;
  /** An incremental read's clock: notes when the first page was answered (src/http/incremental.ts). */
  clock?: ReadClock;
}

/** ServiceNow's internal date-time (UTC, `yyyy-MM-dd HH:mm:ss`) of an ISO instant. */
export function serviceNowDateTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * The encoded query limited to rows updated at or after `since` (an ISO instant): `sys_updated_on>=` in UTC, which
 * is how encoded queries compare date-times (the UI's gs.dateGenerate() converts the user's local time to it). It is
 * put before every OR-block (`^NQ`) so that it ANDs with each, and before an `^OR` term so it never joins that OR.
 */
export function updatedSinceQuery(query: string, since: string): string {
  const cond = `sys_updated_on>=${serviceNowDateTime(since)}`;
  if (!query.trim()) return cond;
  return query.split('^NQ').map((part) => `${cond}^${part}`).join('^NQ');
}

/** The encoded query with a stable order, so that offset pages neither skip nor repeat rows. */
export function orderedQuery(query = ''): string {
  if (/\^?ORDERBY/i.test(query)) return query;
  return `${query}^ORDERBYsys_id`;
}

/** Every row of a table query, page by page. */
export function tableRows(api: PagingClient, q: TableQuery): AsyncGenerator<RawRecord> {
  const query: Record<string, string> = { sysparm_query: orderedQuery(q.query) };
  if (q.displayValue) {
    query.sysparm_display_value = q.displayValue;
    // The links are never read (the flattening keeps display values) and make every reference field twice as big.
    query.sysparm_exclude_reference_link = 'true';
  }
  if (q.fields) query.sysparm_fields = q.fields;
  return paginate<RawRecord>(api, {
    path: `${TABLE_API}/${encodeURIComponent(q.table)}`,
    query,
    items: 'result',
    strategy: offsetLimit({ pageSize: q.pageSize, offset: 'sysparm_offset', limit: 'sysparm_limit', until: 'empty' }),
    // The Link header is computed from the total, so a page without rel="next" is the last one (no empty page to ask for).
    stop: (page) => page.response.headers.link !== undefined && nextLink(page.response.headers.link, page.response.url) === undefined,
    signal: q.signal,
    ...(q.clock ? { decode: (res: HttpResponse) => (q.clock!.note(res), res.json()) } : {}),
  });
}

/** The first row of a query (a lookup by sys_id), or undefined. */
export async function firstRow(api: PagingClient, q: Omit<TableQuery, 'pageSize'>): Promise<RawRecord | undefined> {
  const query: Record<string, string> = { sysparm_query: q.query ?? '', sysparm_limit: '1' };
  if (q.displayValue) Object.assign(query, { sysparm_display_value: q.displayValue, sysparm_exclude_reference_link: 'true' });
  if (q.fields) query.sysparm_fields = q.fields;
  const body = await api.request('GET', `${TABLE_API}/${encodeURIComponent(q.table)}`, { query, signal: q.signal });
  const result = body.json<{ result?: unknown }>()?.result;
  if (!Array.isArray(result)) throw new PermanentError(`ServiceNow answered ${TABLE_API}/${q.table} without a list of rows in "result"`);
  return result[0] as RawRecord | undefined;
}
