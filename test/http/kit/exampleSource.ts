/**
 * A tiny source written only against the kit's public surface (not registered): a session login, Link-header
 * paging of a device list and one detail call per device, in the shape every HTTP source follows.
 */
import { setting } from '../../../src/config/settings.js';
import { ConfigError } from '../../../src/errors.js';
import { baseUrlSetting, basicCredentialSettings, concurrencyOf, concurrencySettings, fanOut, jsonLogin, linkHeader, paginate, sessionLogin } from '../../../src/http/index.js';
import { defineSource, type RawRecord } from '../../../src/sources/types.js';

export const example = defineSource({
  name: 'example',
  title: 'Example inventory (kit demo)',
  dataType: 'assets',
  mappingName: 'Example',
  settings: { ...baseUrlSetting(), ...basicCredentialSettings({ required: true }), ...concurrencySettings, site: setting.string({ description: 'Site to read.' }) },
  defaultMappings: () => ({ SERIAL_NUMBER: { source: 'serial' } }),
  create(s, ctx) {
    const auth = sessionLogin({
      login: jsonLogin({
        url: `${s.url}/api/login`, json: { user: s.username, password: s.password }, token: 'session', expiresIn: 'ttl',
        rejected: (status) => new ConfigError({ section: ctx.section, key: 'password' }, `login refused (HTTP ${status})`),
      }),
      inject: { header: 'X-Session' },
      describe: () => `user "${s.username}"`,
    });
    const api = ctx.http.with({ baseUrl: s.url, auth, headers: { accept: 'application/json' } });
    const devices = () => paginate<{ id: string }>(api, { path: '/api/devices', query: { site: s.site || undefined, limit: 2 }, items: 'devices', strategy: linkHeader(), signal: ctx.signal });
    return {
      async check() {
        for await (const d of devices()) return `authenticated as ${auth.describe()}; read device ${d.id}`;
        return `authenticated as ${auth.describe()}; no devices`;
      },
      read: () => fanOut(devices(), {
        concurrency: concurrencyOf(s, ctx.concurrency),
        fetch: async (d) => (await api.getJson<RawRecord>(`/api/devices/${encodeURIComponent(d.id)}`, { signal: ctx.signal })),
        label: (d) => `device ${d.id}`,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      }),
    };
  },
});
