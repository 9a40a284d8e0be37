/**
 * One SaaS call from a behaviour (§6): the request rendered from its templates, the SaaS authorization attached
 * (§8.2, §8.3), sent through the run's client (retries, 429 waits, TLS and proxy are the kit's), the reply parsed.
 *
 * Authorization headers reach the request through an auth provider, so that the client treats their values as
 * secrets in every message it writes; the run's cookie jar keeps what a session login sets (the original's
 * requests.Session). A failed call reads as requests' HTTPError (`404 Client Error: Not Found for url: ...`), with
 * credentials in the URL's query replaced by `***`.
 */
import { STATUS_CODES } from 'node:http';
import { CookieJar, HttpError, type AuthProvider, type HttpClient } from '../../http/index.js';
import { SENSITIVE_NAME } from '../../http/client.js';
import type { Context } from './context.js';
import { isDict, KeyError, required } from './python.js';
import type { Renderer, Template } from './render.js';
import { parseReply, type ParsedReply } from './response.js';
import type { Behaviour, CredentialCall, CredentialSecret, SaasAuthorization } from './types.js';

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  params: Record<string, string>;
  /** Undefined: the behaviour has no `body` key, or it rendered empty (requests then sends no body). */
  body?: string;
}

export const USER_AGENT = 'Oomnitza Connector';
export const FORBIDDEN_PREFIX = 'The Integration User must have appropriate permissions. Reason: ';
export const CREDENTIAL_ID_UNSUPPORTED =
  'saas_authorization {"credential_id": ...} is only usable by the Oomnitza cloud; an on-premise connector cannot use it for SaaS calls ' +
  '(the original fails here with KeyError \'headers\'): set headers/params or a session login in saas_authorization';

/** A SaaS reply with a failing status, worded as requests' raise_for_status(). */
export class SaasHttpError extends Error {
  constructor(readonly status: number, url: string, cause: unknown) {
    const reason = STATUS_CODES[status] ?? '';
    const text = `${status} ${status < 500 ? 'Client' : 'Server'} Error: ${reason} for url: ${url}`;
    super(status === 403 ? `${FORBIDDEN_PREFIX}${text}` : text, { cause });
    this.name = 'HTTPError';
  }
}

/**
 * The run's client's own provider adds nothing: each call brings its authorization headers as its own provider
 * (`headerAuth`), which the client applies instead (RequestOptions.auth) and whose values it treats as secrets.
 */
const saasAuthProvider: AuthProvider = {
  async authorize() {},
};

/** A provider that adds these headers (a call's SaaS authorization: static, a session login's, O12's). */
function headerAuth(headers: Record<string, string>): AuthProvider {
  return {
    async authorize(request) {
      for (const [name, value] of Object.entries(headers)) request.headers[name.toLowerCase()] = value;
    },
  };
}

export class SaasCaller {
  private readonly client: HttpClient;
  readonly cookies = new CookieJar();

  constructor(
    http: HttpClient,
    private readonly renderer: Renderer,
    private readonly auth: SaasAuthorization,
    private readonly signal?: AbortSignal,
    private readonly credentialSecret?: (call: CredentialCall) => Promise<CredentialSecret>,
  ) {
    this.client = http.with({ auth: saasAuthProvider, cookies: this.cookies });
  }

  /**
   * Renders a behaviour's request (`extras`: more templates of the same step, rendered against the same scope,
   * e.g. pagination's break_early and add_if) — string mode for url, header and param values and body.
   */
  async build(behaviour: Behaviour, context: Context, extras: Template[] = []): Promise<{ request: BuiltRequest; extras: unknown[] }> {
    const method = required(behaviour, 'http_method');
    const url = required(behaviour, 'url');
    const headers = keyValues(required(behaviour, 'headers'), 'headers');
    const params = keyValues(required(behaviour, 'params'), 'params');
    const hasBody = Object.hasOwn(behaviour, 'body');
    const templates: Template[] = [
      { template: url, mode: 'string' },
      ...headers.map((h) => ({ template: h.value, mode: 'string' as const })),
      ...params.map((p) => ({ template: p.value, mode: 'string' as const })),
      ...(hasBody ? [{ template: behaviour.body, mode: 'string' as const }] : []),
      ...extras,
    ];
    const out = await this.renderer.all(context, templates);
    let at = 1;
    const request: BuiltRequest = { method: String(method), url: String(out[0]), headers: {}, params: {} };
    for (const h of headers) request.headers[h.key] = String(out[at++]);
    for (const p of params) request.params[p.key] = String(out[at++]);
    if (hasBody) {
      const body = String(out[at++]);
      if (body !== '') request.body = body;
    }
    return { request, extras: out.slice(at) };
  }

  /** A `{key, value}` list rendered as string values (pagination extras, a session's result headers/params). */
  async renderKeyValues(list: unknown, what: string, context: Context): Promise<Record<string, string>> {
    const entries = keyValues(list, what);
    const values = await this.renderer.all(context, entries.map((e) => ({ template: e.value, mode: 'string' as const })));
    const out: Record<string, string> = {};
    entries.forEach((e, i) => (out[e.key] = String(values[i])));
    return out;
  }

  /** Attaches the SaaS authorization (a session login first, §8.3), sends, parses. */
  async send(request: BuiltRequest, context: Context): Promise<ParsedReply> {
    const auth = await this.authorization(request, context);
    return this.exchange({ ...request, params: { ...request.params, ...auth.params } }, auth.headers, Object.keys(auth.params));
  }

  /** The SaaS auth headers/params for this request: static, a session login's result, or O12's answer. */
  async authorization(request: BuiltRequest, context: Context): Promise<{ headers: Record<string, string>; params: Record<string, string> }> {
    if (this.auth.kind === 'static') return this.auth;
    if (this.auth.kind === 'session') return this.login(this.auth.behavior, context);
    if (this.credentialSecret) return this.secretFor(request);
    throw new Error(CREDENTIAL_ID_UNSUPPORTED);
  }

  /** O12 for this one call (2.3.3): the request as built, before any auth; not cached, as the original. */
  private async secretFor(request: BuiltRequest): Promise<{ headers: Record<string, string>; params: Record<string, string> }> {
    const secret = await this.credentialSecret!({
      url: request.url,
      http_method: request.method,
      params: { ...request.params },
      headers: { ...request.headers },
      body: request.body ?? '',
    });
    return { headers: secret.headers, params: secret.params };
  }

  /** The session login (before every SaaS call, as the original): its reply is `response`/`response_headers` only here. */
  private async login(behaviour: Behaviour, context: Context): Promise<{ headers: Record<string, string>; params: Record<string, string> }> {
    const { request } = await this.build(behaviour, context);
    const reply = await this.exchange(request, {}, []);
    const result = required(behaviour, 'result');
    if (!isDict(result)) throw new TypeError('the session behaviour\'s result must be an object with headers and params');
    const loginContext = { ...context, response: reply.body, response_headers: reply.headers };
    const headers = await this.renderKeyValues(result.headers ?? [], 'headers', loginContext);
    const params = await this.renderKeyValues(result.params ?? [], 'params', loginContext);
    return { headers, params };
  }

  private async exchange(request: BuiltRequest, authHeaders: Record<string, string>, secretParams: string[]): Promise<ParsedReply> {
    const target = withParams(request.url, request.params);
    const shown = shownUrl(target, secretParams);
    if (!URL.canParse(target)) throw new Error(`Invalid URL '${shown}': No scheme supplied. Perhaps you meant https://${shown}?`);
    const headers = { ...request.headers };
    if (!Object.hasOwn(headers, 'User-Agent')) headers['User-Agent'] = USER_AGENT;
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept')) headers.Accept = '*/*';
    try {
      const response = await this.client.request(request.method, target, { headers, body: request.body, signal: this.signal, auth: headerAuth(authHeaders) });
      return parseReply(response);
    } catch (err) {
      if (err instanceof HttpError && err.status !== undefined) throw new SaasHttpError(err.status, shown, err);
      throw err;
    }
  }
}

interface KeyValue {
  key: string;
  value: unknown;
}

function keyValues(list: unknown, what: string): KeyValue[] {
  if (!Array.isArray(list)) throw new TypeError(`the behaviour's ${what} must be a list of {"key": ..., "value": ...}`);
  return list.map((entry) => {
    if (!isDict(entry)) throw new TypeError(`the behaviour's ${what} must be a list of {"key": ..., "value": ...}`);
    if (!Object.hasOwn(entry, 'key')) throw new KeyError('key');
    if (!Object.hasOwn(entry, 'value')) throw new KeyError('value');
    return { key: String(entry.key), value: entry.value };
  });
}

/** requests' encoding of params (urlencode: quote_plus, nothing but `_.-~` left as is), appended with & to a query. */
export function withParams(url: string, params: Record<string, string>): string {
  const encoded = Object.entries(params).map(([k, v]) => `${quotePlus(k)}=${quotePlus(v)}`).join('&');
  if (!encoded) return url;
  const hash = url.indexOf('#');
  const [base, fragment] = hash < 0 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
  return `${base}${base.includes('?') ? (base.endsWith('?') || base.endsWith('&') ? '' : '&') : '?'}${encoded}${fragment}`;
}

function quotePlus(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/** The URL for messages: no userinfo; query values of credentials (auth params, names like token/key) as `***`. */
export function shownUrl(url: string, secretParams: string[]): string {
  const withoutUser = url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@?#]*@/i, '$1');
  const q = withoutUser.indexOf('?');
  if (q < 0) return withoutUser;
  const hash = withoutUser.indexOf('#', q);
  const query = withoutUser.slice(q + 1, hash < 0 ? undefined : hash);
  const redacted = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    if (eq < 0) return pair;
    let name = pair.slice(0, eq);
    try {
      name = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // keep it as sent
    }
    return secretParams.includes(name) || SENSITIVE_NAME.test(name) ? `${pair.slice(0, eq)}=***` : pair;
  });
  return `${withoutUser.slice(0, q)}?${redacted.join('&')}`;
}
