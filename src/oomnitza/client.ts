/**
 * Client for the Oomnitza API as the original connector uses it (reference/oomnitza-api.md):
 * `Authorization2` token header, token request with username/password, server-side mappings,
 * bulk upload per portion, finalize, and the cancel check.
 */
import { ConfigError } from '../errors.js';
import { HttpClient } from '../http/client.js';
import { tokenHeader } from '../http/auth/index.js';
import { jsonLogin, sessionLogin } from '../http/auth/session.js';
import type { AuthProvider, HttpClientOptions } from '../http/types.js';
import type { Logger } from '../logging.js';
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

/** How a run uses the client's pushes ([oomnitza] stop_after_timeouts, stop_grace). */
export interface PushLimits {
  /** Batches in a row without an answer (timed out, no connection) after which a run stops sending. */
  stopAfterTimeouts: number;
  /** After a stop signal: how long pushes in flight and the finalize may still take. */
  stopGraceMs: number;
  /** The request limits in effect, for messages ("timeout = 60 s, retries = 5"). */
  describe: string;
}

export class OomnitzaClient {
  readonly pushLimits: PushLimits;
  private readonly http: HttpClient;
  private readonly base: string;
  private readonly token: string;
  private readonly auth: AuthProvider;

  constructor(
    private readonly settings: OomnitzaSettings,
    log: Logger,
    options: Partial<Pick<HttpClientOptions, 'timeoutMs' | 'retry' | 'connections'>> = {},
  ) {
    this.pushLimits = {
      stopAfterTimeouts: settings.stop_after_timeouts,
      stopGraceMs: settings.stop_grace * 1000,
      describe: `timeout = ${settings.timeout} s, retries = ${settings.retries}`,
    };
    this.base = settings.url.replace(/\/+$/, '');
    this.token = settings.api_token;
    this.auth = this.token ? tokenHeader('Authorization2', this.token) : this.login(settings);
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
      headers: { Accept: 'application/json' },
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
  async authenticate(): Promise<void> {
    await this.http.request('GET', `${this.base}/api/v2/mappings`, { query: { name: 'AuthTest' } });
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
    await this.http.close();
  }
}
