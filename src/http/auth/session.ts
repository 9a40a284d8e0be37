/**
 * The one shape of every "log in, get a token, send it, renew it, log out" API (Airbyte's SessionTokenAuthenticator):
 * Jamf Pro, Tanium, KACE, Open-AudIT, vCenter, Catalyst Center, Oomnitza's username/password login and managed
 * mode's session auth. The source says how to log in and how the token travels; this provider does the rest:
 * - one login shared by concurrent callers (single-flight);
 * - renewal before expiry (with an optional cheaper keep-alive while the token is still valid), so no request
 *   carries a token that dies on the way;
 * - after a 401 the token is dropped and the client logs in again once (a session ended by the server mid-run);
 * - logout when the client closes; every token is registered with the log redactor.
 */
import { PermanentError } from '../../errors.js';
import { redactor } from '../../logging.js';
import { getPath } from '../../records.js';
import { serverErrorText } from '../httpError.js';
import { carriesToken } from './tokenCache.js';
import type { AuthProvider, HttpClientLike, OutgoingRequest } from '../types.js';

export interface SessionToken {
  /** The token value; sent as `inject` says. */
  value: string;
  /** Lifetime from now, in ms, when the server says (expires_in, an expiry date); undefined: until a 401. */
  lifetimeMs?: number;
}

/**
 * How a token travels: a header (with an optional scheme: `Authorization: Bearer <t>`), a cookie, a top-level field
 * of the JSON request body (JSON-RPC's `session`: FortiManager), or a function.
 */
export type TokenInjection =
  | { header: string; scheme?: string }
  | { cookie: string }
  | { jsonBody: string }
  | ((request: OutgoingRequest, token: string) => void);

export interface SessionLoginOptions {
  /**
   * Logs in. Requests made through `client` are sent without this provider's authentication. Throw a ConfigError
   * for rejected credentials (naming the settings to check). Return undefined when the server has no session
   * endpoint and `fallback` should authenticate every request instead (old Jamf Pro: Basic).
   */
  login(client: HttpClientLike): Promise<SessionToken | undefined>;
  /** Extends a still-valid session (Jamf's keep-alive); undefined or a throw means "log in again". */
  renew?(client: HttpClientLike, token: string): Promise<SessionToken | undefined>;
  /** Ends the session; best effort. */
  logout?(client: HttpClientLike, token: string): Promise<void>;
  inject: TokenInjection;
  /** Used when login() returns undefined. */
  fallback?: AuthProvider;
  /** Renew when this much of the lifetime is left; default a fifth of it, at most 5 minutes. */
  renewMarginMs?(lifetimeMs: number): number;
  /** Whom we log in as, for `connector test`. */
  describe?(): string;
  now?: () => number;
}

interface Held {
  value: string;
  /** undefined: no known expiry. */
  expiresAt?: number;
  renewAt?: number;
}

const DEFAULT_MARGIN = (lifetimeMs: number) => Math.min(5 * 60_000, lifetimeMs / 5);
/** Keep-alive is pointless on a token this close to expiry: log in again instead. */
const KEEP_ALIVE_MIN_LEFT_MS = 1_000;

export class SessionLogin implements AuthProvider {
  private held: Held | undefined;
  private pending: Promise<Held | undefined> | undefined;
  private fallback = false;
  private readonly now: () => number;

  constructor(private readonly opts: SessionLoginOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** True when login() found no session endpoint and `fallback` authenticates requests. */
  get usesFallback(): boolean {
    return this.fallback;
  }

  async authorize(request: OutgoingRequest, client: HttpClientLike): Promise<void> {
    const token = this.fallback ? undefined : await this.current(client);
    if (!token) return this.opts.fallback!.authorize(request, client);
    inject(this.opts.inject, request, token.value);
  }

  invalidate(rejected?: OutgoingRequest): boolean {
    if (this.fallback) return this.opts.fallback?.invalidate?.(rejected) ?? false;
    // A request sent with a token that a concurrent caller has since replaced keeps the replacement.
    if (!rejected || !this.held || carriesToken(rejected, this.held.value)) this.held = undefined;
    return true;
  }

  async close(client: HttpClientLike): Promise<void> {
    const token = this.held;
    this.held = undefined;
    if (!token || !this.opts.logout || (token.expiresAt !== undefined && token.expiresAt <= this.now())) return;
    await this.opts.logout(client, token.value);
  }

  describe(): string {
    return this.opts.describe?.() ?? 'a session login';
  }

  /** The headers the next request would carry (logging in when needed): for tests and diagnostics. */
  async headers(client: HttpClientLike): Promise<Record<string, string>> {
    const request: OutgoingRequest = { method: 'GET', url: new URL('http://session.invalid/'), headers: {} };
    await this.authorize(request, client);
    return Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k === 'authorization' ? 'Authorization' : k, v]));
  }

  private hold(token: SessionToken): Held {
    redactor.add(token.value);
    const t = this.now();
    const life = token.lifetimeMs;
    if (life === undefined || !Number.isFinite(life) || life <= 0) return { value: token.value };
    return { value: token.value, expiresAt: t + life, renewAt: t + life - (this.opts.renewMarginMs ?? DEFAULT_MARGIN)(life) };
  }

  private async login(client: HttpClientLike): Promise<Held | undefined> {
    const token = await this.opts.login(client);
    if (token) return this.hold(token);
    if (!this.opts.fallback) throw new Error('session login returned no token and there is no fallback authentication');
    this.fallback = true;
    return undefined;
  }

  private async refresh(client: HttpClientLike, current: Held | undefined): Promise<Held | undefined> {
    if (current?.expiresAt !== undefined && this.opts.renew && this.now() < current.expiresAt - KEEP_ALIVE_MIN_LEFT_MS) {
      try {
        const renewed = await this.opts.renew(client, current.value);
        if (renewed) return this.hold(renewed);
      } catch {
        // A session revoked meanwhile cannot be extended: log in again below.
      }
    }
    return this.login(client);
  }

  /** The token to send: the held one while fresh, else one shared renewal for every concurrent caller. */
  private async current(client: HttpClientLike): Promise<Held | undefined> {
    const held = this.held;
    if (held && (held.renewAt === undefined || this.now() < held.renewAt)) return held;
    this.pending ??= this.refresh(client, held).then(
      (h) => {
        this.held = h;
        this.pending = undefined;
        return h;
      },
      (err: unknown) => {
        this.pending = undefined;
        throw err;
      },
    );
    return this.pending;
  }
}

export function sessionLogin(opts: SessionLoginOptions): SessionLogin {
  return new SessionLogin(opts);
}

function inject(how: TokenInjection, request: OutgoingRequest, token: string): void {
  if (typeof how === 'function') return how(request, token);
  if ('jsonBody' in how) {
    // Only a JSON object body can carry it; anything else (a GET, a form) goes without, and the server says so.
    const text = typeof request.body === 'string' ? request.body : request.body?.toString('utf8');
    let body: unknown;
    try {
      body = text === undefined ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (body && typeof body === 'object' && !Array.isArray(body)) request.body = JSON.stringify({ ...body, [how.jsonBody]: token });
    return;
  }
  if ('cookie' in how) {
    const cookie = `${how.cookie}=${token}`;
    request.headers.cookie = request.headers.cookie ? `${request.headers.cookie}; ${cookie}` : cookie;
    return;
  }
  request.headers[how.header.toLowerCase()] = how.scheme ? `${how.scheme} ${token}` : token;
}

export interface JsonLoginRequest {
  method?: string;
  url: string;
  form?: Record<string, string>;
  json?: unknown;
  headers?: Record<string, string>;
  /** Path of the token in the JSON reply (`token`, `access_token`, `data.session`). */
  token: string;
  /** Path of the lifetime in seconds (`expires_in`). */
  expiresIn?: string;
  /** Path of an expiry date (`expires`); a date in the past or unreadable (clocks differ) means `defaultLifetimeMs`. */
  expiresAt?: string;
  defaultLifetimeMs?: number;
  /**
   * A reply that is not 2xx: return the error to throw (a ConfigError naming the credential settings), or
   * 'fallback' when the server has no such endpoint and the fallback authentication should be used.
   */
  rejected(status: number, said: string): Error | 'fallback';
  now?: () => number;
}

/**
 * The common login: one request (form, JSON or headers such as Basic), the token and its lifetime read from the JSON
 * reply. For SessionLoginOptions.login and .renew. Non-2xx replies are returned to `rejected`, never retried as
 * credentials errors would only be repeated.
 */
export function jsonLogin(spec: JsonLoginRequest): (client: HttpClientLike) => Promise<SessionToken | undefined> {
  const now = spec.now ?? Date.now;
  return async (client) => {
    const res = await client.request(spec.method ?? 'POST', spec.url, {
      form: spec.form,
      json: spec.json,
      headers: { accept: 'application/json', ...spec.headers },
      acceptStatus: [400, 401, 403, 404, 405],
    });
    if (res.status < 200 || res.status >= 300) {
      const outcome = spec.rejected(res.status, serverErrorText(res.text));
      if (outcome === 'fallback') return undefined;
      throw outcome;
    }
    const body = res.json<unknown>();
    const value = getPath(body, spec.token);
    if (typeof value !== 'string' || value === '') {
      throw new PermanentError(`the login reply from ${res.url} has no "${spec.token}"`);
    }
    let lifetimeMs: number | undefined;
    if (spec.expiresIn !== undefined) {
      const seconds = Number(getPath(body, spec.expiresIn));
      if (Number.isFinite(seconds) && seconds > 0) lifetimeMs = seconds * 1000;
    }
    if (spec.expiresAt !== undefined) {
      const left = Date.parse(String(getPath(body, spec.expiresAt) ?? '')) - now();
      if (Number.isFinite(left) && left > 0) lifetimeMs = left;
    }
    return { value, lifetimeMs: lifetimeMs ?? spec.defaultLifetimeMs };
  };
}
