/**
 * Cisco Catalyst Center (formerly DNA Center) Intent API, as `[dnac_network_devices]` reads it, on the kit.
 * - Token: `POST /dna/system/api/v1/auth/token` with HTTP Basic (or a prepared `Authorization`) gives
 *   `{"Token": "..."}`, sent as `X-Auth-Token`; it lives 60 minutes, after which requests answer 401. The kit's
 *   session login renews it before then and logs in again after a 401.
 *   https://developer.cisco.com/docs/dna-center/2-3-7-9/authentication
 * - Devices: `GET /dna/intent/api/v1/network-device?limit=N&offset=M` with a 1-based offset (limit at most 500),
 *   `{"response": [...], "version": "1.0"}`; an empty `response` ends the list.
 * - Errors: `{"response": {"errorCode": "...", "message": "...", "detail": "..."}}` (Intent API), `{"error": "..."}`
 *   on the token call.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { jsonLogin, offsetLimit, paginate, sessionLogin, type FailedRequest, type PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';

export const TOKEN_PATH = '/dna/system/api/v1/auth/token';
export const DEVICES_PATH = '/dna/intent/api/v1/network-device';
/** The documented maximum of `limit` (the original asked for 50 a page). */
export const PAGE_SIZE = 500;
/** "The token is valid for 60 minutes." */
export const TOKEN_LIFETIME_MS = 60 * 60_000;

/** `{"response": {"message": ..., "detail": ...}}` -> "message: detail"; undefined: the kit's own reading. */
export function dnacErrorText(body: string): string | undefined {
  try {
    const r = (JSON.parse(body) as { response?: { message?: unknown; detail?: unknown; errorCode?: unknown } }).response;
    if (!r || typeof r !== 'object') return undefined;
    const message = typeof r.message === 'string' ? r.message : typeof r.errorCode === 'string' ? r.errorCode : undefined;
    const detail = typeof r.detail === 'string' && r.detail !== message ? r.detail : undefined;
    return message && detail ? `${message}: ${detail}` : message ?? detail;
  } catch {
    return undefined;
  }
}

export interface DnacCredentials {
  /**
   * The token request's Authorization header. It travels as a header of the login request itself: the kit sends
   * requests made while logging in without the client's authentication. The kit scrubs it from error texts.
   */
  authorization: string;
  keys: string;
  who: string;
}

export function dnacCredentials(s: { username: string; password: string; authorization_settings: Record<string, unknown> }, section: string): DnacCredentials {
  if (s.username && s.password) return { authorization: `Basic ${Buffer.from(`${s.username}:${s.password}`, 'utf8').toString('base64')}`, keys: 'username and password', who: `user "${s.username}"` };
  const header = s.authorization_settings.Authorization;
  if (!s.username && !s.password && typeof header === 'string' && header) {
    return { authorization: header, keys: 'authorization_settings', who: 'the Authorization of authorization_settings' };
  }
  throw new ConfigError({ section, key: s.username ? 'password' : 'username' }, 'set username and password of a Catalyst Center user');
}

/** The X-Auth-Token session: a token from the Basic login, renewed before its 60 minutes and after a 401. */
export function dnacSession(base: string, creds: DnacCredentials, section: string, now: () => number = Date.now) {
  const login = jsonLogin({
    url: `${base}${TOKEN_PATH}`,
    json: {},
    headers: { authorization: creds.authorization },
    token: 'Token',
    defaultLifetimeMs: TOKEN_LIFETIME_MS,
    now,
    rejected(status, said) {
      const text = said ? `: ${said}` : '';
      if (status === 401) return new ConfigError({ section, key: creds.keys.split(' ')[0] }, `Catalyst Center refused ${creds.who} (HTTP 401${text}): check ${creds.keys}`);
      if (status === 403) return new PermanentError(`Catalyst Center: ${creds.who} may not request an API token (HTTP 403${text}): the user needs a role with API access (e.g. OBSERVER-ROLE or a custom role with Inventory Management read)`);
      return new ConfigError({ section, key: 'base_url' }, `no Catalyst Center token API at ${base}${TOKEN_PATH} (HTTP ${status}${text}): check base_url`);
    },
  });
  return sessionLogin({ login, inject: { header: 'X-Auth-Token' }, describe: () => creds.who, now });
}

/** Every device, `pageSize` at a time from offset 1, until a page comes back empty (as the original). */
export function deviceList(client: PagingClient, base: string, signal: AbortSignal, pageSize = PAGE_SIZE): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, {
    path: `${base}${DEVICES_PATH}`,
    items: 'response',
    strategy: offsetLimit({ pageSize, start: 1, until: 'empty' }),
    signal,
  });
}

export function explainDnacFailure(section: string, creds: DnacCredentials) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const path = new URL(f.url).pathname;
    if (f.status === 401) return new ConfigError({ section, key: creds.keys.split(' ')[0] }, `Catalyst Center refused the token of ${creds.who} on ${path} (HTTP 401${said}): check ${creds.keys}`);
    if (f.status === 403) return new PermanentError(`Catalyst Center: ${creds.who} may not read ${path} (HTTP 403${said}): the user needs read access to Inventory Management (e.g. OBSERVER-ROLE)`);
    if (f.status === 404) return new ConfigError({ section, key: 'base_url' }, `no Catalyst Center Intent API at ${f.url} (HTTP 404): check base_url`);
    return undefined;
  };
}
