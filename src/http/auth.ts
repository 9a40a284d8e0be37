/**
 * Authentication providers for HttpClient. Each one adds headers to a request; OAuth2 also fetches,
 * caches and refreshes its token. Every credential is registered with the log redactor.
 */
import { PermanentError } from '../errors.js';
import { redactor } from '../logging.js';
import type { AuthProvider, HttpClientLike } from './types.js';

/** A fixed header, e.g. Authorization2: <token> (Oomnitza) or X-API-Key. */
export function tokenHeader(name: string, value: string): AuthProvider {
  redactor.add(value);
  return { authorize: async (req) => void (req.headers[name.toLowerCase()] = value) };
}

export function basicAuth(user: string, password: string): AuthProvider {
  redactor.add(password);
  const value = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  redactor.add(value.slice('Basic '.length));
  return { authorize: async (req) => void (req.headers.authorization = value) };
}

export function bearerToken(value: string): AuthProvider {
  redactor.add(value);
  return { authorize: async (req) => void (req.headers.authorization = `Bearer ${value}`) };
}

export interface OAuth2ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  /** 'basic': client id and secret in an Authorization: Basic header; 'body': in the form body. */
  style: 'basic' | 'body';
  /** Clock for tests. */
  now?: () => number;
}

/** Refresh this long before expires_in runs out, so a token never expires in flight. */
export const REFRESH_MARGIN_MS = 60_000;

interface CachedToken {
  header: string;
  /** undefined when the server gave no expires_in: the token is used until a 401 says otherwise. */
  refreshAt?: number;
}

/**
 * OAuth2 client-credentials grant (RFC 6749 section 4.4). Concurrent callers share one token request.
 * The Basic header is not form-encoded first, as Python requests (the original) sends it.
 */
export function oauth2ClientCredentials(config: OAuth2ClientCredentials): AuthProvider {
  const now = config.now ?? Date.now;
  redactor.add(config.clientSecret);
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  async function fetchToken(client: HttpClientLike): Promise<CachedToken> {
    const form: Record<string, string> = { grant_type: 'client_credentials' };
    if (config.scope) form.scope = config.scope;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (config.style === 'basic') {
      const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`, 'utf8').toString('base64');
      redactor.add(basic);
      headers.authorization = `Basic ${basic}`;
    } else {
      form.client_id = config.clientId;
      form.client_secret = config.clientSecret;
    }
    const requestedAt = now();
    const response = await client.request('POST', config.tokenUrl, { form, headers });
    const body = response.json<{ access_token?: unknown; token_type?: unknown; expires_in?: unknown }>();
    if (typeof body?.access_token !== 'string' || body.access_token === '') {
      throw new PermanentError(`OAuth2 token response from ${new URL(config.tokenUrl).origin} has no access_token`);
    }
    redactor.add(body.access_token);
    // Some servers answer "bearer" in lower case; the header scheme is case-insensitive but some APIs are not.
    const type = typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer' ? body.token_type : 'Bearer';
    const lifetimeMs = Number(body.expires_in) * 1000;
    if (!Number.isFinite(lifetimeMs) || lifetimeMs <= 0) return { header: `${type} ${body.access_token}` };
    // A token shorter-lived than two margins is refreshed at half-life instead, so it is still reused.
    return { header: `${type} ${body.access_token}`, refreshAt: requestedAt + lifetimeMs - Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2) };
  }

  function fresh(token: CachedToken | undefined): token is CachedToken {
    return token !== undefined && (token.refreshAt === undefined || now() < token.refreshAt);
  }

  return {
    async authorize(req, client) {
      if (!fresh(cached)) {
        inFlight ??= fetchToken(client).finally(() => {
          inFlight = undefined;
        });
        cached = await inFlight;
      }
      req.headers.authorization = cached.header;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}
