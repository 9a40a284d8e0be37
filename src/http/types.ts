/**
 * The shared HTTP toolkit's public surface. Every HTTP source, the secret backends and the Oomnitza client
 * use it, so that TLS, proxies, retries, rate limits, authentication and error texts behave the same everywhere.
 */
import type { Logger } from '../logging.js';
import type { CookieJar } from './cookies.js';

/** TLS settings from the common section settings. */
export interface TlsSettings {
  /** verify_ssl; false accepts self-signed certificates. */
  verify: boolean;
  /** cacert_file: PEM bundle of extra trusted CAs. */
  caFile?: string;
  /** cacert_dir: a folder of PEM CA files (*.pem, *.crt), as OpenLDAP's TLS_CACERTDIR. */
  caDir?: string;
  /** ssl_protocol as written in the INI ('', 'tls1', 'tls1.2', ...). */
  protocol?: string;
  /** PEM file holding a client certificate and its private key (Oomnitza's user_pem_file). */
  clientPemFile?: string;
}

export interface RetryPolicy {
  /** Attempts after the first one. Default 5. */
  retries: number;
  /** First backoff delay; doubles each attempt with full jitter. Default 500 ms. */
  baseDelayMs: number;
  /** Cap for one backoff delay (rate-limit waits have their own cap, RateLimitPolicy.maxWaitMs). Default 60 s. */
  maxDelayMs: number;
}

/**
 * How the client waits out rate limits. A 429 (or a 503 with Retry-After) is waited out for as long as the server
 * asks, up to `maxWaitMs` per wait and `maxWaits` per request; these waits do not use up the retry budget. The wait
 * comes from Retry-After (seconds or an HTTP date), else from the first reset header present: a value above 10^9 is
 * an epoch time (Okta's X-Rate-Limit-Reset, GitHub's X-RateLimit-Reset), anything else is seconds until the reset
 * (RateLimit-Reset of draft-ietf-httpapi-ratelimit-headers, Meraki, ...).
 */
export interface RateLimitPolicy {
  /** Longest single wait; a server asking for more fails the request with a transient error that says so. Default 5 min. */
  maxWaitMs: number;
  /** Rate-limit waits allowed for one request. Default 10. */
  maxWaits: number;
  /** Reset headers, in order of preference (lower case). */
  resetHeaders: string[];
  /**
   * Proactive pacing: when this header (e.g. x-rate-limit-remaining) says at most `paceBelow` requests are left,
   * the next request waits until the reset instead of running into a 429. Undefined: no pacing.
   */
  remainingHeader?: string;
  paceBelow: number;
}

/** Time as the client sees it; tests substitute a fake clock so that a 60 s reset takes no time. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/**
 * Extracts the server's own explanation from an error response: the body (Okta's errorSummary, Graph's
 * error.message) or a header (BambooHR's X-BambooHR-Error-Message).
 */
export type ErrorTextExtractor = (body: string, status: number, headers: HttpResponse['headers']) => string | undefined;

/** A request that failed for good (after retries and re-authentication), as a source may explain it. */
export interface FailedRequest {
  method: string;
  /** Without query string or credentials. */
  url: string;
  status: number;
  /** The server's explanation, already scrubbed of credentials. */
  said: string;
}

/**
 * Turns a final HTTP failure into the error the admin should see: a 401 becomes a ConfigError naming the settings to
 * check, a 403 names the permission the account lacks. Undefined keeps the client's own error.
 */
export type FailureExplainer = (failure: FailedRequest) => Error | undefined;

/**
 * What a failed response really is, for APIs whose status does not tell: SOAP 1.1 sends every fault as HTTP 500,
 * whether the credentials were wrong (retrying only locks the account), the server is busy, or the caller is over
 * its rate limit. 'rate-limited' is waited out as a 429 is (its headers, else the retry policy's backoff, outside the
 * retry budget); 'retry' is retried; 'fail' is not (explainFailure then sees it). 'reauthenticate' is a refused
 * session that does not come as a 401 (Tanium's 403 on an expired session; FortiManager's JSON-RPC, which answers an
 * ended session with HTTP 200 and code -11 in the body: the classifier also sees 2xx responses for this kind): the
 * provider's token is dropped and the request sent once more, as after a 401; refused again, it fails (explainFailure
 * sees it), or, for a 2xx, is returned to the caller. Undefined: the status decides.
 */
export type FailureKind = 'rate-limited' | 'retry' | 'fail' | 'reauthenticate';
export type FailureClassifier = (response: HttpResponse) => FailureKind | undefined;

/** What a client derived with `with()` may change; everything else (TLS, proxy, pool, section, log) is shared. */
export interface ClientOverrides {
  /** Relative request URLs (`/api/v1/users`) are appended to it; absolute ones are used as they are. */
  baseUrl?: string;
  /** Replaces the parent's authentication. */
  auth?: AuthProvider;
  /** Added to (and overriding) the parent's headers. */
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  rateLimit?: Partial<RateLimitPolicy>;
  timeoutMs?: number;
  errorText?: ErrorTextExtractor;
  explainFailure?: FailureExplainer;
  classifyFailure?: FailureClassifier;
  /**
   * Keeps the server's cookies across requests (a Python requests.Session): Set-Cookie of every response is stored,
   * matching cookies go with every request that sets no Cookie header itself. Shared by whoever holds the jar.
   */
  cookies?: CookieJar;
}

export interface HttpClientOptions extends Omit<ClientOverrides, 'baseUrl'> {
  /** Section name, used in every error message. */
  section: string;
  tls: TlsSettings;
  log?: Logger;
  baseUrl?: string;
  /** Per request: connect + headers + body. Default 60 s. */
  timeoutMs?: number;
  /** Longest wait for a connection to open (within timeoutMs). Default undici's, 10 s. */
  connectTimeoutMs?: number;
  /** Max sockets per origin; default 16. */
  connections?: number;
  clock?: Clock;
  /**
   * A circuit breaker shared by this client and every client derived from it (src/http/breaker.ts): a section's
   * source client gets one; the Oomnitza client has its own per-run breaker instead. Undefined: none.
   */
  breaker?: { threshold: number; coolDownMs: number };
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  headers?: Record<string, string>;
  /** Sent as JSON with Content-Type application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Raw body. */
  body?: string | Buffer;
  /** Statuses that are returned instead of thrown (e.g. [404] to probe). */
  acceptStatus?: number[];
  /** Overrides the client's retry policy for this request (e.g. { retries: 0 }). */
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Send without the client's authentication (a login request made by an AuthProvider, a public endpoint). */
  noAuth?: boolean;
  /**
   * This request's authentication instead of the client's (credentials that differ per call, e.g. a managed
   * integration's session login); what it adds is a secret in messages, as for the client's own provider.
   */
  auth?: AuthProvider;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Body as text (already read). */
  text: string;
  /** The URL that answered (after redirects), without credentials. */
  url: string;
  json<T = unknown>(): T;
  /**
   * The body as XML, in the shape Python's xmltodict gives (the original's records): attributes as `@name`, text
   * next to attributes as `#text`, a repeated element as an array, a single one as an object, empty elements null.
   */
  xml<T = unknown>(): T;
}

/** What HttpClient.stream() returns: the status and headers, and the body still to be read, chunk by chunk. */
export interface StreamedResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL that answered (after redirects), without credentials. */
  url: string;
  /** The body's bytes as they arrive; iterate once. Leaving the loop early closes the connection. */
  body: AsyncIterable<Uint8Array>;
}

/** One attempt of a request, as it will go on the wire: what an AuthProvider adds credentials to. */
export interface OutgoingRequest {
  readonly method: string;
  /** The final URL, query string included; a provider may add query parameters (API keys in the URL). */
  url: URL;
  /** Header names are lower case. */
  headers: Record<string, string>;
  /**
   * The encoded body exactly as it is sent, for request signatures. A session provider may replace it (a JSON-RPC
   * session travels in the JSON body: TokenInjection `{ jsonBody }`).
   */
  body?: string | Buffer;
}

/**
 * Authentication of one client. `authorize` runs before every attempt (so a renewed token or a new signature
 * time is used on a retry); providers that log in share one login among concurrent callers and renew before
 * expiry. Every value a provider adds to a request is treated as a secret in error messages.
 */
export interface AuthProvider {
  authorize(request: OutgoingRequest, client: HttpClientLike): Promise<void>;
  /**
   * Called after a 401 with the request that was refused: drop the cached token if that request carried it (a
   * concurrent caller may already have replaced it; dropping the replacement would log in again for nothing).
   * Returns true when a retry with fresh credentials may help (once).
   */
  invalidate?(rejected?: OutgoingRequest): boolean;
  /** Ends a session (logout); best effort. Called when the client that owns it closes. */
  close?(client: HttpClientLike): Promise<void>;
  /** Whom we authenticate as, for `connector test` (e.g. `API client "abc"`); never a secret. */
  describe?(): string;
  /**
   * Headers (lower case) this provider adds that name the caller but prove nothing (Chef's X-Ops-UserId, a
   * timestamp): their values stay readable in error texts. Every other value the provider adds is masked.
   */
  readonly publicHeaders?: readonly string[];
}

export interface HttpClientLike {
  request(method: string, url: string, opts?: RequestOptions): Promise<HttpResponse>;
}
