/**
 * Okta's Users API on the kit: the SSWS token header, Okta's error bodies and rate-limit headers.
 * - Auth: `Authorization: SSWS <api_token>` (https://developer.okta.com/docs/guides/create-an-api-token/).
 * - Errors: `{"errorCode": "E0000011", "errorSummary": "Invalid token provided", "errorCauses": [...]}`
 *   (https://developer.okta.com/docs/reference/error-codes/).
 * - Rate limits: every answer carries X-Rate-Limit-Limit / -Remaining / -Reset (UTC epoch seconds); a 429 means
 *   wait until the reset (https://developer.okta.com/docs/reference/rl-best-practices/). The kit's client waits out
 *   the 429 and, told which header counts down, pauses before a request that would run into one.
 */
import { ConfigError } from '../../errors.js';
import { rateLimitOf, tokenHeader, type FailedRequest, type HttpClient, type HttpResponse } from '../../http/index.js';
import type { SourceContext } from '../types.js';
import type { OktaSettings } from './settings.js';

interface OktaErrorBody {
  errorCode?: unknown;
  errorSummary?: unknown;
  errorCauses?: Array<{ errorSummary?: unknown }>;
}

/** "Invalid token provided (E0000011)", with the causes Okta lists for a bad request. */
export function oktaErrorText(body: string): string | undefined {
  let parsed: OktaErrorBody;
  try {
    parsed = JSON.parse(body) as OktaErrorBody;
  } catch {
    return undefined;
  }
  if (typeof parsed?.errorSummary !== 'string') return undefined;
  const code = typeof parsed.errorCode === 'string' ? ` (${parsed.errorCode})` : '';
  const causes = Array.isArray(parsed.errorCauses)
    ? parsed.errorCauses.map((c) => c?.errorSummary).filter((s): s is string => typeof s === 'string' && s !== '')
    : [];
  return `${parsed.errorSummary}${code}${causes.length ? `: ${causes.join('; ')}` : ''}`;
}

/** What a final 401, 403 or 404 from Okta means for the admin, and which setting to look at. */
export function explainOktaFailure(section: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'api_token' },
        `Okta rejected the API token (HTTP 401${said}). Check api_token: a token expires after 30 days without use and is ` +
        'revoked when the admin who created it is deactivated; create a new one under Security > API > Tokens');
    }
    if (f.status === 403) {
      return new ConfigError({ section, key: 'api_token' },
        `the API token may not list users (HTTP 403${said}). A token acts with the admin roles of the admin who created it: ` +
        'that admin needs a role that can view users (Read-Only Administrator is enough), or use a token created by one who has it');
    }
    if (f.status === 404) {
      return new ConfigError({ section, key: 'url' },
        `${new URL(f.url).origin} has no Okta Users API (HTTP 404 from ${new URL(f.url).pathname}). Set url to your Okta org URL, e.g. https://example.okta.com`);
    }
    return undefined;
  };
}

/** The section's Okta client: base URL, token, JSON headers, Okta's errors and rate limits. */
export function oktaClient(settings: OktaSettings, ctx: SourceContext): HttpClient {
  return ctx.http.with({
    baseUrl: settings.url,
    auth: tokenHeader('Authorization', `SSWS ${settings.api_token}`),
    // As the original and Okta's own examples send them.
    headers: { accept: 'application/json', 'content-type': 'application/json' },
    // Pausing when the window is used up keeps other Okta integrations of the org (which share the limit) working.
    rateLimit: { ...rateLimitOf(settings), remainingHeader: 'x-rate-limit-remaining', paceBelow: 0 },
    errorText: oktaErrorText,
    explainFailure: explainOktaFailure(ctx.section),
  });
}

/** "598 of 600 requests left until the rate limit resets", for `connector test`; undefined without the headers. */
export function rateLimitLeft(res: HttpResponse): string | undefined {
  const header = (name: string) => {
    const v = res.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const limit = header('x-rate-limit-limit');
  const remaining = header('x-rate-limit-remaining');
  return limit && remaining ? `${remaining} of ${limit} requests left until the rate limit resets` : undefined;
}
