/**
 * Open-AudIT's JSON API (FirstWave; https://docs.community.firstwave.com/wiki/spaces/OA/pages/3163950656): a form
 * logon (`POST /open-audit/index.php/logon` with `username`, `password`, `Accept: application/json`) sets a session
 * cookie (PHPSESSID on the versions the original knew); reads send it back. Collections answer
 * `{meta: {filtered, limit, offset, total, ...}, data: [{id, type, attributes}]}`, `filtered` being the items of
 * this page.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { CookieJar, sessionLogin, type FailedRequest, type HttpClientLike, type HttpResponse, type SessionLogin } from '../../http/index.js';

export const API_ROOT = '/open-audit/index.php';

/**
 * The cookies the logon set, as one Cookie header value. The whole jar is kept (not only PHPSESSID): newer builds
 * may name the session cookie otherwise; a cookie PHP deletes (expired) is not sent back.
 */
export function cookieJar(res: HttpResponse): string {
  const jar = new CookieJar();
  const url = new URL(res.url);
  jar.store(url, res.headers['set-cookie']);
  return jar.header(url) ?? '';
}

/** Open-AudIT's error texts: `{errors: [{title, detail}]}`, or a refused logon's meta (`{header: "HTTP/1.1 401 ..."}`). */
export function openAuditErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: Array<{ title?: unknown; detail?: unknown }>; header?: unknown; meta?: { header?: unknown } };
    const first = Array.isArray(parsed.errors) ? parsed.errors[0] : undefined;
    if (first) return [first.title, first.detail].filter((t) => typeof t === 'string' && t).join(': ') || undefined;
    const header = parsed.header ?? parsed.meta?.header;
    return typeof header === 'string' ? header : undefined;
  } catch {
    return undefined;
  }
}

export function openAuditSession(creds: { username: string; password: string }, section: string): SessionLogin {
  return sessionLogin({
    async login(client: HttpClientLike) {
      const res = await client.request('POST', `${API_ROOT}/logon`, {
        form: { username: creds.username, password: creds.password },
        headers: { accept: 'application/json' },
        acceptStatus: [400, 401, 403, 404],
      });
      const said = openAuditErrorText(res.text);
      if (res.status === 404) {
        throw new ConfigError({ section, key: 'url' }, `no Open-AudIT logon at ${res.url} (HTTP 404): url is the server (http://host), without /open-audit`);
      }
      let user: { id?: unknown } | undefined;
      try {
        user = res.json<{ id?: unknown }>();
      } catch {
        user = undefined;
      }
      // A refused logon answers 401 with the request's meta, and no user.
      if (res.status >= 400 || user?.id === undefined || user.id === null) {
        throw new ConfigError({ section, key: 'password' }, `Open-AudIT refused the logon of "${creds.username}" (HTTP ${res.status}${said ? `: ${said}` : ''}): check username and password`);
      }
      const jar = cookieJar(res);
      if (!jar) throw new PermanentError(`the Open-AudIT logon at ${res.url} set no session cookie`);
      return { value: jar };
    },
    inject: (request, jar) => {
      request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; ${jar}` : jar;
    },
    describe: () => `"${creds.username}"`,
  });
}

export function explainOpenAuditFailure(section: string, username: string) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) return new ConfigError({ section, key: 'password' }, `Open-AudIT refused the session of "${username}" on ${path} (HTTP 401${said}): check username and password`);
    if (f.status === 403) {
      return new PermanentError(`Open-AudIT: "${username}" may not read ${path} (HTTP 403${said}): the user needs a role with read access to devices (e.g. "user") in the devices' organisations`);
    }
    return undefined;
  };
}
