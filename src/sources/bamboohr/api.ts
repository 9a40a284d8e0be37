/**
 * BambooHR's API on the kit (https://documentation.bamboohr.com/docs/getting-started):
 * - Auth: HTTP Basic with the API key as the user name and any password ("x", as the original sends).
 * - JSON only with `Accept: application/json` (XML otherwise).
 * - Errors are explained in the X-BambooHR-Error-Message header, not the body.
 * - Throttling is a 503 (the documented signal) or a 429, with Retry-After when BambooHR says how long: the kit's
 *   client waits that out either way, and retries a bare 503/429 with backoff.
 * - 401 and 403 are never sent again: BambooHR disables the company's API access for a while after repeated
 *   requests with an invalid key, so one refused key must stop the run. basicAuth has no `invalidate`, so the
 *   client does not retry a 401 with "fresh" credentials, and 4xx are never retried.
 */
import { ConfigError } from '../../errors.js';
import { basicAuth, rateLimitOf, type FailedRequest, type HttpClient, type HttpResponse } from '../../http/index.js';
import type { SourceContext } from '../types.js';
import type { BambooHRSettings } from './settings.js';

/** The company subdomain goes into the URL path: a URL or host name there is the usual slip. */
export function checkSystemName(value: string, section: string): string {
  const name = value.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) {
    throw new ConfigError({ section, key: 'system_name' },
      `"${value}" is not a BambooHR company subdomain: use "acme" for https://acme.bamboohr.com`);
  }
  return name;
}

/** BambooHR's own explanation of an error. */
export function bamboohrErrorText(_body: string, _status: number, headers: HttpResponse['headers']): string | undefined {
  const raw = headers['x-bamboohr-error-message'];
  const text = Array.isArray(raw) ? raw[0] : raw;
  return text?.trim() ? text.trim() : undefined;
}

/** What a final 401, 403 or 404 means for the admin, and which setting to look at. */
export function explainBambooHRFailure(section: string, company: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    const lockout = 'BambooHR locks the company\'s API access for a while after repeated invalid keys, so fix this before the next run';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'api_token' },
        `BambooHR rejected the API key for company "${company}" (HTTP 401${said}). Check api_token (and system_name); ${lockout}`);
    }
    if (f.status === 403) {
      return new ConfigError({ section, key: 'api_token' },
        `BambooHR refused to show the employee directory of "${company}" (HTTP 403${said}). The user who created api_token needs ` +
        'access to the employee directory, and the directory must be turned on for the company; a 403 also follows repeated ' +
        'invalid keys (API access locked for a while: wait before running again)');
    }
    if (f.status === 404) {
      return new ConfigError({ section, key: 'system_name' },
        `BambooHR has no company "${company}" (HTTP 404 from ${new URL(f.url).pathname}). system_name is the subdomain, ` +
        '"acme" for https://acme.bamboohr.com; url must stay the API gateway (default https://api.bamboohr.com/api/gateway.php)');
    }
    return undefined;
  };
}

/** The section's BambooHR client, rooted at the company: {url}/{system_name}. */
export function bamboohrClient(settings: BambooHRSettings, company: string, ctx: SourceContext): HttpClient {
  return ctx.http.with({
    baseUrl: `${settings.url}/${encodeURIComponent(company)}`,
    auth: basicAuth(settings.api_token, 'x'),
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(settings),
    errorText: bamboohrErrorText,
    explainFailure: explainBambooHRFailure(ctx.section, company),
  });
}
