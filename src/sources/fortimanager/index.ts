/**
 * FortiManager managed devices `[fortimanager]`: `/dvmdb/device` over JSON-RPC, one record per FortiGate (or other
 * managed device) as FortiManager returns it. Assets; MappingName `Fortimanager`; no default mappings.
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, displayUrl, rateLimitOf } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { devices, fortimanagerSession, jsonRpcUrl, sessionEnded } from './jsonRpc.js';
import { fortimanagerSettings, type FortimanagerSettings } from './settings.js';

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createFortimanagerSource(s: FortimanagerSettings, ctx: SourceContext): Source {
  const url = jsonRpcUrl(checkBaseUrl(s.url, { section: ctx.section }));
  // The original logged "Missing User and/or Password" and read nothing.
  if (!s.user || !s.password) throw new ConfigError({ section: ctx.section, key: s.user ? 'password' : 'user' }, 'set user and password of a FortiManager administrator with JSON API access');
  const auth = fortimanagerSession(url, { user: s.user, password: s.password }, ctx.section);
  const who = auth.describe();
  const api = ctx.http.with({
    auth,
    headers: { accept: 'application/json' },
    rateLimit: rateLimitOf(s),
    classifyFailure: (res) => (sessionEnded(res) ? 'reauthenticate' : undefined),
    explainFailure: (f) => (f.status === 404 || f.status === 405
      ? new ConfigError({ section: ctx.section, key: 'url' }, `no FortiManager JSON-RPC API at ${f.url} (HTTP ${f.status}): check url (https://<fortimanager>/jsonrpc)`)
      : undefined),
  });

  return {
    async check() {
      const found = await devices(api.with({ retry: { retries: 1 } }), url, s.filter_fields, who, ctx.signal, [0, 1]);
      const intro = `authenticated to ${displayUrl(url)} as ${who}`;
      const d = found[0];
      return d ? `${intro}; read device "${String(d.name ?? '')}" (${String(d.sn ?? d.platform_str ?? '')})` : `${intro}; no managed devices`;
    },
    async *read() {
      const list = await devices(api, url, s.filter_fields, who, ctx.signal);
      ctx.log.info(`[${ctx.section}] FortiManager lists ${list.length} managed device(s)`);
      yield* list;
    },
  };
}

export const fortimanager = defineSource({
  name: 'fortimanager',
  title: 'FortiManager managed devices (JSON-RPC API)',
  dataType: 'assets',
  mappingName: 'Fortimanager',
  settings: fortimanagerSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createFortimanagerSource(settings, ctx),
});
