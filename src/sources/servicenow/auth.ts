/**
 * How a ServiceNow section authenticates, on the kit's providers:
 * - HTTP Basic with `username` / `password` (the original);
 * - an OAuth client (`client_id`, `client_secret`) of the instance's token endpoint `/oauth_token.do`: with a
 *   username, the password grant (every release); without, the client-credentials grant (Washington DC and later,
 *   when the instance enables it). Tokens last 30 minutes by default; the kit renews them before and after a 401.
 */
import { ConfigError } from '../../errors.js';
import { basicAuth, oauth2ClientCredentials, type AuthProvider } from '../../http/index.js';

export interface ServiceNowCredentialSettings {
  url: string;
  username: string;
  password: string;
  client_id: string;
  client_secret: string;
  token_url: string;
}

export type ServiceNowCredentials =
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'oauth'; clientId: string; clientSecret: string; tokenUrl: string; username?: string; password?: string };

/** Which login a section uses: an OAuth client when client_id or client_secret is set, else Basic. */
export function credentialsOf(s: ServiceNowCredentialSettings, section: string): ServiceNowCredentials {
  const missing = (key: string, why: string) => new ConfigError({ section, key }, why);
  if (s.client_id || s.client_secret) {
    if (!s.client_id) throw missing('client_id', 'client_secret is set but client_id is empty');
    if (!s.client_secret) throw missing('client_secret', `OAuth client "${s.client_id}" needs its client_secret`);
    if (s.username && !s.password) throw missing('password', `user "${s.username}" needs its password for the OAuth password grant`);
    const tokenUrl = s.token_url || `${s.url.replace(/\/+$/, '')}/oauth_token.do`;
    return { kind: 'oauth', clientId: s.client_id, clientSecret: s.client_secret, tokenUrl, username: s.username || undefined, password: s.password || undefined };
  }
  if (!s.username) throw missing('username', 'set username and password (HTTP Basic), or an OAuth client: client_id and client_secret');
  if (!s.password) throw missing('password', `user "${s.username}" needs its password`);
  return { kind: 'basic', username: s.username, password: s.password };
}

/** Whom a section authenticates as, for messages and `connector test`. */
export function describeCredentials(c: ServiceNowCredentials): string {
  if (c.kind === 'basic') return `user "${c.username}"`;
  return c.username ? `user "${c.username}" (OAuth client "${c.clientId}")` : `OAuth client "${c.clientId}"`;
}

export function serviceNowAuth(c: ServiceNowCredentials, now?: () => number): AuthProvider {
  if (c.kind === 'basic') return basicAuth(c.username, c.password);
  return oauth2ClientCredentials({
    tokenUrl: c.tokenUrl,
    clientId: c.clientId,
    clientSecret: c.clientSecret,
    // ServiceNow reads the client from the form, as its documentation shows the request.
    style: 'body',
    password: c.username ? { username: c.username, password: c.password ?? '' } : undefined,
    now,
  });
}
