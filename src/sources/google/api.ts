/**
 * A client for one Google API on the kit: the service account's bearer token, Google's error bodies, its rate
 * limits (429, and 403 with a rate-limit reason, both retried with backoff; Google rarely sends Retry-After) and
 * the failures every Google API shares explained for the admin (the API not enabled in the key's project, a
 * token refused, a host that is not the API's). A source adds what its API's 403 and 404 mean.
 */
import { ConfigError } from '../../errors.js';
import { rateLimitOf, type AuthProvider, type FailedRequest, type HttpClient } from '../../http/index.js';
import type { SourceContext } from '../types.js';
import { googleErrorText, isGoogleRateLimit } from './errors.js';
import type { ServiceAccount } from './serviceAccount.js';

export interface GoogleApiOptions {
  /** The API's product name as the Cloud console lists it: "Admin SDK API", "Android Management API". */
  api: string;
  /** Its service name: admin.googleapis.com, androidmanagement.googleapis.com. */
  service: string;
  url: string;
  auth: AuthProvider;
  account: ServiceAccount;
  rate_limit_max_wait?: number;
  /** What a final 403 or 404 of this API means, read from Google's message and reason; undefined: the shared reading. */
  explain?: (f: FailedRequest) => Error | undefined;
}

export function googleApiClient(ctx: SourceContext, o: GoogleApiOptions): HttpClient {
  return ctx.http.with({
    baseUrl: o.url,
    auth: o.auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(o),
    errorText: googleErrorText,
    // Google's 403 userRateLimitExceeded/quotaExceeded is a rate limit that is not a 429: retried with backoff.
    classifyFailure: (r) => (isGoogleRateLimit(r) ? 'retry' : undefined),
    // A disabled API is a 403 PERMISSION_DENIED too: it is recognised before the source reads its own 403s.
    explainFailure: (f) => apiDisabled(ctx.section, o, f) ?? o.explain?.(f) ?? explainShared(ctx.section, o, f),
  });
}

function apiDisabled(section: string, o: GoogleApiOptions, f: FailedRequest): Error | undefined {
  if (f.status !== 403 || !/SERVICE_DISABLED|accessNotConfigured/.test(f.said)) return undefined;
  const project = o.account.key.project_id;
  return new ConfigError({ section, key: o.account.setting },
    `the ${o.api} is not enabled in Google Cloud project "${project ?? '(the project of the service account)'}" (HTTP 403: ${f.said}). ` +
    `Enable it: https://console.cloud.google.com/apis/library/${o.service}${project ? `?project=${encodeURIComponent(project)}` : ''}`);
}

function explainShared(section: string, o: GoogleApiOptions, f: FailedRequest): Error | undefined {
  const said = f.said ? `: ${f.said}` : '';
  if (f.status === 401) {
    return new ConfigError({ section, key: 'url' },
      `${new URL(f.url).origin} refused a fresh access token of service account "${o.account.key.client_email}" (HTTP 401${said}): ` +
      `url must be https://${o.service} or a proxy of it`);
  }
  if (f.status === 404 && !/NOT_FOUND|notFound/.test(f.said)) {
    return new ConfigError({ section, key: 'url' },
      `${new URL(f.url).origin} has no ${o.api} (HTTP 404 from ${new URL(f.url).pathname}): url must be https://${o.service} or a proxy of it`);
  }
  return undefined;
}
