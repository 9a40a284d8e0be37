/**
 * OAuth2 client-credentials grant (RFC 6749 section 4.4): Meraki, Okta service apps, Entra ID, Zoom and most
 * SaaS APIs with "API clients"; with `password`, the resource owner password grant (section 4.3) of the same
 * token endpoint shape (ServiceNow).
 */
import { redactor } from '../../logging.js';
import type { AuthProvider, ErrorTextExtractor } from '../types.js';
import { TokenCache, tokenCacheProvider } from './tokenCache.js';
import { requestToken } from './tokenEndpoint.js';

export interface OAuth2ClientCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Sent as `scope` when set (space-separated scopes). */
  scope?: string;
  /** 'basic': client id and secret in an Authorization: Basic header; 'body': in the form body. */
  style: 'basic' | 'body';
  /** More form parameters some servers require, e.g. { audience } (Auth0) or { resource } (Entra ID v1). */
  extra?: Record<string, string>;
  /** The INI settings that hold the credentials, named in the error when the server rejects the client. */
  settings?: { id?: string; secret?: string; scope?: string };
  /** 'json' sends the parameters as a JSON body instead of a form (OneLogin's documented request). */
  encoding?: 'form' | 'json';
  /** A vendor's own reading of a 400/401 from the token endpoint (see TokenRequest.rejected). */
  rejected?: (status: number, said: string) => Error | undefined;
  /** How the token endpoint explains a rejection when it does not use RFC 6749's error body. */
  errorText?: ErrorTextExtractor;
  /**
   * The resource owner password grant (RFC 6749 section 4.3) instead of client credentials: the user's name and
   * password go in the form with the client's (ServiceNow's /oauth_token.do). `settings` names their INI settings.
   */
  password?: { username: string; password: string; settings?: { username?: string; password?: string } };
  /** Clock for tests. */
  now?: () => number;
}

/**
 * Fetches a token on first use, shares that one request among concurrent callers, and fetches the next one 60 s
 * before expires_in runs out (or after a 401). A 400/401 from the token endpoint is a ConfigError that quotes the
 * server's error and names the settings to check. The Basic header is not form-encoded first, as Python requests
 * (the original) sends it.
 */
export function oauth2ClientCredentials(config: OAuth2ClientCredentials): AuthProvider {
  const now = config.now ?? Date.now;
  const names = { id: 'client_id', secret: 'client_secret', ...config.settings };
  const basic = Buffer.from(`${config.clientId}:${config.clientSecret}`, 'utf8').toString('base64');
  redactor.add(config.clientSecret);
  if (config.style === 'basic') redactor.add(basic);
  const owner = config.password;
  if (owner) redactor.add(owner.password);
  const who = owner ? `user "${owner.username}" through OAuth2 client "${config.clientId}"` : `OAuth2 client "${config.clientId}"`;
  // A refused password grant is as likely the user's password as the client's secret.
  const checks = owner ? [owner.settings?.password ?? 'password', owner.settings?.username ?? 'username', names.secret, names.id] : [names.secret, names.id];

  const tokens = new TokenCache((client) => {
    const form: Record<string, string> = owner
      ? { grant_type: 'password', username: owner.username, password: owner.password, ...config.extra }
      : { grant_type: 'client_credentials', ...config.extra };
    if (config.scope) form.scope = config.scope;
    const headers: Record<string, string> = {};
    if (config.style === 'basic') headers.authorization = `Basic ${basic}`;
    else Object.assign(form, { client_id: config.clientId, client_secret: config.clientSecret });
    return requestToken(client, {
      tokenUrl: config.tokenUrl,
      form,
      encoding: config.encoding,
      headers,
      who,
      settings: checks,
      scopeSetting: names.scope,
      secrets: owner ? [config.clientSecret, basic, owner.password] : [config.clientSecret, basic],
      rejected: config.rejected,
      errorText: config.errorText,
      now,
    });
  }, now);

  return tokenCacheProvider(tokens, who);
}
