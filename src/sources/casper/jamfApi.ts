/**
 * Jamf Pro access: authentication (API client or user bearer tokens, Basic only as a fallback) and the
 * Classic API endpoints the source reads. Retries on 429/503/5xx and Retry-After are the shared HTTP
 * client's job; this module adds the token life cycle and Jamf-specific error texts.
 */
import type { Logger } from 'winston';
import type { AuthProvider, HttpClientLike, HttpResponse, OutgoingRequest } from '../../http/types.js';
import { ConfigError, PermanentError } from '../../errors.js';
import { redactor } from '../../logging.js';
import type { SyncType } from './settings.js';

export type JamfCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string }
  | { kind: 'user'; username: string; password: string };

/** Classic API resource names and JSON keys per sync type. */
const RESOURCES: Record<SyncType, { list: string; listKey: string; group: string; groupKey: string; detailKey: string; noun: string }> = {
  computers: {
    list: 'computers', listKey: 'computers', group: 'computergroups', groupKey: 'computer_group',
    detailKey: 'computer', noun: 'computer',
  },
  mobiledevices: {
    list: 'mobiledevices', listKey: 'mobile_devices', group: 'mobiledevicegroups', groupKey: 'mobile_device_group',
    detailKey: 'mobile_device', noun: 'mobile device',
  },
};

interface Token {
  value: string;
  expiresAt: number;
  /** Renew when this time has passed (before expiry, so no request carries a token that dies on the way). */
  renewAt: number;
}

/**
 * Bearer tokens for the Jamf Pro API and Classic API.
 * - API client: POST /api/oauth/token (client_credentials form); renewal = a new token.
 *   https://developer.jamf.com/jamf-pro/docs/client-credentials
 * - User: POST /api/v1/auth/token with Basic; renewal = POST /api/v1/auth/keep-alive while the token is valid.
 *   https://developer.jamf.com/jamf-pro/docs/jamf-pro-api-overview (tokens last 30 minutes)
 * - A server without the token endpoint (404; Jamf Pro before 10.35) gets Basic on every request.
 * Concurrent callers share one token request.
 */
export class JamfAuth implements AuthProvider {
  private token: Token | undefined;
  private pending: Promise<Token | undefined> | undefined;
  private basic = false;

  constructor(
    private readonly baseUrl: string,
    private readonly creds: JamfCredentials,
    private readonly section: string,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    // Tokens and credentials must never reach a log line, even when a server echoes them back.
    if (creds.kind === 'client') redactor.add(creds.clientSecret);
    else {
      redactor.add(creds.password);
      redactor.add(this.basicHeader().slice('Basic '.length));
    }
  }

  /** How we authenticate, for `connector test` (never includes a secret). */
  describe(): string {
    if (this.creds.kind === 'client') return `API client "${this.creds.clientId}"`;
    return `user "${this.creds.username}"${this.basic ? ' (Basic auth: this server has no token endpoint)' : ''}`;
  }

  get usesBasic(): boolean {
    return this.basic;
  }

  async authorize(req: OutgoingRequest, client: HttpClientLike): Promise<void> {
    req.headers.authorization = (await this.headers(client)).Authorization;
  }

  async headers(client: HttpClientLike): Promise<Record<string, string>> {
    if (this.basic) return { Authorization: this.basicHeader() };
    const token = await this.currentToken(client);
    return token ? { Authorization: `Bearer ${token.value}` } : { Authorization: this.basicHeader() };
  }

  /** After a 401: the token died early (revoked, server restarted); fetch a new one once. */
  invalidate(): boolean {
    if (this.basic) return false;
    this.token = undefined;
    return true;
  }

  /** Ends the session so the token cannot be reused (best effort: the run's outcome does not depend on it). */
  async close(client: HttpClientLike): Promise<void> {
    const token = this.token;
    this.token = undefined;
    if (!token || this.creds.kind !== 'user' || token.expiresAt <= this.now()) return;
    try {
      await client.request('POST', `${this.baseUrl}/api/v1/auth/invalidate-token`, {
        headers: { Authorization: `Bearer ${token.value}` },
        acceptStatus: [401, 404],
        retry: { retries: 0 },
      });
    } catch (err) {
      this.log.debug(`could not invalidate the Jamf token: ${(err as Error).message}`);
    }
  }

  private basicHeader(): string {
    if (this.creds.kind !== 'user') throw new Error('Basic auth needs username/password');
    return `Basic ${Buffer.from(`${this.creds.username}:${this.creds.password}`).toString('base64')}`;
  }

  private async currentToken(client: HttpClientLike): Promise<Token | undefined> {
    const token = this.token;
    if (token && this.now() < token.renewAt) return token;
    if (!this.pending) {
      const renewable = token && this.creds.kind === 'user' && this.now() < token.expiresAt - 1000;
      this.pending = (renewable ? this.keepAlive(client, token) : this.obtain(client)).then(
        (t) => {
          this.token = t;
          this.pending = undefined;
          return t;
        },
        (err: unknown) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }

  private schedule(value: string, lifetimeMs: number): Token {
    redactor.add(value);
    const now = this.now();
    // Renew with a fifth of the lifetime left, at most 5 minutes before expiry.
    const margin = Math.min(5 * 60_000, lifetimeMs / 5);
    return { value, expiresAt: now + lifetimeMs, renewAt: now + lifetimeMs - margin };
  }

  private async obtain(client: HttpClientLike): Promise<Token | undefined> {
    return this.creds.kind === 'client' ? this.obtainClientToken(client, this.creds) : this.obtainUserToken(client, this.creds);
  }

  private async obtainClientToken(client: HttpClientLike, creds: { clientId: string; clientSecret: string }): Promise<Token> {
    const res = await client.request('POST', `${this.baseUrl}/api/oauth/token`, {
      form: { grant_type: 'client_credentials', client_id: creds.clientId, client_secret: creds.clientSecret },
      headers: { Accept: 'application/json' },
      acceptStatus: [400, 401, 403, 404],
    });
    if (res.status === 404) {
      throw new ConfigError({ section: this.section, key: 'client_id' },
        'this Jamf Pro server has no API clients (/api/oauth/token not found; Jamf Pro 10.49 or later is needed): use username and password');
    }
    if (res.status !== 200) {
      throw new ConfigError({ section: this.section, key: 'client_secret' },
        `Jamf Pro rejected API client "${creds.clientId}" or its secret (HTTP ${res.status} from /api/oauth/token)`);
    }
    const body = parseJson<{ access_token?: string; expires_in?: number }>(res, 'token response');
    if (!body.access_token) throw new PermanentError('Jamf Pro answered /api/oauth/token without an access_token');
    return this.schedule(body.access_token, Math.max(1, Number(body.expires_in ?? 60)) * 1000);
  }

  private async obtainUserToken(client: HttpClientLike, creds: { username: string; password: string }): Promise<Token | undefined> {
    const res = await client.request('POST', `${this.baseUrl}/api/v1/auth/token`, {
      headers: { Authorization: this.basicHeader(), Accept: 'application/json' },
      acceptStatus: [401, 403, 404],
    });
    if (res.status === 404) {
      this.basic = true;
      this.log.warn('Jamf Pro API token endpoint not found (Jamf Pro before 10.35?); using Basic auth on the Classic API');
      return undefined;
    }
    if (res.status !== 200) {
      throw new ConfigError({ section: this.section, key: 'password' },
        `Jamf Pro rejected user "${creds.username}" or the password (HTTP ${res.status} from /api/v1/auth/token)`);
    }
    return this.userToken(res, '/api/v1/auth/token');
  }

  private async keepAlive(client: HttpClientLike, token: Token): Promise<Token | undefined> {
    const res = await client.request('POST', `${this.baseUrl}/api/v1/auth/keep-alive`, {
      headers: { Authorization: `Bearer ${token.value}`, Accept: 'application/json' },
      acceptStatus: [401, 403, 404],
    });
    // A token revoked meanwhile cannot be kept alive: log in again.
    if (res.status !== 200) return this.obtain(client);
    this.log.debug('renewed the Jamf Pro token');
    return this.userToken(res, '/api/v1/auth/keep-alive');
  }

  private userToken(res: HttpResponse, endpoint: string): Token {
    const body = parseJson<{ token?: string; expires?: string }>(res, 'token response');
    if (!body.token) throw new PermanentError(`Jamf Pro answered ${endpoint} without a token`);
    const expires = body.expires ? Date.parse(body.expires) : NaN;
    // Clocks differ: trust the lifetime only when it looks sane, else assume Jamf's documented 30 minutes.
    const left = expires - this.now();
    const lifetime = Number.isFinite(left) && left > 0 ? left : 30 * 60_000;
    return this.schedule(body.token, lifetime);
  }
}

function parseJson<T>(res: HttpResponse, what: string): T {
  try {
    return res.json<T>();
  } catch {
    throw new PermanentError(`Jamf Pro sent a ${what} that is not JSON: "${res.text.slice(0, 80)}"`);
  }
}

/** The Classic API endpoints of one section. */
export class JamfApi {
  readonly baseUrl: string;

  constructor(
    url: string,
    private readonly http: HttpClientLike,
    readonly auth: JamfAuth,
    private readonly section: string,
    private readonly signal?: AbortSignal,
  ) {
    this.baseUrl = url.replace(/\/+$/, '');
  }

  /** GET with auth; one fresh token and a second attempt after a 401. Returns undefined on 404. */
  async get<T>(path: string): Promise<T | undefined> {
    for (let attempt = 0; ; attempt++) {
      const auth = await this.auth.headers(this.http);
      const res = await this.http.request('GET', `${this.baseUrl}${path}`, {
        headers: { ...auth, Accept: 'application/json' },
        acceptStatus: [401, 403, 404],
        signal: this.signal,
      });
      if (res.status === 401 && attempt === 0 && this.auth.invalidate()) continue;
      if (res.status === 401) {
        throw new ConfigError({ section: this.section, key: this.auth.usesBasic ? 'username' : undefined },
          this.auth.usesBasic
            ? 'Jamf Pro refused Basic auth on the Classic API (disabled on current versions): configure client_id and client_secret'
            : `Jamf Pro refused the token of ${this.auth.describe()} on ${path} (HTTP 401)`);
      }
      if (res.status === 403) {
        throw new PermanentError(`Jamf Pro: ${this.auth.describe()} lacks the privilege to read ${path} (HTTP 403)`);
      }
      if (res.status === 404) return undefined;
      return parseJson<T>(res, `response to ${path}`);
    }
  }

  /** Ids of every device of the type, or of the members of `groupName` (a group that does not exist is a config error). */
  async listIds(syncType: SyncType, groupName?: string): Promise<number[]> {
    const r = RESOURCES[syncType];
    if (!groupName) {
      const data = await this.get<Record<string, Array<{ id: number }>>>(`/JSSResource/${r.list}`);
      return idsOf(data?.[r.listKey], `/JSSResource/${r.list}`);
    }
    const path = `/JSSResource/${r.group}/name/${encodeURIComponent(groupName)}`;
    const data = await this.get<Record<string, Record<string, Array<{ id: number }>>>>(path);
    if (!data) {
      throw new ConfigError({ section: this.section, key: 'group_name' },
        `Jamf Pro has no ${r.noun} group named "${groupName}" (names are case-sensitive; sync_type is ${syncType})`);
    }
    return idsOf(data[r.groupKey]?.[r.listKey], path);
  }

  /** One device's record (only `subsets` when given); a device that vanished since listing is an error. */
  async fetchDevice(syncType: SyncType, id: number | string, subsets?: string[]): Promise<Record<string, unknown>> {
    const r = RESOURCES[syncType];
    const path = `/JSSResource/${r.list}/id/${encodeURIComponent(String(id))}${subsets?.length ? `/subset/${subsets.join('&')}` : ''}`;
    const data = await this.get<Record<string, Record<string, unknown>>>(path);
    if (!data) throw new PermanentError(`Jamf Pro has no ${r.noun} with id ${id} (deleted since it was listed?)`);
    const record = data[r.detailKey];
    if (!record || typeof record !== 'object') throw new PermanentError(`Jamf Pro answered ${path} without a "${r.detailKey}" object`);
    return record;
  }
}

function idsOf(list: Array<{ id: number }> | undefined, path: string): number[] {
  if (!Array.isArray(list)) throw new PermanentError(`Jamf Pro answered ${path} with an unexpected shape (no device list)`);
  return list.map((d) => d.id).filter((id) => id !== undefined && id !== null);
}
