/**
 * Cisco Catalyst Center (DNA Center) network devices `[dnac_network_devices]`: the Intent API's device list as it
 * comes, one record per device. Assets; MappingName `dnac_network_devices`; no default mappings (as the original).
 */
import { checkBaseUrl, displayUrl, rateLimitOf } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { dnacCredentials, dnacErrorText, dnacSession, deviceList, explainDnacFailure } from './dnacApi.js';
import { dnacSettings, type DnacSettings } from './settings.js';

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createDnacSource(s: DnacSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.base_url, { section: ctx.section, key: 'base_url' });
  const creds = dnacCredentials(s, ctx.section);
  const common = { baseUrl: base, headers: { accept: 'application/json' }, rateLimit: rateLimitOf(s), errorText: dnacErrorText };
  const api = ctx.http.with({ ...common, auth: dnacSession(base, creds, ctx.section), explainFailure: explainDnacFailure(ctx.section, creds) });

  return {
    async check() {
      const who = `authenticated to ${displayUrl(base)} as ${creds.who}`;
      for await (const device of deviceList(api.with({ retry: { retries: 1 } }), base, ctx.signal, 1)) {
        return `${who}; read device ${String(device.id)} "${String(device.hostname ?? '')}" (${String(device.platformId ?? '')})`;
      }
      return `${who}; no network devices`;
    },
    read: () => deviceList(api, base, ctx.signal),
  };
}

export const dnacNetworkDevices = defineSource({
  name: 'dnac_network_devices',
  title: 'Cisco Catalyst Center (DNA Center) network devices (Intent API)',
  dataType: 'assets',
  mappingName: 'dnac_network_devices',
  settings: dnacSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createDnacSource(settings, ctx),
});
