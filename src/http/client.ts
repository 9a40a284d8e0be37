/**
 * The one HTTP client every source and the Oomnitza client share, on undici: a keep-alive pool per origin,
 * TLS from the section's settings, proxies from HTTPS_PROXY/HTTP_PROXY/NO_PROXY, timeouts, retries with
 * backoff, rate-limit waits, authentication, redirects that never carry credentials to another origin, and
 * error messages that are safe to print.
 *
 * A source derives its own client from the section's: `ctx.http.with({ baseUrl, auth, rateLimit })` shares the
 * pool, TLS and proxy and adds what is particular to the vendor API.
 */
import type { Dispatcher } from 'undici';
import { Agent, EnvHttpProxyAgent, request as undiciRequest } from './undiciLite.js';
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
import { SourceBreaker } from './breaker.js';
import { noteRequest } from './observe.js';
import { rateLimitWait, DEFAULT_RATE_LIMIT, remainingRequests } from './rateLimit.js';
import { DEFAULT_RETRY, backoffDelay, parseRetryAfter, sleep } from './retry.js';
import { nodeTlsOptions } from './tls.js';
import type {
  AuthProvider,
  ClientOverrides,
  Clock,
  ErrorTextExtractor,
  FailureClassifier,
  FailureExplainer,
  HttpClientLike,
  HttpClientOptions,
  HttpResponse,
  OutgoingRequest,
  RateLimitPolicy,
  RequestOptions,
  RetryPolicy,
  StreamedResponse,
} from './types.js';
import { parseXml } from './xml.js';
import type { CookieJar } from './cookies.js';

export { HttpError, HttpPermanentError, HttpTransientError } from './httpError.js';

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_CONNECTIONS = 16;
/** As Python requests (the original) does. */
const MAX_REDIRECTS = 5;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Header, query and userinfo names whose values are credentials and must never reach a message or another origin. */
export const SENSITIVE_NAME = /auth|token|key|secret|password|passwd|cookie|session|signature|sig$|credential/i;
const SYSTEM_CLOCK: Clock = { now: () => Date.now(), sleep };


/** What every client derived from one section client shares. */
interface Shared {
  section: string;
  log: Logger;
  dispatcher: Dispatcher;
  clock: Clock;
  /** Every client of the family, so closing the section's client also ends their sessions. */
  family: Set<HttpClient>;
  closing?: Promise<void>;
  /** The section's source breaker, when the client was made with one. */
  breaker?: SourceBreaker;
}

interface Own {
  baseUrl?: string;
  auth?: AuthProvider;
  headers: Record<string, string>;
  retry: RetryPolicy;
  rateLimit: RateLimitPolicy;
  timeoutMs: number;
  errorText?: ErrorTextExtractor;
  explainFailure?: FailureExplainer;
  classifyFailure?: FailureClassifier;
  cookies?: CookieJar;
}

const DERIVE = Symbol('derive');

export class HttpClient implements HttpClientLike {
  private readonly shared: Shared;
  private readonly own: Own;
  /** Proactive pacing: no request leaves before this time (set from the remaining-requests header). */
  private pausedUntil = 0;
  private sessionClosed = false;
  /**
   * What an AuthProvider is given to log in through: this client with `noAuth`, so that the login request itself
   * is sent without authentication (otherwise it would wait on its own token forever). A view rather than an
   * AsyncLocalStorage: on Node 20 one AsyncLocalStorage.run() switches on promise hooks for every promise of the
   * process for good (~5 % of a managed run's main-thread CPU, bench/managed.ts).
   */
  private readonly loginView: HttpClientLike & { readonly section: string } = ((client: HttpClient) => ({
    request: (method: string, url: string, opts: RequestOptions = {}) => client.request(method, url, { ...opts, noAuth: true }),
    // Providers name the section in their messages (tokenEndpoint.ts).
    get section() {
      return client.section;
    },
  }))(this);

  constructor(options: HttpClientOptions);
  /** @internal used by with() */
  constructor(options: typeof DERIVE, shared: Shared, own: Own);
  constructor(options: HttpClientOptions | typeof DERIVE, shared?: Shared, own?: Own) {
    if (options === DERIVE) {
      this.shared = shared!;
      this.own = own!;
    } else {
      const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
      const tls = nodeTlsOptions(options.tls, options.section);
      this.shared = {
        section: options.section,
        log: options.log ?? getLogger('http'),
        clock: options.clock ?? SYSTEM_CLOCK,
        family: new Set(),
        breaker: options.breaker && options.breaker.threshold > 0
          ? new SourceBreaker(options.section, options.breaker, (options.clock ?? SYSTEM_CLOCK).now)
          : undefined,
        // EnvHttpProxyAgent reads https_proxy/HTTPS_PROXY, http_proxy/HTTP_PROXY and no_proxy/NO_PROXY (both cases);
        // with none set it is a plain Agent. `requestTls` is the TLS to the target inside a proxy tunnel. Redirects
        // are followed by request() below, which decides what crosses to another origin.
        dispatcher: dispatcherFor({
          connections: options.connections ?? DEFAULT_CONNECTIONS,
          connect: options.connectTimeoutMs ? { ...tls, timeout: options.connectTimeoutMs } : tls,
          requestTls: tls,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        }),
      };
      this.own = {
        baseUrl: options.baseUrl,
        auth: options.auth,
        headers: lowerCaseKeys(options.headers ?? {}),
        retry: { ...DEFAULT_RETRY, ...options.retry },
        rateLimit: { ...DEFAULT_RATE_LIMIT, ...options.rateLimit },
        timeoutMs,
        errorText: options.errorText,
        explainFailure: options.explainFailure,
        classifyFailure: options.classifyFailure,
        cookies: options.cookies,
      };
    }
    if (options !== DERIVE && this.shared.breaker) {
      const { log, section } = this.shared;
      this.shared.breaker.watch((state, why) =>
        state === 'open'
          ? log.error(`[${section}] circuit breaker open: ${why}; no further request is sent to the source until a probe after ${seconds(this.shared.breaker!.policy.coolDownMs)} s`)
          : log.warn(`[${section}] circuit breaker closed: ${why}`));
    }
    this.shared.family.add(this);
  }

  /** The section this client belongs to (for messages). */
  get section(): string {
    return this.shared.section;
  }

  /** A client for one vendor API: same pool, TLS, proxy, section and log; its own base URL, auth, headers and limits. */
  with(overrides: ClientOverrides): HttpClient {
    const o = this.own;
    return new HttpClient(DERIVE, this.shared, {
      baseUrl: overrides.baseUrl !== undefined ? overrides.baseUrl.replace(/\/+$/, '') : o.baseUrl,
      auth: overrides.auth ?? o.auth,
      headers: { ...o.headers, ...lowerCaseKeys(overrides.headers ?? {}) },
      retry: { ...o.retry, ...overrides.retry },
      rateLimit: { ...o.rateLimit, ...overrides.rateLimit },
      timeoutMs: overrides.timeoutMs ?? o.timeoutMs,
      errorText: overrides.errorText ?? o.errorText,
      explainFailure: overrides.explainFailure ?? o.explainFailure,
      classifyFailure: overrides.classifyFailure ?? o.classifyFailure,
      cookies: overrides.cookies ?? o.cookies,
    });
  }

  /** Whom this client authenticates as (for `connector test`), when its auth provider says. */
  describeAuth(): string | undefined {
    return this.own.auth?.describe?.();
  }

  async request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    return this.guarded(method, url, opts, false);
  }

  /** The section's source breaker (src/http/breaker.ts), if it has one: its state, for metrics and messages. */
  get breaker(): SourceBreaker | undefined {
    return this.shared.breaker;
  }

  /** exchange() behind the breaker: refused at once while it is open, and its outcome noted. */
  private async guarded(method: string, url: string, opts: RequestOptions, streamBody: boolean): Promise<Received> {
    const breaker = this.shared.breaker;
    if (!breaker) return this.exchange(method, url, opts, streamBody);
    const probe = breaker.admit(`${method} ${safeUrl(this.resolve(url))}`);
    try {
      const response = await this.exchange(method, url, opts, streamBody);
      breaker.answered(probe);
      return response;
    } catch (err) {
      if (opts.signal?.aborted) breaker.released(probe);
      else breaker.failed(err, probe);
      throw err;
    }
  }

  /**
   * As request(), but a successful (2xx) body is not read into memory: `body` yields its bytes as they arrive, for
   * a response too big to hold (a Workday report of gigabytes). Retries, rate-limit waits, re-authentication and
   * explained failures happen before the body starts, as for request(). The timeout covers the wait for the
   * response headers (a report being generated); while the body arrives, only a pause longer than the timeout
   * between two chunks fails it. A failure mid-body is an HttpTransientError naming the request; it is not retried
   * (the caller has used part of the body).
   */
  async stream(method: string, url: string, opts: RequestOptions = {}): Promise<StreamedResponse> {
    const response = await this.guarded(method, url, opts, true);
    const where = `[${this.shared.section}] ${method} ${response.url}`;
    const details = { section: this.shared.section, method, url: response.url, status: response.status, attempts: 1 };
    return {
      status: response.status,
      headers: response.headers,
      url: response.url,
      body: response.stream ? guardedBody(response.stream, where, details, opts.signal) : oneChunk(response.text),
    };
  }

  private async exchange(method: string, url: string, opts: RequestOptions, streamBody: boolean): Promise<Received> {
    const { log, clock } = this.shared;
    const { rateLimit } = this.own;
    const auth = opts.auth ?? this.own.auth;
    const policy: RetryPolicy = { ...this.own.retry, ...opts.retry };
    const target = withQuery(this.resolve(url), opts.query);
    const where = `[${this.shared.section}] ${method} ${safeUrl(target)}`;
    const secrets = credentialValues(target, opts.headers);
    const { body, contentType } = encodeBody(opts);
    const withAuth = auth !== undefined && !opts.noAuth;
    let reauthenticated = false;
    let rateWaits = 0;

    for (let attempt = 1; ; attempt++) {
      opts.signal?.throwIfAborted();
      await this.waitForPacing(opts.signal);
      const outgoing: OutgoingRequest = {
        method,
        url: new URL(target),
        headers: { ...this.own.headers, ...(contentType ? { 'content-type': contentType } : {}), ...lowerCaseKeys(opts.headers ?? {}) },
        body,
      };
      if (withAuth) await this.authorize(auth!, outgoing, secrets);

      let failure: HttpError;
      let retriable: boolean;
      let explained: Error | undefined;
      try {
        const response = await this.sendFollowingRedirects(outgoing, opts, streamBody);
        this.notePacing(response);
        const ok = (response.status >= 200 && response.status < 300) || opts.acceptStatus?.includes(response.status);
        // Classified once per response, for both uses below: every failure, and every reply to an authenticated request,
        // since a refused session may come as a success (FortiManager's HTTP 200 with code -11).
        const mayBeRefusal = withAuth && !reauthenticated && !response.stream;
        const kind = !ok || mayBeRefusal ? this.own.classifyFailure?.(response) : undefined;
        // 401, or what the API's classifier says is a refused session (Tanium's 403, FortiManager's HTTP 200 with code -11).
        const refused = response.status === 401 || (mayBeRefusal && kind === 'reauthenticate');
        if (refused && withAuth && !reauthenticated && auth!.invalidate?.(outgoing)) {
          // A token revoked or expired early (a session ended by the server): authenticate again and try once more,
          // outside the retry budget. Before acceptStatus, so a caller that handles 401 itself still gets this.
          reauthenticated = true;
          attempt--;
          log.info(`${where}: ${response.status === 401 ? 'HTTP 401' : `HTTP ${response.status}, the server says the session ended`}, authenticating again and retrying once`);
          continue;
        }
        if (ok) return response;
        const said = scrub(serverErrorText(response.text, this.own.errorText, response.status, response.headers), secrets);
        const message = `${where} failed: HTTP ${response.status}${said ? `: ${said}` : ''}`;
        const details = {
          section: this.shared.section,
          method,
          url: safeUrl(target),
          status: response.status,
          attempts: attempt,
          retryAfterMs: parseRetryAfter(response.headers['retry-after'], clock.now()),
        };
        const limited = kind === 'rate-limited';
        // A rate limit only the body tells (a SOAP fault) that names no wait is backed off, still outside the retry budget.
        const asked = rateLimitWait(response, rateLimit, clock.now(), { anyStatus: limited });
        const wait = asked ?? (limited ? backoffDelay(rateWaits + 1, policy) : undefined);
        if (wait !== undefined) {
          // Rate limits are waited out as the server asks, within their own bounds, not the retry budget.
          if (wait > rateLimit.maxWaitMs) {
            throw new HttpTransientError(`${message} (the server asks to wait ${seconds(wait)} s, more than the ${seconds(rateLimit.maxWaitMs)} s allowed by rate_limit_max_wait)`, details);
          }
          if (rateWaits >= rateLimit.maxWaits) {
            throw new HttpTransientError(`${message} (still rate limited after ${rateWaits} waits)`, details);
          }
          rateWaits++;
          attempt--;
          log.warn(`${where}: rate limited (HTTP ${response.status}${said && limited ? `: ${said}` : ''}); waiting ${seconds(wait)} s${asked === undefined ? '' : ' as the server asks'}`);
          await clock.sleep(wait, opts.signal);
          continue;
        }
        retriable = kind && kind !== 'reauthenticate' ? kind === 'retry' : isRetriableStatus(response.status);
        if (!retriable) explained = this.own.explainFailure?.({ method, url: safeUrl(target), status: response.status, said });
        failure = retriable ? new HttpTransientError(message, details) : new HttpPermanentError(message, details);
      } catch (err) {
        if (opts.signal?.aborted) throw opts.signal.reason;
        if (err instanceof HttpError) throw err;
        const { text, retriable: worthRetrying } = isTimeout(err)
          ? { text: `timed out after ${opts.timeoutMs ?? this.own.timeoutMs} ms`, retriable: true }
          : describeNetworkError(err);
        retriable = worthRetrying;
        const details = { section: this.shared.section, method, url: safeUrl(target), attempts: attempt, cause: err };
        const message = `${where} failed: ${scrub(text, secrets)}`;
        failure = retriable ? new HttpTransientError(message, details) : new HttpPermanentError(message, details);
      }

      if (explained) throw explained;
      if (!retriable || attempt > policy.retries) {
        if (attempt > 1) failure.message += ` (gave up after ${attempt} attempts)`;
        throw failure;
      }
      const delay = backoffDelay(attempt, policy, (failure as HttpTransientError).retryAfterMs);
      log.warn(`${failure.message}; retry ${attempt} of ${policy.retries} in ${delay} ms`);
      await clock.sleep(delay, opts.signal);
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

  /**
   * Ends this client's session (an auth provider's logout). On the section's own client (not derived) it also ends
   * the sessions of every client derived from it and then closes the pooled connections. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.isRoot()) {
      this.shared.closing ??= (async () => {
        await Promise.allSettled([...this.shared.family].map((c) => c.endSession()));
        await this.shared.dispatcher.close();
      })();
      await this.shared.closing;
      return;
    }
    await this.endSession();
  }

  private isRoot(): boolean {
    return this.shared.family.values().next().value === this;
  }

  private async endSession(): Promise<void> {
    const auth = this.own.auth;
    if (this.sessionClosed || !auth?.close) return;
    this.sessionClosed = true;
    try {
      await auth.close(this.loginView);
    } catch (err) {
      this.shared.log.debug(`[${this.shared.section}] logout failed: ${(err as Error).message}`);
    }
  }

  private resolve(url: string): string {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || !this.own.baseUrl) return url;
    return `${this.own.baseUrl}/${url.replace(/^\/+/, '')}`;
  }

  /** Lets the provider add its credentials; whatever it added is a secret in every message. */
  private async authorize(auth: AuthProvider, outgoing: OutgoingRequest, secrets: Set<string>): Promise<void> {
    const headersBefore = { ...outgoing.headers };
    const queryBefore = new Set(outgoing.url.searchParams.keys());
    await auth.authorize(outgoing, this.loginView);
    outgoing.headers = lowerCaseKeys(outgoing.headers);
    const open = new Set(auth.publicHeaders ?? []);
    for (const [name, value] of Object.entries(outgoing.headers)) if (headersBefore[name] !== value && !open.has(name)) addSecret(secrets, value);
    for (const [name, value] of outgoing.url.searchParams) if (!queryBefore.has(name)) addSecret(secrets, value);
  }

  /**
   * Follows redirects as Python requests does (303, and 301/302 after a POST, become a GET without body), but a
   * redirect to another origin (scheme, host or port) never carries credentials: authentication, cookies and
   * every header named like a credential are dropped, whatever the provider or the caller set.
   */
  private async sendFollowingRedirects(first: OutgoingRequest, opts: RequestOptions, streamBody = false): Promise<Received> {
    let current = first;
    for (let hop = 0; ; hop++) {
      const response = await this.send(current, opts, streamBody);
      const location = headerValue(response.headers.location);
      if (!REDIRECT_STATUSES.has(response.status) || !location || opts.acceptStatus?.includes(response.status)) return response;
      if (hop >= MAX_REDIRECTS) {
        throw new HttpPermanentError(`[${this.shared.section}] ${first.method} ${safeUrl(first.url)} failed: more than ${MAX_REDIRECTS} redirects`, {
          section: this.shared.section, method: first.method, url: safeUrl(first.url), status: response.status, attempts: 1,
        });
      }
      const next = new URL(location, current.url);
      const headers = { ...current.headers };
      let { method, body } = current;
      if ((response.status === 303 && method !== 'HEAD') || ((response.status === 301 || response.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        delete headers['content-type'];
      }
      if (next.origin !== current.url.origin) {
        for (const name of Object.keys(headers)) if (SENSITIVE_NAME.test(name)) delete headers[name];
        this.shared.log.warn(`[${this.shared.section}] ${first.method} ${safeUrl(first.url)} redirected to another origin (${next.origin}); credentials are not sent there`);
      }
      current = { method, url: next, headers, body };
    }
  }

  private async waitForPacing(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - this.shared.clock.now();
    if (wait > 0) {
      this.shared.log.debug(`[${this.shared.section}] pacing: ${seconds(wait)} s until the rate limit resets`);
      await this.shared.clock.sleep(wait, signal);
    }
  }

  private notePacing(response: HttpResponse): void {
    const { rateLimit } = this.own;
    if (!rateLimit.remainingHeader) return;
    const remaining = remainingRequests(response, rateLimit.remainingHeader);
    if (remaining === undefined || remaining > rateLimit.paceBelow) return;
    const now = this.shared.clock.now();
    const wait = rateLimitWait(response, rateLimit, now, { anyStatus: true });
    if (wait !== undefined && wait > 0) this.pausedUntil = Math.max(this.pausedUntil, now + Math.min(wait, rateLimit.maxWaitMs));
  }

  /**
   * One attempt: the timeout covers connect, headers and body (for a streamed 2xx body only connect and headers,
   * then undici's idle timeout between chunks); the caller's signal cancels it too. The timeout is given to undici
   * per request as well, so a client derived with a longer one is not cut off by the pool's default.
   */
  private async send(req: OutgoingRequest, opts: RequestOptions, streamBody = false): Promise<Received> {
    const timeoutMs = opts.timeoutMs ?? this.own.timeoutMs;
    // One controller for both the timeout and the caller's signal: AbortSignal.any() per request cost ~20 µs of
    // main-thread CPU each (bench/managed.ts), and a listener removed in `finally` does the same.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new DOMException(`timed out after ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
    const caller = opts.signal;
    const onAbort = () => abort.abort(caller!.reason);
    if (caller) {
      if (caller.aborted) onAbort();
      else caller.addEventListener('abort', onAbort, { once: true });
    }
    const signal = abort.signal;
    let streaming = false;
    const started = Date.now();
    const jar = this.own.cookies;
    const cookie = jar && req.headers.cookie === undefined ? jar.header(req.url) : undefined;
    try {
      const res = await undiciRequest(req.url, {
        method: req.method as Dispatcher.HttpMethod,
        headers: cookie ? { ...req.headers, cookie } : req.headers,
        body: req.body,
        signal,
        dispatcher: this.shared.dispatcher,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      jar?.store(req.url, res.headers['set-cookie']);
      const shown = safeUrl(req.url);
      const where = `[${this.shared.section}] ${req.method} ${shown}`;
      const details = { section: this.shared.section, method: req.method, url: shown };
      if (streamBody && res.statusCode >= 200 && res.statusCode < 300) {
        // The caller's signal still cancels the body as it arrives: unlinked when the body is done, not here.
        if (caller) {
          streaming = true;
          res.body.once('close', () => caller.removeEventListener('abort', onAbort));
        }
        this.shared.log.debug(`${where} -> ${res.statusCode} in ${Date.now() - started} ms (body streamed)`);
        noteRequest({ section: this.shared.section, method: req.method, status: res.statusCode, seconds: (Date.now() - started) / 1000 });
        return { ...makeResponse(res.statusCode, res.headers, '', where, shown, details), stream: res.body };
      }
      const text = await res.body.text();
      this.shared.log.debug(`${where} -> ${res.statusCode} in ${Date.now() - started} ms`);
      noteRequest({ section: this.shared.section, method: req.method, status: res.statusCode, seconds: (Date.now() - started) / 1000 });
      return makeResponse(res.statusCode, res.headers, text, where, shown, details);
    } catch (err) {
      noteRequest({ section: this.shared.section, method: req.method, seconds: (Date.now() - started) / 1000 });
      throw err;
    } finally {
      clearTimeout(timer);
      if (!streaming) caller?.removeEventListener('abort', onAbort);
    }
  }
}

/**
 * EnvHttpProxyAgent when a proxy is set, else the plain Agent it would route every request to anyway (its proxy
 * agents are chosen once, here, from the same variables; NO_PROXY only matters between proxy and no proxy). Saves
 * its per-request URL parse and environment reads (~10 µs a request, bench/managed.ts).
 */
function dispatcherFor(opts: ConstructorParameters<typeof EnvHttpProxyAgent>[0] & { requestTls?: unknown }): Dispatcher {
  const httpProxy = process.env.http_proxy ?? process.env.HTTP_PROXY;
  const httpsProxy = process.env.https_proxy ?? process.env.HTTPS_PROXY;
  return httpProxy || httpsProxy ? new EnvHttpProxyAgent(opts) : new Agent(opts);
}

/** A response as send() returns it: a streamed body is still unread in `stream`. */
type Received = HttpResponse & { stream?: AsyncIterable<Uint8Array> };

/** A streamed body whose network failures read like every other failure of the client (and never leak credentials). */
async function* guardedBody(
  body: AsyncIterable<Uint8Array>,
  where: string,
  details: { section: string; method: string; url: string; status: number; attempts: number },
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array> {
  try {
    yield* body;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    const text = isTimeout(err) ? 'timed out' : describeNetworkError(err).text;
    throw new HttpTransientError(`${where} failed while reading the response: ${scrub(text, [])}`, { ...details, cause: err });
  }
}

async function* oneChunk(text: string): AsyncGenerator<Uint8Array> {
  if (text) yield Buffer.from(text, 'utf8');
}

function makeResponse(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  text: string,
  where: string,
  /** The URL that answered, without credentials (safeUrl). */
  url: string,
  details: { section: string; method: string; url: string },
): HttpResponse {
  let parsed: { value: unknown } | undefined;
  let parsedXml: { value: unknown } | undefined;
  const notA = (kind: string) => {
    const start = text.slice(0, 60).replace(/\s+/g, ' ');
    return new HttpPermanentError(`${where}: the response (HTTP ${status}) is not ${kind}; it starts with "${start}"`, {
      ...details,
      status,
      attempts: 1,
    });
  };
  return {
    status,
    headers,
    text,
    url,
    json<T>(): T {
      if (!parsed) {
        try {
          parsed = { value: JSON.parse(text) };
        } catch {
          throw notA('JSON');
        }
      }
      return parsed.value as T;
    },
    xml<T>(): T {
      if (!parsedXml) {
        try {
          parsedXml = { value: parseXml(text) };
        } catch {
          throw notA('XML');
        }
      }
      return parsedXml.value as T;
    },
  };
}

function seconds(ms: number): string {
  return (Math.round(ms / 100) / 10).toString();
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
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
  // A plain loop: this runs 2-3 times per request (Object.fromEntries over entries() allocated a pair per header).
  const out: Record<string, string> = {};
  for (const name of Object.keys(headers)) {
    const key = name.toLowerCase();
    if (key === '__proto__') Object.defineProperty(out, key, { value: headers[name], enumerable: true, writable: true, configurable: true });
    else out[key] = headers[name];
  }
  return out;
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
