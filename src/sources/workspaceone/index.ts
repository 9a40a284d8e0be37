/**
 * The Workspace ONE UEM REST API parts that [airwatch] and [workspaceone_devicesoftware] share: credentials and
 * their settings, the client (auth, UEM's error texts and what its failures mean, rate limits) and UEM's paging.
 * Not a source itself (it is not registered); the two sources import it.
 */
import type { HttpClient, RateLimitPolicy } from '../../http/index.js';
import { uemAuth, type UemCredentials } from './auth.js';
import { explainUemFailure, uemErrorText } from './errors.js';

export { credentialsOf, describeCredentials, uemAuth, type UemCredentialSettings, type UemCredentials } from './auth.js';
export { explainUemFailure, isUemFatal, uemErrorText, UemPermissionError } from './errors.js';
export { uemPages, type UemPagesOptions } from './paging.js';
export { parseRegion, REGIONS, tokenUrlFor, uemBasicSettings, uemOAuthSettings, type Region } from './settings.js';

export interface UemClientOptions {
  section: string;
  /** The REST API server, e.g. https://as1234.awmdm.com (a proxy's path prefix is kept). */
  url: string;
  credentials: UemCredentials;
  rateLimit?: Partial<RateLimitPolicy>;
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

/**
 * A client for one UEM environment. Calls ask for JSON without an API version in Accept, so every endpoint answers
 * its version 1, as in the originals. UEM's throttling answers 429 with X-RateLimit-Reset, which the kit waits out.
 */
export function uemClient(http: HttpClient, o: UemClientOptions): HttpClient {
  return http.with({
    baseUrl: o.url.replace(/\/+$/, ''),
    auth: uemAuth(o.credentials, o.section, o.now),
    headers: { accept: 'application/json' },
    errorText: uemErrorText,
    rateLimit: o.rateLimit,
    explainFailure: explainUemFailure(o.section, o.credentials),
  });
}
