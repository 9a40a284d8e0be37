/**
 * OAuth2 client credentials where the client proves itself with a signed JWT instead of a secret: RFC 7523
 * section 2.2, OpenID Connect's `private_key_jwt` (Microsoft Entra ID certificate credentials, Okta, Auth0, ...).
 * What the JWT says and how it is signed is the vendor's (the caller's `assertion`); this provider sends it,
 * caches the access token like any OAuth2 token, and signs a fresh assertion for every token request.
 */
import { redactor } from '../../logging.js';
import type { AuthProvider } from '../types.js';
import { TokenCache, tokenCacheProvider } from './tokenCache.js';
import { requestToken } from './tokenEndpoint.js';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface OAuth2ClientAssertion {
  tokenUrl: string;
  clientId: string;
  /** A new signed assertion for a token request made at `nowMs` (assertions are short-lived and often single-use). */
  assertion(nowMs: number): string;
  /** Sent as `scope` when set. */
  scope?: string;
  /** More form parameters the server requires. */
  extra?: Record<string, string>;
  /** The INI settings named when the server rejects the client: the key (certificate) first, then the id. */
  settings?: { key?: string; id?: string; scope?: string };
  /** A vendor's own reading of a 400/401 from the token endpoint (see TokenRequest.rejected). */
  rejected?: (status: number, said: string) => Error | undefined;
  /** Whom we authenticate as, for messages; default `OAuth2 client "<id>"`. */
  who?: string;
  now?: () => number;
}

export function oauth2ClientAssertion(config: OAuth2ClientAssertion): AuthProvider {
  const now = config.now ?? Date.now;
  const names = { key: 'private_key', id: 'client_id', ...config.settings };
  const who = config.who ?? `OAuth2 client "${config.clientId}"`;
  const tokens = new TokenCache((client) => {
    const assertion = config.assertion(now());
    // An assertion is a credential until it expires; its signature alone could be replayed into a guessable one.
    const signature = assertion.slice(assertion.lastIndexOf('.') + 1);
    redactor.add(assertion);
    redactor.add(signature);
    const form: Record<string, string> = {
      grant_type: 'client_credentials',
      client_id: config.clientId,
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      ...config.extra,
    };
    if (config.scope) form.scope = config.scope;
    return requestToken(client, {
      tokenUrl: config.tokenUrl,
      form,
      who,
      settings: [names.key, names.id],
      scopeSetting: names.scope,
      secrets: [assertion, signature],
      rejected: config.rejected,
      now,
    });
  }, now);

  return tokenCacheProvider(tokens, who);
}
