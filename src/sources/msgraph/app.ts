/**
 * The app registration a Graph section signs in as: its settings checked (create() time, no network), the token
 * endpoint of its cloud, and the provider that fetches app-only tokens with the client secret or the certificate.
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import { ConfigError } from '../../errors.js';
import { oauth2ClientAssertion, oauth2ClientCredentials, safeUrl, type AuthProvider } from '../../http/index.js';
import { clientAssertion, loadCertificate } from './certificate.js';
import { cloudOf } from './clouds.js';
import { tokenFailure } from './explain.js';
import type { GraphApp, GraphAppSettings } from './types.js';

/** Client credentials need the tenant itself: these names only work for sign-ins by users. */
const NOT_A_TENANT = new Set(['common', 'organizations', 'consumers']);

/**
 * Checks tenant_id, client_id and the credential (a secret, or where offered a certificate: exactly one of them).
 * `secretSetting` names the secret's setting; `secret` is its value.
 */
export function graphApp(s: GraphAppSettings, secret: string, o: { section: string; secretSetting: string; certificates: boolean }): GraphApp {
  const { section, secretSetting } = o;
  const missing = (key: string, what: string) => new ConfigError({ section, key }, `is empty: set ${what}`);
  if (!s.tenant_id.trim()) throw missing('tenant_id', 'the Directory (tenant) ID of your Microsoft Entra tenant');
  if (!s.client_id.trim()) throw missing('client_id', 'the Application (client) ID of the app registration');
  const file = o.certificates ? s.certificate_file ?? '' : '';
  if (o.certificates && s.certificate_key && !file) {
    throw new ConfigError({ section, key: 'certificate_key' }, 'is set but certificate_file is empty: certificate_file holds the certificate the key belongs to');
  }
  if (!secret && !file) throw missing(secretSetting, `a client secret of the app registration (its Value)${o.certificates ? ', or certificate_file' : ''}`);
  if (secret && file) throw new ConfigError({ section, key: secretSetting }, 'and certificate_file are both set: use one of them');
  const tenant = s.tenant_id.trim();
  if (NOT_A_TENANT.has(tenant.toLowerCase())) {
    throw new ConfigError({ section, key: 'tenant_id' }, `"${tenant}" cannot be used by an application: set your tenant's ID or domain`);
  }
  if (!/^[A-Za-z0-9.-]+$/.test(tenant)) throw new ConfigError({ section, key: 'tenant_id' }, `"${tenant}" is neither a tenant ID (GUID) nor a domain`);
  const certificate = file ? loadCertificate({ section, file, key: s.certificate_key || undefined }) : undefined;
  return {
    section,
    tenant,
    clientId: s.client_id.trim(),
    tokenUrl: tokenUrlOf(s, section),
    graphUrl: s.url,
    secretSetting,
    certificate,
    credentialSettings: `tenant_id, client_id and ${certificate ? 'certificate_file' : secretSetting}`,
  };
}

/** The v2.0 token endpoint: token_url when it is one, else {login host}/{tenant}/oauth2/v2.0/token. */
export function tokenUrlOf(s: Pick<GraphAppSettings, 'tenant_id' | 'url' | 'token_url'>, section: string): string {
  const login = s.token_url || cloudOf(s.url).login;
  const path = new URL(login).pathname;
  if (path === '/') return `${login}/${encodeURIComponent(s.tenant_id.trim())}/oauth2/v2.0/token`;
  if (!path.endsWith('/oauth2/v2.0/token')) {
    throw new ConfigError({ section, key: 'token_url' }, `"${s.token_url}" is neither a login host (https://login.microsoftonline.com) nor a v2.0 token endpoint (.../oauth2/v2.0/token)`);
  }
  return login;
}

/** App-only tokens for `{url}/.default`, with the secret or a freshly signed certificate assertion per token request. */
export function graphAuth(app: GraphApp, secret: string): AuthProvider {
  const scope = cloudOf(app.graphUrl).scope;
  // The kit quotes "error: error_description"; Entra ID's description starts with its AADSTS code, which is the part to show.
  const rejected = (status: number, said: string) => {
    const text = said.replace(/^[a-z_]+: (?=AADSTS)/, '').replace(/\s*Trace ID:.*$/s, '');
    return tokenFailure(app, { method: 'POST', url: safeUrl(app.tokenUrl), status, said: text });
  };
  const provider = app.certificate
    ? oauth2ClientAssertion({
        tokenUrl: app.tokenUrl,
        clientId: app.clientId,
        // The audience is the token endpoint itself (for a national cloud, its own login host).
        assertion: clientAssertion(app.certificate, app.clientId, app.tokenUrl),
        scope,
        settings: { key: 'certificate_file', id: 'client_id' },
        rejected,
      })
    : oauth2ClientCredentials({
        tokenUrl: app.tokenUrl, clientId: app.clientId, clientSecret: secret, scope, style: 'body',
        settings: { secret: app.secretSetting, id: 'client_id' }, rejected,
      });
  return { ...provider, describe: () => `application "${app.clientId}"` };
}
