/**
 * Meraki network devices `[meraki_network_devices]`: every device of an organization's networks, each joined with
 * its entry in the organization's inventory (order number, claim date, licence expiry), then the inventory devices
 * that are in no network. Assets; MappingName `meraki_network_devices`.
 *
 * The original emitted both lists as they came, so a device in a network reached Oomnitza twice with two shapes;
 * here each device is one record that carries the keys of both (reference/sources.md §16).
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, concurrencyOf, displayUrl, fanOut, rateLimitOf, tokenHeader } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { explainMerakiFailure, merakiApi, type MerakiApi } from './merakiApi.js';
import { merakiNetworkDevicesSettings, type MerakiNetworkDevicesSettings } from './settings.js';

/** The network device, with the inventory keys it lacks (the network's view wins where both have a key). */
export function withInventory(device: RawRecord, inventory: RawRecord | undefined): RawRecord {
  if (!inventory) return device;
  const out: RawRecord = { ...device };
  for (const [key, value] of Object.entries(inventory)) if (!(key in out)) out[key] = value;
  return out;
}

const serialOf = (device: RawRecord): string | undefined => (typeof device.serial === 'string' && device.serial ? device.serial : undefined);
const networkLabel = (network: RawRecord) => `network ${String(network.id)} "${String(network.name ?? '')}"`;

/** One organization's devices: network devices joined with the inventory, then the inventory devices left over. */
async function* organizationDevices(api: MerakiApi, orgId: string, s: MerakiNetworkDevicesSettings, ctx: SourceContext): AsyncGenerator<RawRecord> {
  // The inventory is read first so that each network device can be joined with its entry; it is one small record
  // per device of the organization.
  const inventory = new Map<string, RawRecord>();
  const unkeyed: RawRecord[] = [];
  for await (const item of api.inventory(orgId, ctx.signal)) {
    const serial = serialOf(item);
    if (serial) inventory.set(serial, item);
    else unkeyed.push(item);
  }
  const seen = new Set<string>();
  const failedNetworks = new Set<string>();
  const perNetwork = fanOut(api.networks(orgId, ctx.signal), {
    concurrency: concurrencyOf(s, ctx.concurrency),
    fetch: async (network) => {
      try {
        return await api.networkDevices(String(network.id), ctx.signal);
      } catch (err) {
        failedNetworks.add(String(network.id));
        throw err;
      }
    },
    label: networkLabel,
    reportFailure: ctx.reportFailure,
    signal: ctx.signal,
  });
  for await (const devices of perNetwork) {
    for (const device of devices) {
      const serial = serialOf(device);
      if (serial && seen.has(serial)) continue;
      if (serial) seen.add(serial);
      yield withInventory(device, serial ? inventory.get(serial) : undefined);
      if (serial) inventory.delete(serial);
    }
  }
  // A device of a network whose list failed is left out rather than sent with its inventory keys only (which would
  // blank its network keys in Oomnitza); that network is reported as failed.
  for (const item of [...inventory.values(), ...unkeyed]) {
    if (typeof item.networkId === 'string' && failedNetworks.has(item.networkId)) continue;
    yield item;
  }
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createMerakiNetworkDevicesSource(s: MerakiNetworkDevicesSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section }, { origin: true });
  // The original's managed mode hands the key over in authorization_settings, which wins over meraki_api_key.
  const handed = s.authorization_settings['X-Cisco-Meraki-API-Key'];
  const apiKey = typeof handed === 'string' && handed ? handed : s.meraki_api_key;
  if (!apiKey) throw new ConfigError({ section: ctx.section, key: 'meraki_api_key' }, 'missing the Meraki Dashboard API key');
  const orgId = s.org_id.trim();
  const client = ctx.http.with({
    baseUrl: base,
    auth: { ...tokenHeader('X-Cisco-Meraki-API-Key', apiKey), describe: () => 'the API key' },
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    explainFailure: explainMerakiFailure(ctx.section, orgId),
  });
  const api = merakiApi(client, base);

  /** The organization of org_id, or every organization the key can access. */
  async function* organizations(pageSize?: number): AsyncGenerator<RawRecord> {
    if (orgId) yield await api.organization(orgId, ctx.signal);
    else yield* api.organizations(ctx.signal, pageSize);
  }

  return {
    async check() {
      const quick = merakiApi(client.with({ retry: { retries: 1 } }), base);
      const orgs: string[] = [];
      let sample: string | undefined;
      for await (const org of orgId ? [await quick.organization(orgId, ctx.signal)] : quick.organizations(ctx.signal)) {
        orgs.push(`"${String(org.name ?? '')}" (${String(org.id)})`);
        if (sample) continue;
        for await (const device of quick.inventory(String(org.id), ctx.signal, 3)) {
          sample = `read device ${String(device.serial)} "${String(device.name ?? '')}" (${String(device.model ?? '')})`;
          break;
        }
      }
      const where = orgs.length === 1 ? `organization ${orgs[0]}` : `${orgs.length} organization(s)${orgs.length ? `: ${orgs.join(', ')}` : ''}`;
      return `authenticated to ${displayUrl(base)} with the API key; ${where}; ${sample ?? 'no devices in the inventory'}`;
    },
    async *read() {
      let count = 0;
      for await (const org of organizations()) {
        count++;
        yield* organizationDevices(api, String(org.id), s, ctx);
      }
      if (!orgId && count === 0) ctx.log.warn(`[${ctx.section}] the API key can access no organization: nothing to read`);
    },
  };
}

export const merakiNetworkDevices = defineSource({
  name: 'meraki_network_devices',
  title: 'Cisco Meraki network devices, joined with the organization inventory (Dashboard API v1)',
  dataType: 'assets',
  mappingName: 'meraki_network_devices',
  settings: merakiNetworkDevicesSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createMerakiNetworkDevicesSource(settings, ctx),
});
