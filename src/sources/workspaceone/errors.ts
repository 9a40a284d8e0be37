/**
 * What Workspace ONE UEM's failures mean for the admin. UEM explains an error as
 * `{"errorCode": 1005, "message": "...", "activityId": "..."}`; a refused login is HTTP 401 (errorCode 1005 for a
 * refused Basic account: a wrong password, a directory account, a role without API access, or a missing
 * aw-tenant-code), a role without the permission for a resource is HTTP 403.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { isAuthFailure, type FailedRequest } from '../../http/index.js';
import { describeCredentials, type UemCredentials } from './auth.js';

/** UEM's `message` with its errorCode, e.g. "User credentials are incorrect. (errorCode 1005)". */
export function uemErrorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; Message?: unknown; errorCode?: unknown } | null;
    const message = parsed?.message ?? parsed?.Message;
    if (typeof message !== 'string' || message === '') return undefined;
    return parsed?.errorCode !== undefined && parsed.errorCode !== null ? `${message} (errorCode ${String(parsed.errorCode)})` : message;
  } catch {
    return undefined;
  }
}

/** A role without the permission a call needs: it would fail every item alike, so it ends the read. */
export class UemPermissionError extends PermanentError {}

/** fanOut's isFatal for UEM: bad credentials and missing permissions end the read instead of failing every item. */
export function isUemFatal(error: unknown): boolean {
  return isAuthFailure(error) || error instanceof UemPermissionError;
}

/** The REST API area a path belongs to, as UEM's admin roles name them. */
function areaOf(path: string): string {
  if (path.includes('/api/mam/')) return 'REST API > Apps (read)';
  if (path.includes('/api/mdm/dep/')) return 'REST API > Devices and Apple DEP (read)';
  return 'REST API > Devices (read)';
}

/** explainFailure for a UEM client: a final 401 names the settings to check, a 403 the permission the role needs. */
export function explainUemFailure(section: string, creds: UemCredentials) {
  const who = describeCredentials(creds);
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      if (creds.kind === 'basic') {
        return new ConfigError({ section, key: 'password' },
          `Workspace ONE UEM refused ${who} on ${path} (HTTP 401${said}): check username, password and api_token (the REST API key of the organization group); the account must be a Basic admin account created in UEM whose role has API access`);
      }
      return new ConfigError({ section, key: 'client_id' },
        `Workspace ONE UEM refused a fresh token of ${who} on ${path} (HTTP 401${said}): check that the OAuth client belongs to the UEM environment that url names, and that region (or token_url) is that environment's`);
    }
    if (f.status === 404 && /\/(devices|apps)\/search$/.test(path) && !/\/devices\/[^/]+\/apps\/search$/.test(path)) {
      return new ConfigError({ section, key: 'url' },
        `Workspace ONE UEM has no ${path} at ${new URL(f.url).origin} (HTTP 404${said}): url must be the REST API server (https://asNNNN.awmdm.com for SaaS), not the console (cnNNNN)`);
    }
    if (f.status === 403) {
      return new UemPermissionError(`Workspace ONE UEM: ${who} may not read ${path} (HTTP 403${said}): give its admin role the permission ${areaOf(path)}`);
    }
    return undefined;
  };
}
