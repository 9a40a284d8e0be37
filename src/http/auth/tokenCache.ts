/**
 * The token life cycle every OAuth2-style provider shares: one token request at a time however many callers
 * need a token (single-flight), the token reused until shortly before it expires, dropped after a 401.
 */
import type { AuthProvider, HttpClientLike, OutgoingRequest } from '../types.js';

/** Whether a request carries `value` in a header, its query string or (a JSON-RPC session) its body. */
export function carriesToken(request: OutgoingRequest, value: string): boolean {
  if (Object.values(request.headers).some((v) => typeof v === 'string' && v.includes(value))) return true;
  if (typeof request.body === 'string' && request.body.includes(JSON.stringify(value))) return true;
  return [...request.url.searchParams.values()].some((v) => v.includes(value));
}

/** Refresh this long before expires_in runs out, so a token never expires in flight. */
export const REFRESH_MARGIN_MS = 60_000;

export interface IssuedToken {
  /** The Authorization header value, e.g. `Bearer eyJ...`. */
  header: string;
  /** When to fetch the next one; undefined when the server gave no lifetime (used until a 401). */
  refreshAt?: number;
}

/**
 * When a token that was requested at `requestedAt` and lives `lifetimeMs` should be replaced. A token shorter-lived
 * than two margins is refreshed at half-life instead, so that it is still reused.
 */
export function refreshTime(requestedAt: number, lifetimeMs: number | undefined): number | undefined {
  if (lifetimeMs === undefined || !Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return undefined;
  return requestedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
}

/** One provider's current token; `fetchToken` runs only when there is none, it is due, or it was invalidated. */
export class TokenCache {
  private cached: IssuedToken | undefined;
  private inFlight: Promise<IssuedToken> | undefined;

  constructor(
    private readonly fetchToken: (client: HttpClientLike) => Promise<IssuedToken>,
    private readonly now: () => number,
  ) {}

  /** The current Authorization header value, fetching a token first when there is none or it is due. */
  async header(client: HttpClientLike): Promise<string> {
    const token = this.cached;
    if (token && (token.refreshAt === undefined || this.now() < token.refreshAt)) return token.header;
    // Concurrent callers wait on the same request; a failed request is not cached, the next caller tries again.
    this.inFlight ??= this.fetchToken(client).finally(() => {
      this.inFlight = undefined;
    });
    const fresh = await this.inFlight;
    this.cached = fresh;
    return fresh.header;
  }

  /**
   * Drops the cached token after a 401, unless the refused request carried an older one (another caller already
   * replaced it): the next caller fetches a new one.
   */
  invalidate(rejected?: OutgoingRequest): true {
    if (!rejected || !this.cached || carriesToken(rejected, this.cached.header)) this.cached = undefined;
    return true;
  }
}

/** The AuthProvider of a token-endpoint grant: the cached token as `Authorization`, dropped after a 401 for it. */
export function tokenCacheProvider(tokens: TokenCache, who: string): AuthProvider {
  return {
    async authorize(req, client) {
      req.headers.authorization = await tokens.header(client);
    },
    invalidate: (rejected) => tokens.invalidate(rejected),
    describe: () => who,
  };
}
