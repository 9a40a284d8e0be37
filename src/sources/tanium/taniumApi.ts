/**
 * Tanium's REST API on the HTTP source kit:
 * - authentication: an API token sent as it is in the `session` header, or `POST /api/v2/session/login
 *   {username, password, domain}` whose `data.session` travels in the same header; such a session is ended by the
 *   server after idling or at its lifetime, and Tanium then refuses it with a 401 or 403, so both log in again once
 *   (classifyFailure 'reauthenticate'); the session is logged out when the run ends.
 *   https://developer.tanium.com/site/global/docs/how_tos/auth/index.gsp
 * - assets: `GET /plugin/products/asset/v1/assets?limit=100&minimumAssetId=N[&viewId=V]` answering
 *   `{data: [...], meta: {nextAssetId}}`; the next page starts at `nextAssetId`, an empty `data` ends the list.
 * Errors are `{"text": "..."}`.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { jsonLogin, sessionLogin, tokenHeader, type AuthProvider, type FailedRequest, type Page, type Strategy } from '../../http/index.js';
import type { TaniumSettings } from './settings.js';

export const ASSETS_PATH = '/plugin/products/asset/v1/assets';
export const LOGIN_PATH = '/api/v2/session/login';
export const LOGOUT_PATH = '/api/v2/session/logout';
/** The original's page size. */
export const PAGE_SIZE = 100;

/** `{"text": "Not Authorized"}` (Tanium's error body) -> its text; else the kit's own reading. */
export function taniumErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { text?: unknown };
    return typeof parsed.text === 'string' && parsed.text ? parsed.text : undefined;
  } catch {
    return undefined;
  }
}

export interface TaniumAuth {
  auth: AuthProvider;
  /** `login "jane"` or `the API token in session_token`, for messages. */
  who: string;
  usesLogin: boolean;
}

export function taniumAuth(s: TaniumSettings, base: string, section: string): TaniumAuth {
  if (s.session_token) {
    // The token goes as configured (the original did): Tanium shows API tokens with their "token-" prefix.
    return { auth: tokenHeader('session', s.session_token), who: 'the API token in session_token', usesLogin: false };
  }
  if (!s.username || !s.password) {
    throw new ConfigError({ section, key: s.username ? 'password' : 'username' }, 'set session_token (a Tanium API token), or username and password to log in');
  }
  const who = `login "${s.domain ? `${s.domain}\\` : ''}${s.username}"`;
  const auth = sessionLogin({
    login: jsonLogin({
      url: `${base}${LOGIN_PATH}`,
      json: { username: s.username, password: s.password, domain: s.domain },
      token: 'data.session',
      rejected: (status, text) => {
        // jsonLogin hands over the kit's reading of the body, which does not know Tanium's {"text": ...}.
        const said = taniumErrorText(text) ?? text;
        return new ConfigError({ section, key: 'password' },
          `Tanium refused the ${who} (HTTP ${status}${said ? `: ${said}` : ''}): check username, password and domain (API tokens in session_token are the only way into Tanium Cloud)`);
      },
    }),
    // Best effort: a session left open lives on until Tanium's idle timeout.
    logout: async (client, token) => {
      await client.request('POST', `${base}${LOGOUT_PATH}`, { json: { session: token }, headers: { session: token }, acceptStatus: [400, 401, 403, 404], retry: { retries: 0 } });
    },
    inject: { header: 'session' },
    describe: () => who,
  });
  return { auth, who, usesLogin: true };
}

/**
 * minimumAssetId paging: the first page from 1, then from `meta.nextAssetId`, until an empty `data`. A next id that
 * does not advance would read the same page for ever (the original looped): an error instead.
 */
export function nextAssetId(): Strategy {
  return {
    inject: 'minimumAssetId',
    first: 1,
    next(page: Page) {
      if (page.items.length === 0) return undefined;
      const next = (page.body as { meta?: { nextAssetId?: unknown } } | undefined)?.meta?.nextAssetId;
      const n = typeof next === 'string' && /^\d+$/.test(next) ? Number(next) : next;
      if (typeof n !== 'number' || !Number.isSafeInteger(n)) {
        throw new PermanentError(`${page.where}: a page of assets without a whole number at meta.nextAssetId (found ${JSON.stringify(next)}): the rest of the list cannot be read`);
      }
      if (n <= Number(page.token ?? 1)) throw new PermanentError(`${page.where}: pagination loops: meta.nextAssetId ${n} does not advance past minimumAssetId ${String(page.token)}`);
      return n;
    },
  };
}

/** What a final 401/403/400/404 means for the admin. */
export function explainTaniumFailure(section: string, a: () => TaniumAuth) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const { who, usesLogin } = a();
    const path = new URL(f.url).pathname;
    if (!usesLogin && (f.status === 401 || f.status === 403)) {
      return new ConfigError({ section, key: 'session_token' },
        `Tanium refused ${who} (HTTP ${f.status}${said}): check that the token (token-...) has not expired or been revoked, that this machine's address is among its trusted IP addresses, and that its owner has the Asset Report Read permission`);
    }
    if (f.status === 401) return new ConfigError({ section, key: 'password' }, `Tanium refused the session of the ${who} on ${path} (HTTP 401${said}): check username, password and domain`);
    if (f.status === 403) {
      return new PermanentError(`Tanium: the ${who} may not read ${path} (HTTP 403${said}), even with a new session: the account needs the Asset Report Read permission`);
    }
    if ((f.status === 400 || f.status === 404) && path === ASSETS_PATH && /view/i.test(f.said)) {
      return new ConfigError({ section, key: 'view' }, `Tanium refused the view (HTTP ${f.status}${said}): view must be the numeric id of an Asset view the account may use`);
    }
    if (f.status === 404 && path === ASSETS_PATH) {
      return new ConfigError({ section, key: 'url' }, `no Tanium Asset API at ${f.url} (HTTP 404): check url, and that the Asset module is installed`);
    }
    return undefined;
  };
}
