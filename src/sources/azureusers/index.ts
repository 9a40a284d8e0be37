/**
 * Microsoft Entra ID (Azure AD) users `[azureusers]`. The original read Azure AD Graph through the azure-graphrbac
 * SDK; Microsoft retired that API, so this source reads Microsoft Graph (`GET /v1.0/users`, client credentials,
 * `@odata.nextLink` pages) and rebuilds the SDK's record shape (record.ts) so that old mappings keep working.
 * https://learn.microsoft.com/graph/api/user-list, https://learn.microsoft.com/graph/paging,
 * https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
 */
import { ConfigError, PermanentError } from '../../errors.js';
import {
  nextUrlAt, oauth2ClientCredentials, paginate, rateLimitOf, safeUrl,
  type AuthProvider, type FailedRequest, type HttpClient, type Strategy,
} from '../../http/index.js';
import { defineSource, type ReadRequest, type Source, type SourceContext } from '../types.js';
import { graphSelect, toOldUser, unknownFields } from './record.js';
import { azureUsersSettings, cloudOf, type AzureUsersSettings } from './settings.js';

/** Client credentials need the tenant itself: these names only work for sign-ins by users. */
const NOT_A_TENANT = new Set(['common', 'organizations', 'consumers']);

function required(s: AzureUsersSettings, section: string): void {
  const missing = (key: string, what: string) => new ConfigError({ section, key }, `is empty: set ${what}`);
  if (!s.tenant_id.trim()) throw missing('tenant_id', 'the Directory (tenant) ID of your Microsoft Entra tenant');
  if (!s.client_id.trim()) throw missing('client_id', 'the Application (client) ID of the app registration');
  if (!s.secret) throw missing('secret', 'a client secret of the app registration (its Value)');
  const tenant = s.tenant_id.trim();
  if (NOT_A_TENANT.has(tenant.toLowerCase())) {
    throw new ConfigError({ section, key: 'tenant_id' }, `"${tenant}" cannot be used by an application: set your tenant's ID or domain`);
  }
  if (!/^[A-Za-z0-9.-]+$/.test(tenant)) throw new ConfigError({ section, key: 'tenant_id' }, `"${tenant}" is neither a tenant ID (GUID) nor a domain`);
}

/** The v2.0 token endpoint: token_url when it is one, else {login host}/{tenant}/oauth2/v2.0/token. */
export function tokenUrlOf(s: AzureUsersSettings, section: string): string {
  const login = s.token_url || cloudOf(s.url).login;
  const path = new URL(login).pathname;
  if (path === '/') return `${login}/${encodeURIComponent(s.tenant_id.trim())}/oauth2/v2.0/token`;
  if (!path.endsWith('/oauth2/v2.0/token')) {
    throw new ConfigError({ section, key: 'token_url' }, `"${s.token_url}" is neither a login host (https://login.microsoftonline.com) nor a v2.0 token endpoint (.../oauth2/v2.0/token)`);
  }
  return login;
}

/** Graph's `{"error":{"code","message"}}`, or the token endpoint's error_description without its trace lines. */
export function graphErrorText(body: string): string | undefined {
  let parsed: { error?: unknown; error_description?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  const error = parsed?.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error === 'object') {
    return [error.code, error.message].filter((v): v is string => typeof v === 'string' && v !== '').join(': ') || undefined;
  }
  if (typeof parsed?.error_description === 'string') return parsed.error_description.split(/\r?\n/)[0].replace(/\s*Trace ID:.*$/s, '').trim();
  return undefined;
}

interface Names {
  section: string;
  tenant: string;
  clientId: string;
  tokenUrl: string;
  graphUrl: string;
}

/** AADSTS codes of the token endpoint (https://learn.microsoft.com/entra/identity-platform/reference-error-codes): the setting to check and why. */
function tokenFailure(n: Names, code: string): { key: string; why: string } | undefined {
  switch (code) {
    case '7000215':
      return { key: 'secret', why: "the client secret is wrong: use the secret's Value (shown once, when it is created), not its Secret ID" };
    case '7000222':
      return { key: 'secret', why: 'the client secret has expired: create a new one under Certificates & secrets' };
    case '700016':
      return { key: 'client_id', why: `tenant "${n.tenant}" has no application "${n.clientId}": check client_id (the Application (client) ID) and tenant_id` };
    case '7000112':
      return { key: 'client_id', why: `application "${n.clientId}" is disabled in tenant "${n.tenant}"` };
    case '90002':
    case '900023':
      return { key: 'tenant_id', why: `tenant "${n.tenant}" was not found: check tenant_id (the Directory (tenant) ID) and, for a national cloud, url and token_url` };
    case '500011':
    case '1002012':
    case '70011':
      return { key: 'url', why: `the tenant cannot issue tokens for Microsoft Graph at ${n.graphUrl}: url must be the Graph host of the tenant's cloud` };
    default:
      return undefined;
  }
}

/** What a final failure of the token endpoint or of Graph means for the admin. */
function explainFailure(n: Names) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `, ${f.said}` : '';
    if (f.url === safeUrl(n.tokenUrl)) {
      const known = tokenFailure(n, /AADSTS(\d+)/.exec(f.said)?.[1] ?? '');
      if (known) return new ConfigError({ section: n.section, key: known.key }, `Microsoft Entra ID refused the sign-in: ${known.why} (HTTP ${f.status}${said})`);
      if (f.status === 400 || f.status === 401) {
        return new ConfigError({ section: n.section, key: 'client_id' }, `Microsoft Entra ID refused the sign-in of application "${n.clientId}" (HTTP ${f.status}${said}): check tenant_id, client_id and secret`);
      }
      return undefined;
    }
    if (f.status === 401) {
      return new ConfigError({ section: n.section, key: 'url' }, `Microsoft Graph refused the access token of application "${n.clientId}" (HTTP 401${said}): url and the login host must belong to the same cloud`);
    }
    if (f.status === 403) {
      return new PermanentError(`Microsoft Graph: application "${n.clientId}" may not read users (HTTP 403${said}): give the app registration the Microsoft Graph application permission User.Read.All (API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent`);
    }
    const property = /Could not find a property named '([^']+)'/.exec(f.said)?.[1];
    if (f.status === 400 && property) {
      return new PermanentError(`Microsoft Graph users have no property "${property}", which a mapping reads as additional_properties.${property}: correct the mapping (directory extensions are named extension_<app id without dashes>_<name>)`);
    }
    return undefined;
  };
}

/** `@odata.nextLink` names Graph's own host: a `url` override (a proxy, a test server) keeps receiving the pages and the token. */
function nextLinksOn(base: string): Strategy {
  const next = nextUrlAt('@odata.nextLink');
  return {
    ...next,
    next(page) {
      const url = next.next(page);
      if (url === undefined || url === null || url === '') return undefined;
      const rebased = new URL(String(url));
      const origin = new URL(base);
      rebased.protocol = origin.protocol;
      rebased.host = origin.host;
      return rebased.toString();
    },
  };
}

export function createAzureUsersSource(s: AzureUsersSettings, ctx: SourceContext): Source {
  required(s, ctx.section);
  const tenant = s.tenant_id.trim();
  const clientId = s.client_id.trim();
  const tokenUrl = tokenUrlOf(s, ctx.section);
  const names: Names = { section: ctx.section, tenant, clientId, tokenUrl, graphUrl: s.url };
  const explain = explainFailure(names);
  const token = oauth2ClientCredentials({
    tokenUrl, clientId, clientSecret: s.secret, scope: cloudOf(s.url).scope, style: 'body', settings: { secret: 'secret', id: 'client_id' },
    // The kit quotes "error: error_description"; Entra ID's description starts with its AADSTS code, which is the part to show.
    rejected: (status, said) => explain({ method: 'POST', url: safeUrl(tokenUrl), status, said: said.replace(/^[a-z_]+: (?=AADSTS)/, '').replace(/\s*Trace ID:.*$/s, '') }),
  });
  const auth: AuthProvider = { ...token, describe: () => `application "${clientId}"` };
  const graph: HttpClient = ctx.http.with({
    baseUrl: s.url,
    auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    errorText: graphErrorText,
    explainFailure: explain,
  });
  const users = (select: string[], top: number) =>
    paginate<Record<string, unknown>>(graph, {
      path: '/v1.0/users',
      query: { $select: select.join(','), $top: top },
      items: 'value',
      strategy: nextLinksOn(s.url),
      signal: ctx.signal,
    });
  const who = `authenticated to tenant "${tenant}" as application "${clientId}"`;

  return {
    async check() {
      for await (const user of users(['id', 'userPrincipalName', 'displayName'], 1)) {
        return `${who}; read user "${String(user.userPrincipalName ?? user.id)}"`;
      }
      return `${who}; the directory has no users the application can see`;
    },
    async *read(request: ReadRequest) {
      const unknown = unknownFields(request.fields);
      if (unknown.length) {
        ctx.log.warn(`mapping source(s) ${unknown.join(', ')} are not fields of this source's records (Graph properties are under additional_properties.)`);
      }
      ctx.log.info(`reading users of tenant "${tenant}" from ${s.url} (${s.page_size} per page)`);
      for await (const user of users(graphSelect(request.fields), s.page_size)) yield toOldUser(user);
    },
  };
}

export const azureusers = defineSource({
  name: 'azureusers',
  title: 'Microsoft Entra ID (Azure AD) users, read from Microsoft Graph',
  dataType: 'users',
  mappingName: 'Azureusers',
  settings: azureUsersSettings,
  defaultMappings: () => ({ PERMISSIONS_ID: { setting: 'default_role' } }),
  create: createAzureUsersSource,
});
