/**
 * An OAuth2 authorization server and a protected API, for the auth provider tests. It checks what the real
 * ones check and answers failures with their status and body:
 * - POST /oauth/token: client credentials (RFC 6749 4.4), the client authenticated by Basic or by the form
 *   (not both); bad client -> 401 {"error":"invalid_client"}.
 * - POST /google/token: Google's JWT grant (RFC 7523 2.1). Verifies the RS256 signature with the service
 *   account's public key and the claims (iss, aud, scope, exp - iat <= 3600, sub allowed by domain-wide
 *   delegation), with Google's error bodies ("Invalid JWT Signature.", unauthorized_client, ...).
 * - POST /apple/token: Apple's client assertion (RFC 7523 2.2). Verifies the ES256 signature, which must be the
 *   64-byte JOSE r||s, the header kid, the claims (iss = sub = client_id, Apple's aud, jti never reused).
 * - GET /api/whoami: 200 with what the bearer token was issued for; 401 for an unknown, revoked or expired token.
 * Time comes from `now`, shared with the provider under test, so expiry needs no waiting.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface FakeAuthServerOptions {
  /** ms since the epoch, shared with the provider under test. */
  now: () => number;
  /** Token lifetime in seconds; null sends no expires_in. Default 3600. */
  expiresIn?: number | null;
  /** Client-credentials clients: id -> secret. */
  clients?: Record<string, string>;
  google?: {
    clientEmail: string;
    keyId: string;
    publicKey: KeyObject;
    /** Domain-wide delegation granted in the Admin console: users the account may act as. */
    delegatedUsers?: string[];
  };
  apple?: { clientId: string; keyId: string; publicKey: KeyObject };
  /** Delay of every token answer, so that concurrent callers pile up. */
  tokenDelayMs?: number;
}

export interface IssuedGrant {
  token: string;
  client: string;
  scope?: string;
  sub?: string;
  expiresAt: number;
}

export interface FakeAuthServer extends TestServer {
  clientCredentialsUrl: string;
  googleTokenUrl: string;
  appleTokenUrl: string;
  issued: IssuedGrant[];
  revoke(token: string): void;
  tokenRequests(): RecordedRequest[];
  apiRequests(): RecordedRequest[];
  /** The decoded claims of every assertion received (valid or not). */
  assertions: Array<{ header: Record<string, unknown>; claims: Record<string, unknown>; signatureBytes: number }>;
}

export const APPLE_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';
const GOOGLE_SHORT_LIVED =
  'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.';

const oauthError = (status: number, error: string, description?: string): TestResponse => ({
  status,
  json: description ? { error, error_description: description } : { error },
});

export async function startFakeAuthServer(opts: FakeAuthServerOptions): Promise<FakeAuthServer> {
  const issued: IssuedGrant[] = [];
  const revoked = new Set<string>();
  const assertions: FakeAuthServer['assertions'] = [];
  const seenJti = new Set<string>();
  let url = '';

  const issue = (client: string, scope?: string, sub?: string): TestResponse => {
    const lifetime = opts.expiresIn === undefined ? 3600 : opts.expiresIn;
    const grant = { token: `at-${issued.length + 1}`, client, scope, sub, expiresAt: opts.now() + (lifetime ?? 86_400) * 1000 };
    issued.push(grant);
    return { json: { access_token: grant.token, token_type: 'bearer', ...(lifetime === null ? {} : { expires_in: lifetime }), ...(scope ? { scope } : {}) } };
  };
  const delayed = (handler: (req: RecordedRequest) => TestResponse) => async (req: RecordedRequest) => {
    if (opts.tokenDelayMs) await new Promise((r) => setTimeout(r, opts.tokenDelayMs));
    if (req.headers.authorization?.startsWith('Bearer')) return oauthError(400, 'invalid_request', 'a token request must not carry a bearer token');
    return handler(req);
  };

  /** Splits and decodes a compact JWS; undefined when it is not one. */
  const decode = (jwt: string | null) => {
    const parts = (jwt ?? '').split('.');
    if (parts.length !== 3) return undefined;
    try {
      const [header, claims] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
      const signature = Buffer.from(parts[2], 'base64url');
      assertions.push({ header, claims, signatureBytes: signature.length });
      return { header, claims, signature, signingInput: Buffer.from(`${parts[0]}.${parts[1]}`) };
    } catch {
      return undefined;
    }
  };
  const nowS = () => Math.floor(opts.now() / 1000);

  const clientCredentials = (req: RecordedRequest): TestResponse => {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    const basic = req.headers.authorization?.match(/^Basic (.+)$/)?.[1];
    if (basic && form.has('client_secret')) return oauthError(400, 'invalid_request', 'more than one client authentication method');
    const [id, secret] = basic
      ? (() => {
          const pair = Buffer.from(basic, 'base64').toString('utf8');
          return [pair.slice(0, pair.indexOf(':')), pair.slice(pair.indexOf(':') + 1)];
        })()
      : [form.get('client_id') ?? '', form.get('client_secret') ?? ''];
    if (!opts.clients || opts.clients[id] !== secret) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const scope = form.get('scope') ?? undefined;
    if (scope?.includes('admin')) return oauthError(400, 'invalid_scope', `scope "${scope}" is not allowed for this client`);
    return issue(id, scope);
  };

  const google = (req: RecordedRequest): TestResponse => {
    const g = opts.google!;
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type')}`);
    const jwt = decode(form.get('assertion'));
    if (!jwt) return oauthError(400, 'invalid_request', 'Invalid JWT.');
    const { header, claims } = jwt;
    if (header.alg !== 'RS256' || header.kid !== g.keyId || !crypto.verify('sha256', jwt.signingInput, g.publicKey, jwt.signature)) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    }
    if (claims.iss !== g.clientEmail) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
    if (claims.aud !== `${url}/google/token`) return oauthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${url}/google/token`);
    const { iat, exp } = claims as { iat: number; exp: number };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 3600 || exp <= nowS() || iat > nowS() + 60) {
      return oauthError(400, 'invalid_grant', GOOGLE_SHORT_LIVED);
    }
    if (typeof claims.scope !== 'string' || !claims.scope) return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const sub = claims.sub as string | undefined;
    if (sub !== undefined && !g.delegatedUsers?.includes(sub)) {
      return oauthError(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
    }
    return issue(g.clientEmail, claims.scope, sub);
  };

  const apple = (req: RecordedRequest): TestResponse => {
    const a = opts.apple!;
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type');
    if (form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return oauthError(400, 'invalid_request');
    const jwt = decode(form.get('client_assertion'));
    if (!jwt || form.get('client_id') !== a.clientId) return oauthError(400, 'invalid_client');
    const { header, claims } = jwt;
    // A DER-encoded ECDSA signature is 70-72 bytes; JOSE wants r||s, exactly 64.
    const signed = jwt.signature.length === 64 && crypto.verify('sha256', jwt.signingInput, { key: a.publicKey, dsaEncoding: 'ieee-p1363' }, jwt.signature);
    if (header.alg !== 'ES256' || header.kid !== a.keyId || !signed) return oauthError(400, 'invalid_client');
    const { iat, exp, jti } = claims as { iat: number; exp: number; jti: unknown };
    const fresh = typeof iat === 'number' && typeof exp === 'number' && iat <= nowS() + 60 && exp > nowS() && exp - iat <= 180 * 86_400;
    if (claims.iss !== a.clientId || claims.sub !== a.clientId || claims.aud !== APPLE_AUDIENCE || !fresh) return oauthError(400, 'invalid_client');
    if (typeof jti !== 'string' || seenJti.has(jti)) return oauthError(400, 'invalid_client');
    seenJti.add(jti);
    const scope = form.get('scope') ?? '';
    if (scope !== 'business.api' && scope !== 'school.api') return oauthError(400, 'invalid_scope');
    return issue(a.clientId, scope);
  };

  const whoami = (req: RecordedRequest): TestResponse => {
    const token = req.headers.authorization?.match(/^Bearer (.+)$/)?.[1];
    const grant = issued.find((g) => g.token === token);
    if (!grant || revoked.has(grant.token) || opts.now() >= grant.expiresAt) return { status: 401, json: { error: 'invalid_token' } };
    return { json: { token: grant.token, client: grant.client, scope: grant.scope, sub: grant.sub } };
  };

  const server = await startTestServer({
    'POST /oauth/token': delayed(clientCredentials),
    'POST /google/token': delayed(google),
    'POST /apple/token': delayed(apple),
    'GET /api/whoami': whoami,
  });
  url = server.url;
  const tokenPaths = new Set(['/oauth/token', '/google/token', '/apple/token']);
  return {
    ...server,
    clientCredentialsUrl: `${url}/oauth/token`,
    googleTokenUrl: `${url}/google/token`,
    appleTokenUrl: `${url}/apple/token`,
    issued,
    assertions,
    revoke: (token) => void revoked.add(token),
    tokenRequests: () => server.requests.filter((r) => tokenPaths.has(r.path)),
    apiRequests: () => server.requests.filter((r) => r.path.startsWith('/api/')),
  };
}
