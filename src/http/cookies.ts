/**
 * A small cookie jar (RFC 6265's storage and matching rules, without a public-suffix list) for clients that must
 * keep a server's session cookies across requests, as a Python `requests.Session` does: managed-mode integrations
 * log in with a form and rely on the session cookie being sent back; session sources (KACE, MunkiReport, Open-AudIT)
 * fold their login's cookies into one Cookie header used as their session token. Give it to a client with
 * `client.with({ cookies: new CookieJar() })`; every response's Set-Cookie is stored, every request carries the
 * cookies that match its URL (unless the caller set a Cookie header itself, as requests does).
 */
interface StoredCookie {
  name: string;
  value: string;
  domain: string;
  /** No Domain attribute: sent to exactly the host that set it. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  /** ms since the epoch; undefined: a session cookie. */
  expires?: number;
}

export class CookieJar {
  private cookies: StoredCookie[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  /** Stores the cookies of one response (the Set-Cookie header, one string or several). */
  store(url: URL, setCookie: string | string[] | undefined): void {
    if (setCookie === undefined) return;
    for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) this.storeOne(url, line);
  }

  /** The Cookie header for a request to `url`, or undefined when no cookie matches. */
  header(url: URL): string | undefined {
    const now = this.now();
    this.cookies = this.cookies.filter((c) => c.expires === undefined || c.expires > now);
    const host = url.hostname.toLowerCase();
    const path = url.pathname || '/';
    const matching = this.cookies
      .filter((c) => (c.hostOnly ? host === c.domain : domainMatch(host, c.domain)) && pathMatch(path, c.path) && (!c.secure || url.protocol === 'https:'))
      .sort((a, b) => b.path.length - a.path.length);
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join('; ') : undefined;
  }

  /** The value of the held cookie `name` (a session API's CSRF cookie, which it wants back in a header). */
  get(name: string): string | undefined {
    return this.cookies.find((c) => c.name === name)?.value;
  }

  /** Names of the cookies held (for diagnostics and tests; values are secrets). */
  names(): string[] {
    return this.cookies.map((c) => c.name);
  }

  clear(): void {
    this.cookies = [];
  }

  private storeOne(url: URL, line: string): void {
    const [pair, ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) return;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const host = url.hostname.toLowerCase();
    const cookie: StoredCookie = { name, value, domain: host, hostOnly: true, path: defaultPath(url.pathname), secure: false };
    let maxAge: number | undefined;
    for (const attribute of attributes) {
      const at = attribute.indexOf('=');
      const key = (at < 0 ? attribute : attribute.slice(0, at)).trim().toLowerCase();
      const val = at < 0 ? '' : attribute.slice(at + 1).trim();
      if (key === 'domain' && val) {
        const domain = val.replace(/^\./, '').toLowerCase();
        if (!domainMatch(host, domain)) return; // a cookie for another site: ignored, as browsers and requests do
        cookie.domain = domain;
        cookie.hostOnly = false;
      } else if (key === 'path' && val.startsWith('/')) {
        cookie.path = val;
      } else if (key === 'secure') {
        cookie.secure = true;
      } else if (key === 'max-age' && /^-?\d+$/.test(val)) {
        maxAge = Number(val);
      } else if (key === 'expires') {
        const at = Date.parse(val);
        if (!Number.isNaN(at)) cookie.expires = at;
      }
    }
    if (maxAge !== undefined) cookie.expires = this.now() + maxAge * 1000; // Max-Age wins over Expires
    this.cookies = this.cookies.filter((c) => !(c.name === cookie.name && c.domain === cookie.domain && c.path === cookie.path));
    if (cookie.expires === undefined || cookie.expires > this.now()) this.cookies.push(cookie);
  }
}

function domainMatch(host: string, domain: string): boolean {
  return host === domain || (host.endsWith(`.${domain}`) && !/^[\d.]+$/.test(host));
}

function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  return requestPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/');
}

/** RFC 6265 5.1.4: the request path up to its last slash. */
function defaultPath(path: string): string {
  if (!path.startsWith('/')) return '/';
  const last = path.lastIndexOf('/');
  return last <= 0 ? '/' : path.slice(0, last);
}
