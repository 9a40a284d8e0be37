/**
 * MobileIron's REST APIs on the kit. Both take HTTP Basic of an API account and answer JSON:
 * - v1 (MobileIron Cloud, now Ivanti Neurons for MDM): `{"errors": ..., "result": {...}}`; a bad request explains
 *   itself in `errors.fieldErrors[].message` / `errors.globalErrors` (e.g. rows above 500: "must be between 1 and
 *   500"), https://help.ivanti.com/mi/help/en_US/cld/8x/api/MDMCustomerIntegrationAPIGuide/Device%20API%20Calls.htm;
 * - v2 (MobileIron Core): `{"results": [...], "hasMore": ...}`, errors as `messages[].localizedMessage` (unverified).
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { isAuthFailure, tokenHeader, basicAuth, type AuthProvider, type FailedRequest, type HttpClient, type RateLimitPolicy } from '../../http/index.js';
import type { MobileironSettings } from './settings.js';

/** A role without the permission a call needs: it would fail every device alike, so it ends the read. */
export class MobileironPermissionError extends PermanentError {}

export function isMobileironFatal(error: unknown): boolean {
  return isAuthFailure(error) || error instanceof MobileironPermissionError;
}

function messagesOf(value: unknown): string[] {
  if (!value) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(messagesOf);
  if (typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own = ['localizedMessage', 'message'].map((k) => o[k]).find((m) => typeof m === 'string' && m) as string | undefined;
  if (own) return [typeof o.field === 'string' ? `${o.field}: ${own}` : own];
  return [...messagesOf(o.globalErrors), ...messagesOf(o.fieldErrors)];
}

/** "rows: must be between 1 and 500" from v1's `errors`, or v2's `messages`. */
export function mobileironErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown; messages?: unknown } | null;
    const texts = [...messagesOf(parsed?.errors), ...messagesOf(parsed?.messages)];
    return texts.length ? texts.join('; ') : undefined;
  } catch {
    return undefined;
  }
}

export function explainMobileironFailure(section: string, who: string, version: 1 | 2) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const path = new URL(f.url).pathname;
    if (f.status === 401) {
      return new ConfigError({ section, key: 'password' },
        `MobileIron refused ${who} on ${path} (HTTP 401${said}): check username and password (and url: the ${version === 2 ? 'Core server' : 'Cloud tenant host'})`);
    }
    if (f.status === 403) {
      const role = version === 2 ? 'the API role and, in its space, Device Management > View dashboard, device page, device details' : 'Device Read Only (or Device Management)';
      return new MobileironPermissionError(`MobileIron: ${who} may not read ${path} (HTTP 403${said}): give the account ${role}`);
    }
    if (f.status === 404 && /\/api\/v[12]\/(tenant|device_spaces)\//.test(path)) {
      return new ConfigError({ section, key: version === 2 ? 'api_version' : 'url' },
        `${new URL(f.url).origin} has no ${path} (HTTP 404${said}): ${version === 2 ? 'api_version = 2 is for MobileIron Core; Cloud needs api_version = 1' : 'is url your MobileIron Cloud tenant? MobileIron Core needs api_version = 2'}`);
    }
    return undefined;
  };
}

/** Basic of username/password, or the managed mode's Authorization as it is. */
export function mobileironAuth(s: MobileironSettings, section: string): { auth: AuthProvider; who: string } {
  const header = s.authorization_settings?.Authorization;
  if (typeof header === 'string' && header) return { auth: tokenHeader('authorization', header), who: 'the Authorization of authorization_settings' };
  if (!s.username) throw new ConfigError({ section, key: 'username' }, 'set username and password of a MobileIron API account');
  if (!s.password) throw new ConfigError({ section, key: 'password' }, `user "${s.username}" needs its password`);
  return { auth: basicAuth(s.username, s.password), who: `user "${s.username}"` };
}

export function mobileironClient(http: HttpClient, o: { section: string; url: string; auth: AuthProvider; who: string; version: 1 | 2; rateLimit?: Partial<RateLimitPolicy> }): HttpClient {
  return http.with({
    baseUrl: o.url.replace(/\/+$/, ''),
    auth: o.auth,
    headers: { accept: 'application/json' },
    errorText: mobileironErrorText,
    rateLimit: o.rateLimit,
    explainFailure: explainMobileironFailure(o.section, o.who, o.version),
  });
}
