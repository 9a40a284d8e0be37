/**
 * OneLogin on the HTTP source kit: the API/1 token (the kit's session login keeps it, renews it before its 10 hours
 * run out and after a 401), the legacy API key, the two user lists and what their failures mean for the admin.
 * - Token: POST /auth/oauth2/token, `Authorization: client_id:<id>, client_secret:<secret>`, JSON grant_type;
 *   the reply is OneLogin's envelope `{status: {code, message}, data: [{access_token, expires_in}]}`.
 *   https://developers.onelogin.com/api-docs/1/oauth20-tokens/generate-tokens
 * - Users: GET /api/1/users with `Authorization: bearer:<token>`, `pagination.after_cursor` until null.
 *   https://developers.onelogin.com/api-docs/1/users/get-users
 * - Legacy: GET users.xml?include_custom_attributes=true&page=N with Basic `<api_token>:x`, until an empty page.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import {
  basicAuth, cursorAt, pageNumber, paginate, serverErrorText, sessionLogin,
  type AuthProvider, type FailedRequest, type HttpClientLike, type PagingClient, type SessionLogin, type SessionToken,
} from '../../http/index.js';
import type { RawRecord } from '../types.js';

export type OneLoginMode =
  | { kind: 'api1'; clientId: string; clientSecret: string }
  | { kind: 'legacy'; apiToken: string };

/** The API/1 token lives on the host of the users URL (api.us, api.eu or the tenant's subdomain); never a fixed host. */
export function tokenUrlFor(usersUrl: string): string {
  return `${new URL(usersUrl).origin}/auth/oauth2/token`;
}

/** OneLogin's error envelope: `{"status": {"code": 401, "message": "Authentication Failure"}}`. */
export function envelopeText(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { status?: { message?: unknown } })?.status?.message;
    return typeof message === 'string' && message ? message : undefined;
  } catch {
    return undefined;
  }
}

interface TokenEnvelope {
  status?: { code?: unknown; message?: unknown };
  data?: Array<{ access_token?: unknown; expires_in?: unknown }>;
}

/** API/1 client credentials, told how OneLogin logs in; the kit's session login does the token's life. */
export function oneLoginToken(tokenUrl: string, clientId: string, clientSecret: string, section: string, now?: () => number): SessionLogin {
  const refused = (why: string) => new ConfigError({ section, key: 'client_secret' },
    `OneLogin refused API credential "${clientId}" at ${tokenUrl} (${why}): check client_id and client_secret, and that url names your region (api.us.onelogin.com or api.eu.onelogin.com)`);
  const login = async (client: HttpClientLike): Promise<SessionToken> => {
    const res = await client.request('POST', tokenUrl, {
      json: { grant_type: 'client_credentials' },
      headers: { accept: 'application/json', authorization: `client_id:${clientId}, client_secret:${clientSecret}` },
      acceptStatus: [400, 401, 403, 404],
    });
    if (res.status === 404) throw new ConfigError({ section, key: 'url' }, `no OneLogin token endpoint at ${tokenUrl} (HTTP 404): url must be the API/1 users URL, e.g. https://api.us.onelogin.com/api/1/users`);
    const said = serverErrorText(res.text, envelopeText);
    if (res.status !== 200) throw refused(`HTTP ${res.status}${said ? `: ${said}` : ''}`);
    const body = res.json<TokenEnvelope>();
    // The original checked the envelope too: OneLogin can answer HTTP 200 with an error code inside.
    if (body?.status?.code !== 200) throw refused(`code ${String(body?.status?.code)}${said ? `: ${said}` : ''}`);
    const token = body.data?.[0];
    if (typeof token?.access_token !== 'string' || token.access_token === '') {
      throw new PermanentError(`the OneLogin token reply from ${tokenUrl} has no data[0].access_token`);
    }
    const seconds = Number(token.expires_in);
    return { value: token.access_token, lifetimeMs: seconds > 0 ? seconds * 1000 : undefined };
  };
  return sessionLogin({
    login,
    // `bearer:<token>`, no space: OneLogin's API/1 scheme, not RFC 6750's.
    inject: (request, token) => void (request.headers.authorization = `bearer:${token}`),
    describe: () => `API credential "${clientId}"`,
    now,
  });
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

/** API/1 users, 50 a page, raw (shaping is the caller's). */
export function api1Users(client: PagingClient, url: string, signal: AbortSignal): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, { path: url, items: 'data', strategy: cursorAt('pagination.after_cursor', 'after_cursor'), signal });
}

/** Legacy XML users in xmltodict's shape; a page holding one user gives an object, which is one item. */
export function legacyUsers(client: PagingClient, url: string, signal: AbortSignal): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(client, {
    path: url, query: { include_custom_attributes: 'true' }, format: 'xml', items: 'users.user', strategy: pageNumber({ start: 1 }), signal,
  });
}
