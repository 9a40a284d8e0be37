/**
 * The cookies of a session API that keeps its session in cookies (KACE SMA, MunkiReport, Open-AudIT): the
 * Set-Cookie lines of the login replies folded into one jar, sent back as one Cookie header. A session source talks
 * to one host, so domain and path rules do not apply (the client never sends credentials to another origin); a cookie
 * set empty, to "deleted", expired or with Max-Age=0 is one the server clears.
 */
export class CookieJar {
  private readonly cookies = new Map<string, string>();

  /** Takes the response's `set-cookie` header (one line or several). */
  absorb(setCookie: string | string[] | undefined): this {
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || value === 'deleted' || attributes.some(clears)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return this;
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  get size(): number {
    return this.cookies.size;
  }

  /** `a=1; b=2`, for the Cookie header; '' when empty. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

function clears(attribute: string): boolean {
  const [key, value = ''] = attribute.split('=').map((s) => s.trim());
  if (/^max-age$/i.test(key)) return Number(value) <= 0;
  if (/^expires$/i.test(key)) return Date.parse(value) < Date.now();
  return false;
}
