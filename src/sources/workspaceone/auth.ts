/**
 * How a Workspace ONE UEM section authenticates, on the kit's providers:
 * - OAuth client credentials: POST the regional token URL with Basic `client_id:client_secret` and
 *   `grant_type=client_credentials`, then `Authorization: Bearer` on every call (the token service is SaaS only;
 *   tokens live an hour, the kit renews them a minute before and after a 401).
 * - Basic: `Authorization: Basic username:password` with `aw-tenant-code: <api_token>` on every call, as the
 *   original [airwatch] sent them (on-premise UEM has no token service).
 * With OAuth the tenant code is not needed; it is still sent when set (it does no harm and older consoles ask for it).
 * The tenant code goes through the provider, not the client's headers, so that it is treated as a credential:
 * scrubbed from messages and never sent to another origin on a redirect.
 */
import { ConfigError } from '../../errors.js';
import { basicAuth, oauth2ClientCredentials, tokenHeader, type AuthProvider } from '../../http/index.js';
import { tokenUrlFor, type Region } from './settings.js';

/** The credential settings both sources declare (uemBasicSettings and uemOAuthSettings). */
export interface UemCredentialSettings {
  username: string;
  password: string;
  api_token: string;
  client_id: string;
  client_secret: string;
  region: string;
  token_url: string;
}

export type UemCredentials =
  | { kind: 'oauth'; clientId: string; clientSecret: string; tokenUrl: string; tenantCode?: string }
  | { kind: 'basic'; username: string; password: string; tenantCode: string };

/**
 * Which login a section uses: an OAuth client when client_id or client_secret is set, else Basic. `prefer` is the
 * one to suggest when neither is configured ([airwatch] was Basic, [workspaceone_devicesoftware] OAuth).
 */
export function credentialsOf(s: UemCredentialSettings, section: string, prefer: 'basic' | 'oauth'): UemCredentials {
  const missing = (key: string, why: string) => new ConfigError({ section, key }, why);
  const tenantCode = s.api_token || undefined;
  if (s.client_id || s.client_secret) {
    if (!s.client_id) throw missing('client_id', 'client_secret is set but client_id is empty');
    if (!s.client_secret) throw missing('client_secret', `OAuth client "${s.client_id}" needs its client_secret`);
    if (!s.token_url && !s.region) throw missing('region', 'set region (na, emea, apac or uat: the token service of your UEM data center) or token_url');
    return { kind: 'oauth', clientId: s.client_id, clientSecret: s.client_secret, tokenUrl: s.token_url || tokenUrlFor(s.region as Region), tenantCode };
  }
  if (s.username || s.password || prefer === 'basic') {
    if (!s.username) throw missing('username', 'set username, password and api_token (the REST API key), or an OAuth client: client_id, client_secret and region');
    if (!s.password) throw missing('password', `user "${s.username}" needs its password`);
    if (!s.api_token) throw missing('api_token', 'Basic auth needs the REST API key of the organization group (sent as aw-tenant-code)');
    return { kind: 'basic', username: s.username, password: s.password, tenantCode: s.api_token };
  }
  throw missing('client_id', 'set client_id, client_secret and region (an OAuth client of Workspace ONE UEM), or username, password and api_token');
}

/** Whom a section authenticates as, for messages and `connector test`. */
export function describeCredentials(c: UemCredentials): string {
  return c.kind === 'oauth' ? `OAuth client "${c.clientId}"` : `user "${c.username}" with the tenant code`;
}

/** The kit provider for the credentials (plus the tenant code header). */
export function uemAuth(c: UemCredentials, section: string, now?: () => number): AuthProvider {
  const main = c.kind === 'oauth'
    ? oauth2ClientCredentials({
      tokenUrl: c.tokenUrl,
      clientId: c.clientId,
      clientSecret: c.clientSecret,
      style: 'basic',
      rejected: (status, said) => new ConfigError({ section, key: 'client_secret' },
        `the Workspace ONE token service ${c.tokenUrl} refused OAuth client "${c.clientId}" (HTTP ${status}${said ? `: ${said}` : ''}): check client_id and client_secret, and that region (or token_url) is your UEM data center's`),
      now,
    })
    : basicAuth(c.username, c.password);
  const tenant = c.tenantCode ? tokenHeader('aw-tenant-code', c.tenantCode) : undefined;
  return {
    async authorize(req, client) {
      await main.authorize(req, client);
      await tenant?.authorize(req, client);
    },
    invalidate: main.invalidate ? (rejected) => main.invalidate!(rejected) : undefined,
    describe: () => describeCredentials(c),
  };
}
