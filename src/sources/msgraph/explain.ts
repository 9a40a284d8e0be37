/**
 * What a refused sign-in or a failed Graph request means for the admin: the AADSTS codes of the token endpoint
 * (https://learn.microsoft.com/entra/identity-platform/reference-error-codes) name the setting to check; a 403 names
 * the application permission to grant; Graph's error bodies are read as their own explanation.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import type { FailedRequest } from '../../http/index.js';
import type { GraphApp } from './types.js';

/** A 403 from Graph: the app lacks an application permission. It fails every item alike, so a fan-out stops on it. */
export class GraphPermissionError extends PermanentError {}

/** What a source reads at a URL, for the 403 message: "may not read {what}: ... permission {permission}". */
export interface GraphReadPermission {
  what: string;
  permission: string;
}

export interface GraphExplainOptions {
  /** The permission the request at `url` (no query string) needs. */
  permissionFor(url: string): GraphReadPermission;
  /** A source's own reading of a failure (Intune's "no licence"), tried first. */
  explain?(f: FailedRequest): Error | undefined;
  /** A 400 naming a property Graph does not have ($select from a mapping): the source's message. */
  unknownProperty?(property: string, f: FailedRequest): Error | undefined;
}

/** The setting to check and why, for an AADSTS code of the token endpoint. */
function knownCode(app: GraphApp, code: string): { key: string; why: string } | undefined {
  const thumbprint = app.certificate ? ` (thumbprint ${app.certificate.thumbprint})` : '';
  switch (code) {
    case '7000215':
      return { key: app.secretSetting, why: "the client secret is wrong: use the secret's Value (shown once, when it is created), not its Secret ID" };
    case '7000222':
      return { key: app.secretSetting, why: 'the client secret has expired: create a new one under Certificates & secrets' };
    case '700027':
      return { key: 'certificate_file', why: `the certificate${thumbprint} is not one of the application's, or the assertion's signature does not verify: upload the certificate (not its key) under Certificates & secrets > Certificates` };
    case '700024':
      return { key: 'certificate_file', why: "the client assertion is outside its valid time range: check this computer's clock" };
    case '700016':
      return { key: 'client_id', why: `tenant "${app.tenant}" has no application "${app.clientId}": check client_id (the Application (client) ID) and tenant_id` };
    case '7000112':
      return { key: 'client_id', why: `application "${app.clientId}" is disabled in tenant "${app.tenant}"` };
    case '90002':
    case '900023':
      return { key: 'tenant_id', why: `tenant "${app.tenant}" was not found: check tenant_id (the Directory (tenant) ID) and, for a national cloud, url and token_url` };
    case '500011':
    case '1002012':
    case '70011':
      return { key: 'url', why: `the tenant cannot issue tokens for Microsoft Graph at ${app.graphUrl}: url must be the Graph host of the tenant's cloud` };
    default:
      return undefined;
  }
}

/** A 400/401 of the token endpoint as a ConfigError naming the setting to check; undefined for other statuses. */
export function tokenFailure(app: GraphApp, f: FailedRequest): Error | undefined {
  const said = f.said ? `, ${f.said}` : '';
  const known = knownCode(app, /AADSTS(\d+)/.exec(f.said)?.[1] ?? '');
  if (known) return new ConfigError({ section: app.section, key: known.key }, `Microsoft Entra ID refused the sign-in: ${known.why} (HTTP ${f.status}${said})`);
  if (f.status === 400 || f.status === 401) {
    return new ConfigError({ section: app.section, key: 'client_id' }, `Microsoft Entra ID refused the sign-in of application "${app.clientId}" (HTTP ${f.status}${said}): check ${app.credentialSettings}`);
  }
  return undefined;
}

/** The HttpClient's explainFailure for a Graph section. */
export function explainGraphFailure(app: GraphApp, tokenUrl: string, o: GraphExplainOptions) {
  return (f: FailedRequest): Error | undefined => {
    if (f.url === tokenUrl) return tokenFailure(app, f);
    const own = o.explain?.(f);
    if (own) return own;
    const said = f.said ? `, ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section: app.section, key: 'url' }, `Microsoft Graph refused the access token of application "${app.clientId}" (HTTP 401${said}): url and the login host must belong to the same cloud`);
    }
    if (f.status === 403) {
      const { what, permission } = o.permissionFor(f.url);
      return new GraphPermissionError(`Microsoft Graph: application "${app.clientId}" may not read ${what} (HTTP 403${said}): give the app registration the Microsoft Graph application permission ${permission} (API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent`);
    }
    const property = /Could not find a property named '([^']+)'/.exec(f.said)?.[1];
    if (f.status === 400 && property) return o.unknownProperty?.(property, f);
    return undefined;
  };
}

/**
 * Graph's `{"error":{"code","message"}}` (Intune nests its own JSON in `message`: its `Message` is the text), or the
 * token endpoint's error_description without its trace lines.
 */
export function graphErrorText(body: string): string | undefined {
  let parsed: { error?: unknown; error_description?: unknown };
  try {
    parsed = JSON.parse(body) as typeof parsed;
  } catch {
    return undefined;
  }
  const error = parsed?.error as { code?: unknown; message?: unknown } | undefined;
  if (error && typeof error === 'object') {
    return [error.code, intuneMessage(error.message)].filter((v): v is string => typeof v === 'string' && v !== '').join(': ') || undefined;
  }
  if (typeof parsed?.error_description === 'string') return parsed.error_description.split(/\r?\n/)[0].replace(/\s*Trace ID:.*$/s, '').trim();
  return undefined;
}

/** Intune's `{"_version":3,"Message":"... - Operation ID (for customer support): ..."}` inside Graph's message: the Message, without the ids. */
function intuneMessage(message: unknown): unknown {
  if (typeof message !== 'string' || !message.trimStart().startsWith('{')) return message;
  try {
    const inner = (JSON.parse(message) as { Message?: unknown }).Message;
    return typeof inner === 'string' ? inner.replace(/\s+-\s+Operation ID.*$/s, '') : message;
  } catch {
    return message;
  }
}
