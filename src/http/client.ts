/**
 * The one HTTP client every source and the Oomnitza client share, on undici: a keep-alive pool per origin,
 * TLS from the section's settings, proxies from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, timeouts, retries with
 * backoff, authentication, and error messages that are safe to print.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { EnvHttpProxyAgent, interceptors, request as undiciRequest, type Dispatcher } from 'undici';
import { getLogger, type Logger } from '../logging.js';
import {
  HttpError,
  HttpPermanentError,
  HttpTransientError,
  describeNetworkError,
  isRetriableStatus,
  safeUrl,
  scrub,
  serverErrorText,
} from './httpError.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep } from './retry.js';
import { nodeTlsOptions } from './tls.js';
import type { AuthProvider, HttpClientLike, HttpClientOptions, HttpResponse, RequestOptions, RetryPolicy } from './types.js';

export { HttpError, HttpPermanentError, HttpTransientError } from './httpError.js';

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECTIONS = 16;
/** As Python requests (the original) does; undici strips Authorization/Cookie when a redirect changes origin. */
const MAX_REDIRECTS = 5;
/** Header, query and userinfo names whose values are credentials and must never reach a message. */
const SENSITIVE_NAME = /auth|token|key|secret|password|passwd|cookie|session|signature|sig$|credential/i;

/**
 * Set while an AuthProvider fetches its token through this client, so that the token request itself is sent
 * without authentication (otherwise it would wait on its own token forever).
 */
const fetchingToken = new AsyncLocalStorage<boolean>();

export class HttpClient implements HttpClientLike {
  private readonly section: string;
  private readonly log: Logger;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly headers: Record<string, string>;
  private readonly auth?: AuthProvider;
  private readonly dispatcher: Dispatcher;
  private closing?: Promise<void>;

  constructor(options: HttpClientOptions) {
    this.section = options.section;
    this.log = options.log ?? getLogger('http');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.headers = lowerCaseKeys(options.headers ?? {});
    this.auth = options.auth;
    const tls = nodeTlsOptions(options.tls, options.section);
    // EnvHttpProxyAgent reads https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY and no_proxy/NO_PROXY (both cases);
    // with none set it is a plain Agent. `requestTls` is the TLS to the target inside a proxy tunnel.
    this.dispatcher = new EnvHttpProxyAgent({
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      connect: tls,
      requestTls: tls,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    }).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));
  }

  async request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const policy: RetryPolicy = { ...this.retry, ...opts.retry };
    const target = withQuery(url, opts.query);
    const where = `[${this.section}] ${method} ${safeUrl(target)}`;
    const secrets = credentialValues(target, opts.headers);
    const { body, contentType } = encodeBody(opts);
    const withAuth = this.auth !== undefined && fetchingToken.getStore() !== true;
    let reauthenticated = false;

    for (let attempt = 1; ; attempt++) {
      opts.signal?.throwIfAborted();
      const headers = { ...this.headers, ...(contentType ? { 'content-type': contentType } : {}) };
      if (withAuth) {
        const authHeaders = await fetchingToken.run(true, () => this.auth!.headers(this));
        for (const value of Object.values(authHeaders)) addSecret(secrets, value);
        Object.assign(headers, lowerCaseKeys(authHeaders));
      }
      Object.assign(headers, lowerCaseKeys(opts.headers ?? {}));

      let failure: HttpError;
      let retriable: boolean;
      try {
        const response = await this.send(method, target, headers, body, opts);
        if ((response.status >= 200 && response.status < 300) || opts.acceptStatus?.includes(response.status)) {
          return response;
        }
        if (response.status === 401 && withAuth && !reauthenticated && this.auth!.invalidate?.()) {
          // A token revoked or expired early: fetch a fresh one and try once more, outside the retry budget.
          reauthenticated = true;
          attempt--;
          this.log.info(`${where}: HTTP 401, fetching a new token and retrying once`);
          continue;
        }
        retriable = isRetriableStatus(response.status);
        const said = scrub(serverErrorText(response.text), secrets);
        const message = `${where} failed: HTTP ${response.status}${said ? `: ${said}` : ''}`;
        const details = {
          section: this.section,
          method,
          url: safeUrl(target),
          status: response.status,
          attempts: attempt,
          retryAfterMs: parseRetryAfter(response.headers['retry-after']),
        };
        failure = retriable ? new HttpTransientError(message, details) : new HttpPermanentError(message, details);
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (err instanceof HttpError) throw err;
        const { text, retriable: worthRetrying } = isTimeout(err)
          ? { text: `timed out after ${opts.timeoutMs ?? this.timeoutMs} ms`, retriable: true }
          : describeNetworkError(err);
        retriable = worthRetrying;
        const details = { section: this.section, method, url: safeUrl(target), attempts: attempt, cause: err };
        const message = `${where} failed: ${scrub(text, secrets)}`;
        failure = retriable ? new HttpTransientError(message, details) : new HttpPermanentError(message, details);
      }

      if (!retriable || attempt > policy.retries) {
        if (attempt > 1) failure.message += ` (gave up after ${attempt} attempts)`;
        throw failure;
      }
      const delay = backoffDelay(attempt, policy, (failure as HttpTransientError).retryAfterMs);
      this.log.warn(`${failure.message}; retry ${attempt} of ${policy.retries} in ${delay} ms`);
      await sleep(delay, opts.signal);
    }
  }

  async getJson<T = unknown>(url: string, opts: RequestOptions = {}): Promise<T> {
    const response = await this.request('GET', url, { ...opts, headers: { accept: 'application/json', ...opts.headers } });
    return response.json<T>();
  }

  async postJson<T = unknown>(url: string, body: unknown, opts: RequestOptions = {}): Promise<T> {
    const response = await this.request('POST', url, { ...opts, json: body, headers: { accept: 'application/json', ...opts.headers } });
    return (response.text.trim() === '' ? undefined : response.json<T>()) as T;
  }

  /** Closes the pooled connections; safe to call more than once. */
  async close(): Promise<void> {
    this.closing ??= this.dispatcher.close();
    await this.closing;
  }

  /** One attempt: the overall timeout covers connect, headers and body; the caller's signal cancels it too. */
  private async send(
    method: string,
    target: URL,
    headers: Record<string, string>,
    body: string | Buffer | undefined,
    opts: RequestOptions,
  ): Promise<HttpResponse> {
    const timeout = AbortSignal.timeout(opts.timeoutMs ?? this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const started = Date.now();
    const res = await undiciRequest(target, {
      method: method as Dispatcher.HttpMethod,
      headers,
      body,
      signal,
      dispatcher: this.dispatcher,
    });
    const text = await res.body.text();
    this.log.debug(`[${this.section}] ${method} ${safeUrl(target)} -> ${res.statusCode} in ${Date.now() - started} ms`);
    return makeResponse(res.statusCode, res.headers, text, `[${this.section}] ${method} ${safeUrl(target)}`, {
      section: this.section,
      method,
      url: safeUrl(target),
    });
  }
}

function makeResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  where: string,
  details: { section: string; method: string; url: string },
): HttpResponse {
  let parsed: { value: unknown } | undefined;
  return {
    status,
    headers,
    text,
    json<T>(): T {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(text) };
        } catch {
          const start = text.slice(0, 60).replace(/\s+/g, ' ');
          throw new HttpPermanentError(`${where}: the response (HTTP ${status}) is not JSON; it starts with "${start}"`, {
            ...details,
            status,
            attempts: 1,
          });
        }
      }
      return parsed.value as T;
    },
  };
}

function isTimeout(err: unknown): boolean {
  return (err as { name?: string }).name === 'TimeoutError';
}

function withQuery(url: string, query: RequestOptions['query']): URL {
  const target = new URL(url);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) target.searchParams.set(key, String(value));
  }
  return target;
}

function encodeBody(opts: RequestOptions): { body?: string | Buffer; contentType?: string } {
  if (opts.json !== undefined) return { body: JSON.stringify(opts.json), contentType: 'application/json' };
  if (opts.form) return { body: new URLSearchParams(opts.form).toString(), contentType: 'application/x-www-form-urlencoded' };
  return { body: opts.body };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Values a server might echo back into an error text that we must not print. */
function credentialValues(target: URL, headers: Record<string, string> | undefined): Set<string> {
  const secrets = new Set<string>();
  addSecret(secrets, decodeURIComponent(target.password));
  for (const [key, value] of target.searchParams) if (SENSITIVE_NAME.test(key)) addSecret(secrets, value);
  for (const [key, value] of Object.entries(headers ?? {})) if (SENSITIVE_NAME.test(key)) addSecret(secrets, value);
  return secrets;
}

function addSecret(secrets: Set<string>, value: string): void {
  if (!value) return;
  secrets.add(value);
  // "Bearer abc" may be echoed as just "abc"; "Basic xyz" too.
  const scheme = /^\s*\S+\s+(\S{4,})\s*$/.exec(value);
  if (scheme) secrets.add(scheme[1]);
}
