/**
 * Jamf Pro access on the HTTP source kit: how to log in (the kit's session login does the token life cycle, the
 * client does retries, Retry-After and the 401 -> new token -> retry path) and the Classic API endpoints we read.
 * - API client: POST /api/oauth/token (client_credentials); renewal = a new token.
 *   https://developer.jamf.com/jamf-pro/docs/client-credentials
 * - User: POST /api/v1/auth/token with Basic; renewal = POST /api/v1/auth/keep-alive; logout = invalidate-token.
 *   https://developer.jamf.com/jamf-pro/docs/jamf-pro-api-overview (tokens last 30 minutes)
 * - A server without the token endpoint (404; Jamf Pro before 10.35) gets Basic on every request.
 */
import type { Logger } from '../../logging.js';
import { ConfigError, PermanentError } from '../../errors.js';
import { basicAuth, jsonLogin, SessionLogin, type FailedRequest, type HttpClientLike } from '../../http/index.js';
import type { SyncType } from './settings.js';

export type JamfCredentials =
  | { kind: 'client'; clientId: string; clientSecret: string }
  | { kind: 'user'; username: string; password: string };

const JSON_ACCEPT = { accept: 'application/json' };
/** Jamf's documented user-token lifetime, used when the server's expiry looks wrong (clocks differ). */
const USER_TOKEN_MS = 30 * 60_000;

/** The kit's session login, told how Jamf logs in, renews and logs out. */
export class JamfAuth extends SessionLogin {
  constructor(baseUrl: string, creds: JamfCredentials, section: string, log: Logger, now: () => number = Date.now) {
    const rejected = (key: string, who: string, path: string) => (status: number) =>
      new ConfigError({ section, key }, `Jamf Pro rejected ${who} (HTTP ${status} from ${path})`);
    const bearer = { inject: { header: 'Authorization', scheme: 'Bearer' }, now } as const;
    if (creds.kind === 'client') {
      const { clientId, clientSecret } = creds;
      const noClients = new ConfigError({ section, key: 'client_id' },
        'this Jamf Pro server has no API clients (/api/oauth/token not found; Jamf Pro 10.49 or later is needed): use username and password');
      super({
        ...bearer,
        login: jsonLogin({
          url: `${baseUrl}/api/oauth/token`, form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret },
          token: 'access_token', expiresIn: 'expires_in', defaultLifetimeMs: 60_000, now,
          rejected: (status) => (status === 404 ? noClients : rejected('client_secret', `API client "${clientId}" or its secret`, '/api/oauth/token')(status)),
        }),
        describe: () => `API client "${clientId}"`,
      });
      return;
    }
    const basic = basicAuth(creds.username, creds.password);
    const userToken = (path: string, authorization: string, onRejected: (status: number) => Error | 'fallback') =>
      jsonLogin({ url: `${baseUrl}${path}`, headers: { authorization }, token: 'token', expiresAt: 'expires', defaultLifetimeMs: USER_TOKEN_MS, now, rejected: onRejected });
    const basicHeader = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    super({
      ...bearer,
      login: userToken('/api/v1/auth/token', basicHeader, (status) => {
        if (status !== 404) return rejected('password', `user "${creds.username}" or the password`, '/api/v1/auth/token')(status);
        log.warn('Jamf Pro API token endpoint not found (Jamf Pro before 10.35?); using Basic auth on the Classic API');
        return 'fallback';
      }),
      renew: (client, token) => userToken('/api/v1/auth/keep-alive', `Bearer ${token}`, () => 'fallback')(client),
      logout: async (client, token) => void await client.request('POST', `${baseUrl}/api/v1/auth/invalidate-token`,
        { headers: { authorization: `Bearer ${token}` }, acceptStatus: [401, 404], retry: { retries: 0 } }),
      fallback: { authorize: basic.authorize, invalidate: () => false },
      describe: () => `user "${creds.username}"${this.usesFallback ? ' (Basic auth: this server has no token endpoint)' : ''}`,
    });
  }
}

/** What a 401 (after one fresh token) or a 403 on the Classic API means for the admin. */
export function explainJamfFailure(section: string, auth: JamfAuth) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    if (f.status === 401 && auth.usesFallback) {
      return new ConfigError({ section, key: 'username' },
        'Jamf Pro refused Basic auth on the Classic API (disabled on current versions): configure client_id and client_secret');
    }
    if (f.status === 401) return new ConfigError({ section }, `Jamf Pro refused the token of ${auth.describe()} on ${path} (HTTP 401)`);
    if (f.status === 403) return new PermanentError(`Jamf Pro: ${auth.describe()} lacks the privilege to read ${path} (HTTP 403)`);
    return undefined;
  };
}

/** Classic API resource names and JSON keys per sync type. */
const RESOURCES = {
  computers: { list: 'computers', listKey: 'computers', group: 'computergroups', groupKey: 'computer_group', detailKey: 'computer', noun: 'computer' },
  mobiledevices: { list: 'mobiledevices', listKey: 'mobile_devices', group: 'mobiledevicegroups', groupKey: 'mobile_device_group', detailKey: 'mobile_device', noun: 'mobile device' },
} as const;

/** The Classic API endpoints of one section, on the section's Jamf client (base URL, auth, failures explained). */
export class JamfApi {
  constructor(private readonly http: HttpClientLike, private readonly signal?: AbortSignal) {}

  /** GET a Classic API path as JSON; undefined on 404. */
  private async get<T>(path: string): Promise<T | undefined> {
    const res = await this.http.request('GET', path, { headers: JSON_ACCEPT, acceptStatus: [404], signal: this.signal });
    return res.status === 404 ? undefined : res.json<T>();
  }

  /** Ids of every device of the type, or of the members of `groupName` (a group that does not exist is a config error). */
  async listIds(syncType: SyncType, section: string, groupName?: string): Promise<number[]> {
    const r = RESOURCES[syncType];
    const path = groupName ? `/JSSResource/${r.group}/name/${encodeURIComponent(groupName)}` : `/JSSResource/${r.list}`;
    const data = await this.get<Record<string, Record<string, Array<{ id: number }>>>>(path);
    if (groupName && !data) {
      throw new ConfigError({ section, key: 'group_name' },
        `Jamf Pro has no ${r.noun} group named "${groupName}" (names are case-sensitive; sync_type is ${syncType})`);
    }
    const list = (groupName ? data?.[r.groupKey]?.[r.listKey] : data?.[r.listKey]) as Array<{ id: number }> | undefined;
    if (!Array.isArray(list)) throw new PermanentError(`Jamf Pro answered ${path} with an unexpected shape (no device list)`);
    return list.map((d) => d.id).filter((id) => id !== undefined && id !== null);
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
