/**
 * NetBox devices `[netbox]`: every DCIM device (`/api/dcim/devices/`), paged by `next`, as NetBox sends it.
 * Assets; MappingName `Netbox`; no default mappings (as the original).
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, displayUrl, rateLimitOf } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { devices, explainNetboxFailure, netboxToken, netboxVersion } from './netboxApi.js';
import { netboxSettings, type NetboxSettings } from './settings.js';

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createNetboxSource(s: NetboxSettings, ctx: SourceContext): Source {
  if (!s.url) throw new ConfigError({ section: ctx.section, key: 'url' }, 'set url: the address of NetBox, e.g. https://netbox.example.com');
  const url = checkBaseUrl(s.url, { section: ctx.section }).replace(/\/+$/, '');
  const token = netboxToken(s.auth_token);
  const api = ctx.http.with({
    baseUrl: url,
    auth: token.auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    explainFailure: explainNetboxFailure(ctx.section, token),
  });

  return {
    async check() {
      const probe = api.with({ retry: { retries: 1 } });
      const version = await netboxVersion(probe, ctx.signal);
      const who = `connected to NetBox${version ? ` ${version}` : ''} at ${displayUrl(url)} with ${token.kind}`;
      for await (const d of devices(probe, url, 1, ctx.signal)) return `${who}; read device ${String(d.id)} "${String(d.name ?? d.display ?? '')}"`;
      return `${who}; no devices`;
    },
    read() {
      if (!token.auth) ctx.log.info('auth_token is empty: reading NetBox anonymously (works only with LOGIN_REQUIRED = False)');
      return devices(api, url, s.page_size, ctx.signal);
    },
  };
}

export const netbox = defineSource({
  name: 'netbox',
  title: 'NetBox DCIM devices (v1 or v2 API tokens)',
  dataType: 'assets',
  mappingName: 'Netbox',
  settings: netboxSettings,
  // The original has no default mappings: the Oomnitza mapping named "Netbox" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createNetboxSource(settings, ctx),
});
