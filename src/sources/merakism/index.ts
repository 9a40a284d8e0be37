/**
 * Meraki Systems Manager devices `[merakism]`. The original called API v0 (`/api/v0/networks/{id}/sm/devices`,
 * `batchToken` paging, `{devices: [...]}`), which Meraki has retired (https://developer.cisco.com/meraki/api-v1/deprecation).
 * Here: API v1, `GET /api/v1/networks/{network_id}/sm/devices?fields[]=...&perPage=1000`, the next page taken from the
 * `Link` header (Meraki says its startingAfter/endingBefore "should not be defined by client applications"); the body
 * is a bare list of devices with the v0 names (id, name, tags, ssid, wifiMac, osName, systemModel, uuid,
 * serialNumber and the original's extra fields), so the records keep the original's shape.
 * Rate limit: 10 requests/s per organization; a 429 carries Retry-After (https://developer.cisco.com/meraki/api-v1/rate-limit/).
 * Assets; MappingName `MerakiSM`; no default mappings (as the original).
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { checkBaseUrl, linkHeader, paginate, rateLimitOf, tokenHeader, type FailedRequest } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { merakismSettings, type MerakismSettings } from './settings.js';

/** The fields the original asked for beyond the default ones, all of which v1 still names the same (v1 docs: fields[]). */
export const EXTRA_FIELDS = [
  'ip', 'systemType', 'availableDeviceCapacity', 'kioskAppName', 'biosVersion', 'lastConnected', 'userSuppliedAddress',
  'location', 'lastUser', 'publicIp', 'phoneNumber', 'diskInfoJson', 'deviceCapacity', 'isManaged', 'hadMdm', 'isSupervised', 'meid',
  'imei', 'iccid', 'simCarrierNetwork', 'cellularDataUsed', 'isHotspotEnabled', 'createdAt', 'batteryEstCharge', 'quarantined', 'avName',
  'avRunning', 'asName', 'fwName', 'isRooted', 'loginRequired', 'screenLockEnabled', 'screenLockDelay', 'autoLoginDisabled',
  'hasMdm', 'hasDesktopAgent', 'diskEncryptionEnabled', 'hardwareEncryptionCaps', 'passCodeLock',
] as const;

/** The largest page Meraki serves for SM devices. */
export const PER_PAGE = 1000;

/** Meraki explains itself as `{"errors": ["..."]}`. */
export function merakiErrorText(body: string): string | undefined {
  try {
    const errors = (JSON.parse(body) as { errors?: unknown } | null)?.errors;
    return Array.isArray(errors) && errors.length ? errors.map(String).join('; ') : undefined;
  } catch {
    return undefined;
  }
}

export function explainMerakiFailure(section: string, networkId: string) {
  return (f: FailedRequest): Error | undefined => {
    const said = f.said ? `: ${f.said}` : '';
    if (f.status === 401) {
      return new ConfigError({ section, key: 'meraki_api_key' }, `Meraki refused the API key (HTTP 401${said}): check meraki_api_key (Dashboard > My profile > API access) and that API access is enabled for the organization`);
    }
    // Meraki answers a wrong key, and a network the key's admin cannot see, with 404 rather than 401/403.
    if (f.status === 404) {
      return new ConfigError({ section, key: 'network_id' },
        `Meraki has no Systems Manager network "${networkId}" for this API key (HTTP 404${said}): check network_id, and meraki_api_key (Meraki answers a wrong key with 404 too); the key's admin needs read access to that network`);
    }
    if (f.status === 403) {
      return new PermanentError(`Meraki: the API key may not read ${new URL(f.url).pathname} (HTTP 403${said}): its admin needs at least read-only access to the organization or the network`);
    }
    if (f.status === 400 && /sm\/devices/.test(f.url)) {
      return new ConfigError({ section, key: 'network_id' }, `Meraki refused the device list of network "${networkId}" (HTTP 400${said}): is it a Systems Manager network?`);
    }
    return undefined;
  };
}

export function deviceLabel(d: RawRecord): string {
  return `device ${String(d.id ?? '(no id)')}${typeof d.serialNumber === 'string' && d.serialNumber ? ` (serial "${d.serialNumber}")` : ''}`;
}

export function createMerakismSource(s: MerakismSettings, ctx: SourceContext): Source {
  if (!s.meraki_api_key) throw new ConfigError({ section: ctx.section, key: 'meraki_api_key' }, 'set the Meraki Dashboard API key');
  if (!s.network_id) throw new ConfigError({ section: ctx.section, key: 'network_id' }, 'set the id of the Systems Manager network (N_... or L_...)');
  const url = checkBaseUrl(s.url, { section: ctx.section }, { origin: true });
  const api = ctx.http.with({
    baseUrl: `${url}/api/v1`,
    auth: tokenHeader('X-Cisco-Meraki-API-Key', s.meraki_api_key),
    headers: { accept: 'application/json' },
    errorText: merakiErrorText,
    rateLimit: rateLimitOf(s),
    explainFailure: explainMerakiFailure(ctx.section, s.network_id),
  });
  const path = (perPage: number) =>
    `/networks/${encodeURIComponent(s.network_id)}/sm/devices?${EXTRA_FIELDS.map((f) => `fields%5B%5D=${f}`).join('&')}&perPage=${perPage}`;

  return {
    async check() {
      // Meraki's smallest page is 3.
      const res = await api.with({ retry: { retries: 1 } }).request('GET', path(3), { signal: ctx.signal });
      const first = res.json<RawRecord[]>()?.[0];
      const name = typeof first?.name === 'string' ? ` "${first.name}"` : '';
      return `authenticated to ${url} with the API key; network ${s.network_id}: ${first ? `read ${deviceLabel(first)}${name}` : 'no devices'}`;
    },
    read: () => paginate<RawRecord>(api, { path: path(PER_PAGE), items: '', strategy: linkHeader(), signal: ctx.signal }),
  };
}

export const merakism = defineSource({
  name: 'merakism',
  title: 'Meraki Systems Manager devices (Dashboard API v1)',
  dataType: 'assets',
  mappingName: 'MerakiSM',
  settings: merakismSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createMerakismSource(settings, ctx),
});
