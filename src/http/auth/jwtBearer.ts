/**
 * OAuth2 with a signed JWT (RFC 7523), in the two shapes vendors use:
 * - `kind: 'google'`: the JWT *is* the grant (section 2.1), signed RS256 with a service account's key, with an
 *   optional `sub` for domain-wide delegation. https://developers.google.com/identity/protocols/oauth2/service-account
 * - `kind: 'apple'`: client credentials where the JWT authenticates the client (section 2.2), signed ES256;
 *   Apple Business / School Manager API accounts.
 *   https://developer.apple.com/documentation/devicemanagement/implementing-oauth-for-the-apple-school-manager-and-apple-business-api
 * A fresh assertion is signed for every token request; the access token is cached like any OAuth2 token.
 */
import crypto from 'node:crypto';
import { ConfigError } from '../../errors.js';
import { redactor } from '../../logging.js';
import type { AuthProvider } from '../types.js';
import { privateKeyFor, signJwt } from './jwt.js';
import { TokenCache, tokenCacheProvider } from './tokenCache.js';
import { requestToken, type TokenRequest } from './tokenEndpoint.js';

/** The fields of a Google service-account JSON key file this provider reads. */
export interface ServiceAccountKey {
  type?: string;
  client_email: string;
  private_key: string;
  private_key_id?: string;
  token_uri?: string;
}

export interface GoogleServiceAccountJwt {
  kind: 'google';
  /** The service account's JSON key file contents, as text (an INI value) or parsed. */
  serviceAccount: string | ServiceAccountKey;
  /** OAuth scopes, e.g. https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly */
  scope: string | string[];
  /** Domain-wide delegation: the Workspace user (an admin) the service account acts as. */
  subject?: string;
  /**
   * Where the assertion is POSTed instead of the key file's token_uri (a proxy, a test server). The assertion's
   * `aud` stays the key's token_uri (default https://oauth2.googleapis.com/token): that is what Google checks.
   */
  tokenUrl?: string;
  /** A source's own reading of a rejected token request (see TokenRequest.rejected); undefined keeps the generic ConfigError. */
  rejected?: TokenRequest['rejected'];
  /** Lifetime of the signed assertion in seconds; Google accepts at most 3600, the default. */
  assertionLifetimeS?: number;
  /** The INI settings named in errors; defaults are the original's names. */
  settings?: { key?: string; subject?: string; scope?: string };
  now?: () => number;
}

export interface AppleClientAssertion {
  kind: 'apple';
  /** The API account's client ID, e.g. BUSINESSAPI.9703f56c-... */
  clientId: string;
  /** The key ID Apple shows next to the API account. */
  keyId: string;
  /** The P-256 private key (PEM) downloaded when the API account was created. */
  privateKey: string;
  /** 'business.api' (default) or 'school.api'. */
  scope?: string;
  tokenUrl?: string;
  /** The assertion's `aud`; Apple wants the v2 URL although the token is requested from the other one. */
  audience?: string;
  /** Lifetime of the signed assertion in seconds (Apple allows up to 180 days; each one is used once). Default 3600. */
  assertionLifetimeS?: number;
  settings?: { id?: string; keyId?: string; key?: string; scope?: string };
  now?: () => number;
}

export type JwtBearerOptions = GoogleServiceAccountJwt | AppleClientAssertion;

export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const APPLE_TOKEN_URL = 'https://account.apple.com/auth/oauth2/token';
export const APPLE_AUDIENCE = 'https://account.apple.com/auth/oauth2/v2/token';
const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT_CLIENT_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_GOOGLE_ASSERTION_S = 3600;

/**
 * An AuthProvider that signs a JWT, exchanges it for an access token, sends `Authorization: Bearer <token>`,
 * shares one token request among concurrent callers, renews shortly before expires_in and after a 401. The key is
 * parsed here, so a wrong key is a ConfigError naming its setting before any request is made.
 */
export function jwtBearer(options: JwtBearerOptions): AuthProvider {
  const now = options.now ?? Date.now;
  const { who, tokenRequest } = options.kind === 'google' ? googleGrant(options) : appleAssertion(options);
  const tokens = new TokenCache(async (client) => requestToken(client, { ...tokenRequest(now()), now }), now);
  return tokenCacheProvider(tokens, who);
}

/** What differs between the two shapes: whom we are, and the token request for a given time. */
interface Shape {
  who: string;
  tokenRequest(nowMs: number): Omit<TokenRequest, 'now'>;
}

function googleGrant(o: GoogleServiceAccountJwt): Shape {
  const names = { key: 'service_account_json_key', subject: 'service_account_impersonate', ...o.settings };
  const account = parseServiceAccount(o.serviceAccount, names.key);
  redactor.add(account.private_key);
  const key = privateKeyFor('RS256', account.private_key, names.key);
  const audience = account.token_uri || GOOGLE_TOKEN_URL;
  const tokenUrl = o.tokenUrl || audience;
  const scope = Array.isArray(o.scope) ? o.scope.join(' ') : o.scope;
  const lifetime = Math.min(o.assertionLifetimeS ?? MAX_GOOGLE_ASSERTION_S, MAX_GOOGLE_ASSERTION_S);
  const who = `Google service account "${account.client_email}"${o.subject ? ` acting as "${o.subject}"` : ''}`;
  return {
    who,
    tokenRequest(nowMs) {
      const iat = Math.floor(nowMs / 1000);
      const claims = { iss: account.client_email, scope, aud: audience, iat, exp: iat + lifetime, ...(o.subject ? { sub: o.subject } : {}) };
      const assertion = signJwt({ alg: 'RS256', typ: 'JWT', kid: account.private_key_id }, claims, key);
      return {
        tokenUrl,
        form: { grant_type: JWT_BEARER_GRANT, assertion },
        who,
        settings: o.subject ? [names.key, names.subject] : [names.key],
        scopeSetting: names.scope,
        secrets: [assertion, signatureOf(assertion)],
        rejected: o.rejected,
      };
    },
  };
}

function appleAssertion(o: AppleClientAssertion): Shape {
  const names = { id: 'client_id', keyId: 'key_id', key: 'private_key', scope: 'scope', ...o.settings };
  redactor.add(o.privateKey);
  const key = privateKeyFor('ES256', o.privateKey, names.key);
  const tokenUrl = o.tokenUrl ?? APPLE_TOKEN_URL;
  const lifetime = o.assertionLifetimeS ?? 3600;
  const who = `Apple API account "${o.clientId}"`;
  return {
    who,
    tokenRequest(nowMs) {
      const iat = Math.floor(nowMs / 1000);
      const claims = { sub: o.clientId, iss: o.clientId, aud: o.audience ?? APPLE_AUDIENCE, iat, exp: iat + lifetime, jti: crypto.randomUUID() };
      const assertion = signJwt({ alg: 'ES256', kid: o.keyId, typ: 'JWT' }, claims, key);
      return {
        tokenUrl,
        form: {
          grant_type: 'client_credentials',
          client_id: o.clientId,
          client_assertion_type: JWT_CLIENT_ASSERTION,
          client_assertion: assertion,
          scope: o.scope ?? 'business.api',
        },
        who,
        settings: [names.key, names.keyId, names.id],
        scopeSetting: names.scope,
        secrets: [assertion, signatureOf(assertion)],
      };
    },
  };
}

/** The signature alone is a secret too: with claims that are easy to guess it rebuilds the assertion. */
function signatureOf(jwt: string): string {
  return jwt.slice(jwt.lastIndexOf('.') + 1);
}

/** The key file as text or parsed; a pasted file that is not a service account's key is a ConfigError. */
function parseServiceAccount(value: string | ServiceAccountKey, setting: string): ServiceAccountKey {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      // JSON.parse's message quotes the text around the error, which is the private key: never show it.
      throw new ConfigError({ key: setting }, 'is not valid JSON; paste the whole service account key file (on one line)');
    }
  }
  const account = parsed as Partial<ServiceAccountKey> | null;
  if (account?.type !== undefined && account.type !== 'service_account') {
    throw new ConfigError({ key: setting }, `is a "${account.type}" credentials file, not a service account key (type "service_account")`);
  }
  if (typeof account?.client_email !== 'string' || typeof account.private_key !== 'string') {
    throw new ConfigError({ key: setting }, 'lacks client_email or private_key; paste the service account key file as downloaded');
  }
  return account as ServiceAccountKey;
}
