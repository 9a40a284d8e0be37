/**
 * OneLogin on the HTTP source kit: the API v2 token (the kit's OAuth2 client credentials keep it and renew it before
 * its 10 hours run out and after a 401), the legacy API key, the two user lists and what their failures mean.
 * - Token: POST <base>/auth/oauth2/v2/token, Basic `client_id:client_secret`, JSON {"grant_type":"client_credentials"};
 *   an RFC 6749 reply {access_token, token_type: "bearer", expires_in: 36000}. The same token comes back until it
 *   expires. https://developers.onelogin.com/api-docs/2/oauth20-tokens/generate-tokens-2
 * - Users: GET <base>/api/2/users with `Authorization: Bearer <token>`: a bare JSON list, at most 50 a page; the next
 *   page is `cursor=<After-Cursor header>`. https://developers.onelogin.com/api-docs/2/users/list-users and
 *   https://developers.onelogin.com/api-docs/2/getting-started/using-query-parameters (pagination).
 * - Legacy: GET users.xml?include_custom_attributes=true&page=N with Basic `<api_token>:x`, until an empty page.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import {
  basicAuth, cursorHeader, oauth2ClientCredentials, pageNumber, paginate,
  type AuthProvider, type FailedRequest, type PagingClient,
} from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { API2_REQUESTED_FIELDS } from './userRecord.js';

export type OneLoginMode =
  | { kind: 'api2'; clientId: string; clientSecret: string }
  | { kind: 'legacy'; apiToken: string };

export interface OneLoginEndpoints {
  tokenUrl: string;
  usersUrl: string;
}

/**
 * The API v2 endpoints of the tenant that `url` names. `url` keeps the original's meaning (the API/1 users URL, e.g.
 * https://api.eu.onelogin.com/api/1/users); the API/2 users URL or the host alone work too. Whatever comes before
 * /api/N/users (a proxy's path) is kept. undefined: `url` is none of these.
 */
export function oneLoginEndpoints(url: string): OneLoginEndpoints | undefined {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, '');
  const prefix = /^(.*?)(?:\/api\/[12]\/users)?$/.exec(path)![1];
  if (prefix !== '' && !/\/api\/[12]\/users$/.test(path)) return undefined;
  const base = `${u.origin}${prefix}`;
  return { tokenUrl: `${base}/auth/oauth2/v2/token`, usersUrl: `${base}/api/2/users` };
}

/**
 * OneLogin's error texts: API v2 resources `{"message": "Unauthorized", "statusCode": 401, "name": "UnauthorizedError"}`,
 * the v2 token endpoint `{"error": true, "code": 401, "type": "Unauthorized", "message": "..."}` and the API/1
 * envelope `{"status": {"code": 401, "message": "Authentication Failure"}}`. The kit's reading would pick the
 * boolean `error` of the second.
 */
export function oneLoginErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; status?: { message?: unknown } } | null;
    const message = typeof parsed?.message === 'string' ? parsed.message : parsed?.status?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

/** API v2 client credentials on the kit's OAuth2 provider, with OneLogin's wording when the credential is refused. */
export function oneLoginToken(tokenUrl: string, clientId: string, clientSecret: string, section: string, now?: () => number): AuthProvider {
  const provider = oauth2ClientCredentials({
    tokenUrl,
    clientId,
    clientSecret,
    // OneLogin's own SDKs send Basic with a JSON body; the documented form body would work as well.
    style: 'basic',
    encoding: 'json',
    errorText: oneLoginErrorText,
    rejected: (status, said) => new ConfigError({ section, key: 'client_secret' },
      `OneLogin refused API credential "${clientId}" at ${tokenUrl} (HTTP ${status}${said ? `: ${said}` : ''}): check client_id and client_secret, and that url names your OneLogin host (https://<subdomain>.onelogin.com or api.us/api.eu.onelogin.com)`),
    now,
  });
  return { ...provider, describe: () => `API credential "${clientId}"` };
}

/** The legacy API key travels as the Basic user name with the password "x", as the original sent it. */
export function legacyAuth(apiToken: string): AuthProvider {
  return { ...basicAuth(apiToken, 'x'), describe: () => 'the legacy api_token' };
}

/** What a final 401/403/404 means for the admin (a 401 comes after one fresh token was refused as well). */
export function explainOneLoginFailure(section: string, mode: OneLoginMode) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 404) return new ConfigError({ section, key: 'url' }, `OneLogin has no ${path} (HTTP 404${said}): check url`);
    if (mode.kind === 'legacy') {
      if (f.status === 401) return new ConfigError({ section, key: 'api_token' }, `OneLogin rejected the api_token on ${path} (HTTP 401${said})`);
      if (f.status === 403) return new PermanentError(`OneLogin: the api_token may not read ${path} (HTTP 403${said}); the legacy API is retired, configure client_id and client_secret`);
      return undefined;
    }
    if (f.status === 401 || f.status === 403) {
      return new PermanentError(`OneLogin refused a fresh token of API credential "${mode.clientId}" on ${path} (HTTP ${f.status}${said}): the credential needs the "Read users" scope (or Manage users, Read All, Manage All)`);
    }
    return undefined;
  };
}

/** "This call returns up to 50 users per page" (List Users, API v2). */
export const API2_PAGE_SIZE = 50;

/**
 * API v2 users, raw (shaping is the caller's). The list answers a short set of fields unless `fields` names them,
 * so every field the API/1 record had is asked for by name.
 */
export function api2Users(client: PagingClient, usersUrl: string, signal: AbortSignal): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, {
    path: usersUrl,
    query: { limit: API2_PAGE_SIZE, fields: API2_REQUESTED_FIELDS.join(',') },
    items: '',
    strategy: cursorHeader('After-Cursor', 'cursor'),
    signal,
  });
}

/** Legacy XML users in xmltodict's shape; a page holding one user gives an object, which is one item. */
export function legacyUsers(client: PagingClient, url: string, signal: AbortSignal): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, {
    path: url, query: { include_custom_attributes: 'true' }, format: 'xml', items: 'users.user', strategy: pageNumber({ start: 1 }), signal,
  });
}
