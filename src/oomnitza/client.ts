/**
 * Client for the Oomnitza API as the original connector uses it (reference/oomnitza-api.md):
 * `Authorization2` token header, token request with username/password, server-side mappings,
 * bulk upload per portion, finalize, and the cancel check.
 */
import { ConfigError } from '../errors.js';
import { Breaker, isNoAnswer } from '../http/breaker.js';
import { HttpClient } from '../http/client.js';
import { tokenHeader } from '../http/auth/index.js';
import { jsonLogin, sessionLogin } from '../http/auth/session.js';
import type { AuthProvider, HttpClientOptions, HttpResponse, OutgoingRequest, RequestOptions } from '../http/types.js';
import { getLogger, redactor, type Logger } from '../logging.js';
import type { FieldMappings } from '../records.js';
import type { OomnitzaSettings } from './settings.js';

export interface BulkPayload {
  connector_version: string;
  sync_field: string[];
  records: Record<string, unknown>[];
  portion: string;
  data_type: 'assets' | 'users';
  insert_only: boolean;
  update_only: boolean;
  error: string | null;
  connector_name: string;
}

/**
 * The managed-mode envelope of POST /api/v3/bulk, keys in the original's order (managed fact sheet §11.1):
 * `connector_id` instead of `connector_name`, the run's portion, `test_run` (the setting, not --testmode),
 * `multi_str_input_value`, and `error_type` only on a fatal error record.
 */
export interface ManagedBulkPayload {
  connector_version: string;
  sync_field: string[];
  records: unknown[];
  portion: string;
  data_type: string;
  insert_only: boolean;
  update_only: boolean;
  error: string | null;
  test_run: boolean;
  multi_str_input_value: unknown;
  connector_id: string | number;
  error_type?: 'Fatal Error';
}

/** How a run uses the client's pushes ([oomnitza] stop_after_timeouts, breaker_cooldown, stop_grace). */
export interface PushLimits {
  /** Batches in a row without an answer (timed out, no connection) after which a run stops sending (the breaker opens). */
  stopAfterTimeouts: number;
  /** How long the push breaker stays open before the next batch is sent as a probe. */
  breakerCooldownMs: number;
  /** After a stop signal: how long pushes in flight and the finalize may still take. */
  stopGraceMs: number;
  /** The request limits in effect, for messages ("timeout = 60 s, retries = 5"). */
  describe: string;
}

/**
 * The `X-CSRF-Token` an Oomnitza answer carried (§2.1 of the managed fact sheet): once captured, sent on every later
 * call of the same client object. Each managed run's client has its own, as the original's deep copy does.
 */
class CsrfHolder {
  value?: string;
  capture(res: HttpResponse): void {
    const v = res.headers['x-csrf-token'];
    const text = Array.isArray(v) ? v[0] : v;
    if (text) this.value = text;
  }
}

function withCsrf(inner: AuthProvider, csrf: CsrfHolder): AuthProvider {
  return {
    async authorize(req, client) {
      await inner.authorize(req, client);
      if (csrf.value) req.headers['x-csrf-token'] = csrf.value;
    },
    invalidate: inner.invalidate?.bind(inner),
    close: inner.close?.bind(inner),
    describe: inner.describe?.bind(inner),
  };
}

/** Headers of every Oomnitza call: `X-Connector-Source` when OOMNITZA_CONNECTOR_SOURCE is set (as the original). */
function connectorHeaders(): Record<string, string> {
  const source = process.env.OOMNITZA_CONNECTOR_SOURCE;
  return { Accept: 'application/json', ...(source ? { 'X-Connector-Source': source } : {}) };
}

export class OomnitzaClient {
  readonly pushLimits: PushLimits;
  /**
   * The circuit breaker of the pushes (src/http/breaker.ts), shared by every section and portion this client sends:
   * once Oomnitza stopped answering, the next section does not find it out again batch by batch.
   */
  readonly pushBreaker: Breaker;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly token: string;
  private readonly auth: AuthProvider;
  private readonly csrf = new CsrfHolder();
  /** Set on clients made by withToken(): they share the root's connections, and close() leaves those alone. */
  private readonly derived: boolean;

  constructor(
    private readonly settings: OomnitzaSettings,
    log: Logger,
    options: Partial<Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'connections'>> & { now?: () => number } = {},
    parent?: { http: HttpClient; token: string },
  ) {
    this.pushLimits = {
      stopAfterTimeouts: settings.stop_after_timeouts,
      breakerCooldownMs: settings.breaker_cooldown * 1000,
      stopGraceMs: settings.stop_grace * 1000,
      describe: `timeout = ${settings.timeout} s, retries = ${settings.retries}`,
    };
    const { now, ...httpOptions } = options;
    options = httpOptions;
    this.pushBreaker = new Breaker({ threshold: settings.stop_after_timeouts, coolDownMs: settings.breaker_cooldown * 1000 }, now ?? Date.now, isNoAnswer, 'batches in a row got no answer');
    // One error when Oomnitza stops answering; a failed probe (each cool-down) is only a warning.
    this.pushBreaker.watch((state, why) => state === 'closed'
      ? log.warn(`circuit breaker closed: ${why}; sending resumed`)
      : log.log(why.startsWith('the probe') ? 'warn' : 'error',
        `circuit breaker open: ${why}; no batch is sent to Oomnitza (they go to the spool) until a probe in ${settings.breaker_cooldown} s`));
    this.base = settings.url.replace(/\/+$/, '');
    this.derived = parent !== undefined;
    if (parent) {
      this.token = parent.token;
      this.auth = withCsrf(tokenHeader('Authorization2', parent.token), this.csrf);
      this.http = parent.http.with({ auth: this.auth });
      return;
    }
    this.token = settings.api_token;
    this.auth = withCsrf(this.token ? tokenHeader('Authorization2', this.token) : this.login(settings), this.csrf);
    this.http = new HttpClient({
      section: 'oomnitza',
      tls: {
        verify: settings.verify_ssl,
        caFile: settings.cacert_file || undefined,
        protocol: settings.ssl_protocol,
        clientPemFile: settings.user_pem_file || undefined,
      },
      log,
      auth: this.auth,
      headers: connectorHeaders(),
      timeoutMs: settings.timeout * 1000,
      connectTimeoutMs: settings.connect_timeout * 1000,
      ...options,
      retry: { retries: settings.retries, ...options.retry },
    });
  }

  /**
   * Username/password: POST /api/request_token (form) gives a session token sent as Authorization2; a session that
   * ends mid-run (401) is logged in again once by the kit's session login.
   */
  private login(settings: OomnitzaSettings): AuthProvider {
    return sessionLogin({
      login: jsonLogin({
        url: `${this.base}/api/request_token`,
        form: { login: settings.username, password: settings.password },
        token: 'token',
        rejected: (status, said) => new ConfigError({ section: 'oomnitza', key: 'password' },
          `Oomnitza refused user "${settings.username}" or the password (HTTP ${status}${said ? `: ${said}` : ''})`),
      }),
      inject: { header: 'Authorization2' },
      describe: () => `user "${settings.username}"`,
    });
  }

  /** Proves the credentials (GET mappings?name=AuthTest), logging in first with username/password. */
  async authenticate(signal?: AbortSignal): Promise<void> {
    this.csrf.capture(await this.http.request('GET', `${this.base}/api/v2/mappings`, { query: { name: 'AuthTest' }, signal }));
  }

  /**
   * A client for one managed run with its own token (the sync token, §2.3) and its own CSRF value, on the same
   * connections, timeouts and retries. Closing it closes nothing shared.
   */
  withToken(token: string): OomnitzaClient {
    return new OomnitzaClient(this.settings, getLogger('oomnitza'), {}, { http: this.http, token });
  }

  /** Timeout and retries of the [oomnitza] section, for requests made beside this client (report downloads). */
  get requestLimits(): { timeoutMs: number; retries: number } {
    return { timeoutMs: this.settings.timeout * 1000, retries: this.settings.retries };
  }

  /** The token this client sends (after a username/password login: undefined until it logged in). */
  get apiToken(): string | undefined {
    return this.token || undefined;
  }

  /** The token a username/password login obtained, or the api_token: what runs without a sync token of their own use. */
  async baseToken(): Promise<string> {
    if (this.token) return this.token;
    const probe: OutgoingRequest = { method: 'GET', url: new URL(`${this.base}/api/v2/mappings`), headers: {} };
    await this.auth.authorize(probe, this.http);
    return probe.headers.authorization2 ?? probe.headers.Authorization2 ?? '';
  }

  private url(path: string): string {
    return `${this.base}${path}`;
  }

  private async json<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.http.request(method, this.url(path), opts);
    this.csrf.capture(res);
    return (res.text.trim() ? res.json<T>() : undefined) as T;
  }

  /** O3: the integrations to run now (a JSON array of cloud config objects). */
  async checkManaged(version: string, signal?: AbortSignal): Promise<unknown> {
    return this.json('POST', '/api/v3/bulk/check_managed', { json: { version }, signal });
  }

  /** O4: the cloud's mappings of a managed integration, `FIELD -> {type, value}` (§10). */
  async getManagedMappings(integrationId: string | number, signal?: AbortSignal): Promise<unknown> {
    return this.json('GET', '/api/v2/mappings', { query: { connector_id: String(integrationId) }, signal });
  }

  /** O5: the token stored in Oomnitza under `token_id` (§2.3). */
  async getStoredToken(tokenId: string | number, signal?: AbortSignal): Promise<string> {
    const body = await this.json<{ token?: unknown }>('GET', `/api/v3/auth/oomnitza_tokens/${encodeURIComponent(String(tokenId))}`, { signal });
    if (!body || typeof body.token !== 'string' || !body.token) throw new Error(`Oomnitza returned no token for token_id ${String(tokenId)}`);
    redactor.add(body.token);
    return body.token;
  }

  /** O6, strict (managed runs, §11.6): true only for `"canceled": true`; an error status or a non-JSON answer throws. */
  async portionCanceled(portion: string, signal?: AbortSignal): Promise<boolean> {
    const body = await this.json<unknown>('GET', `/api/v3/bulk/${encodeURIComponent(portion)}`, { signal });
    return Boolean(body && typeof body === 'object' && (body as { canceled?: unknown }).canceled === true);
  }

  /** O7 with the managed envelope (§11.1). */
  async pushManaged(payload: ManagedBulkPayload, signal?: AbortSignal): Promise<void> {
    await this.json('POST', '/api/v3/bulk', { json: payload, signal });
  }

  /** O9: a portion made and closed in one call (failed first page, empty first page, one report file). */
  async addReadyPortion(integrationId: string | number, body: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    await this.json('POST', `/api/v3/bulk/${encodeURIComponent(String(integrationId))}/add_ready_portion`, { json: body, signal });
  }

  /** O10: `[{name, value}]`, what templates see as GlobalSetting (§7.7). */
  async globalVariables(signal?: AbortSignal): Promise<Array<{ name: string; value: unknown }>> {
    const body = await this.json<unknown>('GET', '/api/v3/settings/global_variables', { signal });
    if (!Array.isArray(body)) throw new Error('Oomnitza answered GET /api/v3/settings/global_variables with something other than a list');
    return body.filter((v): v is { name: string; value: unknown } => Boolean(v) && typeof (v as { name?: unknown }).name === 'string');
  }

  /** O11: a stored credential's details; `name` is what a `credential_input` mapping sends. */
  async credentialDetails(credentialId: string, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const body = await this.json<unknown>('GET', `/api/v3/auth/${encodeURIComponent(credentialId)}`, { signal });
    return body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  }

  /**
   * O12: the auth a stored credential adds to one SaaS call (2.3.3, managed §8.2 item 1). `call` is the built request
   * `{url, http_method, params, headers, body}`; the answer's `headers` and `params` are returned as strings. They
   * are not added to the global redactor: a credential may sign each call afresh, and every distinct value would
   * rebuild its pattern (thousands of calls → minutes). The SaaS caller keeps them out of messages itself (headers
   * through its auth provider, params by name in error URLs; the HTTP client never prints a query).
   */
  async credentialSecret(
    credentialId: string,
    call: { url: string; http_method: string; params: Record<string, string>; headers: Record<string, string>; body: string },
    signal?: AbortSignal,
  ): Promise<{ headers: Record<string, string>; params: Record<string, string> }> {
    const body = await this.json<unknown>('POST', `/api/v3/auth/${encodeURIComponent(credentialId)}/secret`, { json: call, signal });
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error(`Oomnitza answered the secret request of credential ${credentialId} with something other than an object`);
    const strings = (value: unknown): Record<string, string> => {
      const out: Record<string, string> = {};
      if (value && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) {
          out[k] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      }
      return out;
    };
    const reply = body as { headers?: unknown; params?: unknown };
    return { headers: strings(reply.headers), params: strings(reply.params) };
  }

  /**
   * O13: report files of one data source created after `after` (epoch seconds), oldest first (§13). The filter is
   * 2026.08.1's: created_by_id as its own parameter.
   */
  async mediaStorage(source: { type: string; id: string }, after: number, signal?: AbortSignal): Promise<unknown> {
    return this.json('GET', '/api/v3/media_storage', {
      query: {
        filter: `(creation_date gt ${after}) and (created_by_type eq '${source.type}')`,
        created_by_id: source.id,
        sortby: 'creation_date asc',
      },
      signal,
    });
  }

  /**
   * Mappings stored in Oomnitza for a source, inverted to field -> {source}. The server sends
   * `{ "<source field>": "<FIELD>" | ["<FIELD>", ...] }`.
   */
  async getMappings(name: string): Promise<FieldMappings> {
    const res = await this.http.request('GET', `${this.base}/api/v2/mappings`, { query: { name } });
    const body = res.text.trim() ? res.json<unknown>() : {};
    const out: FieldMappings = Object.create(null);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return out;
    for (const [source, fields] of Object.entries(body as Record<string, unknown>)) {
      for (const field of Array.isArray(fields) ? fields : [fields]) {
        if (typeof field === 'string' && field) out[field] = { source };
      }
    }
    return out;
  }

  /** All locations (for the `location` converter): a list of objects with the instance's location fields. */
  async getLocations(): Promise<unknown> {
    return (await this.http.request('GET', `${this.base}/api/v3/locations`)).json<unknown>();
  }

  async pushBulk(payload: BulkPayload, signal?: AbortSignal): Promise<void> {
    await this.http.request('POST', `${this.base}/api/v3/bulk`, { json: payload, signal });
  }

  async finalize(portion: string, signal?: AbortSignal): Promise<void> {
    await this.http.request('POST', `${this.base}/api/v3/bulk/${encodeURIComponent(portion)}/finalize`, { json: {}, signal });
  }

  /** True when an admin canceled the run in Oomnitza. Older instances answer 404: never canceled. */
  async isCanceled(portion: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const res = await this.http.request('GET', `${this.base}/api/v3/bulk/${encodeURIComponent(portion)}`, {
        acceptStatus: [404, 405],
        retry: { retries: Math.min(1, this.settings.retries) },
        signal,
      });
      if (res.status >= 400 || !res.text.trim()) return false;
      return res.json<{ canceled?: boolean }>().canceled === true;
    } catch {
      // The check is advisory: a failure to ask must not fail the run.
      return false;
    }
  }

  async close(): Promise<void> {
    if (!this.derived) await this.http.close();
  }
}
