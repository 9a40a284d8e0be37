/**
 * The Meraki Dashboard API v1 as `[meraki_network_devices]` reads it, on the HTTP source kit.
 * - Auth: the `X-Cisco-Meraki-API-Key` header. A wrong key answers 401 {"errors":["Invalid API key"]} (older
 *   dashboards answered 404 for it); 403 is an admin without access to what was asked.
 *   https://developer.cisco.com/meraki/api-v1/errors/
 * - Lists are paged with `perPage` and opaque `startingAfter` / `endingBefore` tokens that "should not be defined by
 *   client applications": the next page is the `rel=next` target of the RFC 8288 `Link` header.
 *   https://developer.cisco.com/meraki/api-v1/pagination/
 * - 10 requests per second per organization; above it 429 with `Retry-After` (the kit waits it out).
 *   https://developer.cisco.com/meraki/api-v1/rate-limit/
 * - The original's `/organizations/{id}/inventoryDevices` is gone from v1; its replacement is
 *   `/organizations/{id}/inventory/devices` (same record: mac, serial, name, model, networkId, orderNumber,
 *   claimedAt, licenseExpirationDate, productType, tags, plus countryCode and details).
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { custom, nextLink, paginate, type FailedRequest, type PagingClient, type Strategy } from '../../http/index.js';
import type { RawRecord } from '../types.js';

export const API = '/api/v1';
/** Largest `perPage` of the inventory list (3-1000); the networks list accepts it too. */
export const PAGE_SIZE = 1000;

/**
 * Follows `Link: <...>; rel=next`, moved onto the configured host: behind a proxy or a regional `url` the server
 * may name its own public host there, and the API key goes nowhere but the configured one.
 */
function nextOnBase(base: string): Strategy {
  return custom((page) => {
    const next = nextLink(page.response.headers.link, page.response.url);
    if (!next) return undefined;
    const url = new URL(next);
    return `${base}${url.pathname}${url.search}`;
  });
}

export interface MerakiApi {
  organization(orgId: string, signal: AbortSignal): Promise<RawRecord>;
  organizations(signal: AbortSignal, pageSize?: number): AsyncGenerator<RawRecord>;
  networks(orgId: string, signal: AbortSignal, pageSize?: number): AsyncGenerator<RawRecord>;
  inventory(orgId: string, signal: AbortSignal, pageSize?: number): AsyncGenerator<RawRecord>;
  networkDevices(networkId: string, signal: AbortSignal): Promise<RawRecord[]>;
}

export function merakiApi(client: PagingClient, base: string): MerakiApi {
  const list = (path: string, signal: AbortSignal, pageSize: number) =>
    paginate<RawRecord>(client, { path: `${base}${API}${path}`, query: { perPage: pageSize }, items: '', strategy: nextOnBase(base), signal });
  const org = (id: string) => `/organizations/${encodeURIComponent(id)}`;
  return {
    async organization(orgId, signal) {
      return object(await client.request('GET', `${base}${API}${org(orgId)}`, { signal }).then((r) => r.json()), `organization ${orgId}`);
    },
    organizations: (signal, pageSize = PAGE_SIZE) => list('/organizations', signal, pageSize),
    networks: (orgId, signal, pageSize = PAGE_SIZE) => list(`${org(orgId)}/networks`, signal, pageSize),
    inventory: (orgId, signal, pageSize = PAGE_SIZE) => list(`${org(orgId)}/inventory/devices`, signal, pageSize),
    async networkDevices(networkId, signal) {
      const body = await client.request('GET', `${base}${API}/networks/${encodeURIComponent(networkId)}/devices`, { signal }).then((r) => r.json());
      if (!Array.isArray(body)) throw new PermanentError(`Meraki answered the devices of network ${networkId} with ${typeof body}, not a list`);
      return body as RawRecord[];
    },
  };
}

function object(value: unknown, what: string): RawRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PermanentError(`Meraki answered ${what} with ${Array.isArray(value) ? 'a list' : typeof value}, not an object`);
  return value as RawRecord;
}

/** What a final 401/403/404 means for the admin. */
export function explainMerakiFailure(section: string, orgId: string) {
  return (f: FailedRequest): Error | undefined => {
    const path = new URL(f.url).pathname;
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) return new ConfigError({ section, key: 'meraki_api_key' }, `Meraki refused the API key (HTTP 401${said}): check meraki_api_key; a key is revoked when its admin is removed`);
    if (f.status === 403) {
      return new PermanentError(`Meraki: the API key may not read ${path} (HTTP 403${said}): its admin needs read-only (or full) access to the organization, and Dashboard API access must be enabled for it`);
    }
    if (f.status === 404 && orgId && path.startsWith(`${API}/organizations/${encodeURIComponent(orgId)}`)) {
      return new ConfigError({ section, key: 'org_id' }, `Meraki has no organization "${orgId}" that this API key can access (HTTP 404${said}): check org_id (and meraki_api_key: older dashboards answer 404 for a wrong key)`);
    }
    return undefined;
  };
}
