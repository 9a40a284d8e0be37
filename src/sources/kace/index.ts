/**
 * Quest KACE SMA machines `[kace]`: every machine of the organization with its installed software, from the
 * inventory API, in the shape the original built (see kaceApi.ts for the calls and the SMA 12.1 change).
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, displayUrl, paginate, rateLimitOf, type RawPage } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { PAGE_SIZE, explainKaceFailure, kaceErrorText, kaceSessionAuth, machinePages, machineRecord, machinesUrl, versionHeaders } from './kaceApi.js';
import { kaceSettings, type KaceSettings } from './settings.js';

export function createKaceSource(s: KaceSettings, ctx: SourceContext): Source {
  const base = checkBaseUrl(s.url, { section: ctx.section });
  const version = s.api_version.trim();
  if (!s.username || !s.password) throw new ConfigError({ section: ctx.section, key: s.username ? 'password' : 'username' }, 'the KACE SMA login needs username and password');
  const { auth, who, usesCsrf } = kaceSessionAuth({ ...s, api_version: version }, base, ctx.section);
  const api = ctx.http.with({
    baseUrl: base,
    auth,
    headers: { accept: 'application/json', ...versionHeaders(version) },
    rateLimit: rateLimitOf(s),
    errorText: kaceErrorText,
    explainFailure: explainKaceFailure(ctx.section, who),
  });
  const machines = (limit: number) =>
    paginate<RawRecord>(api, {
      path: machinesUrl(base, limit, 0),
      items: (page: RawPage) => (page.body as { Machines?: RawRecord[] } | undefined)?.Machines ?? [],
      strategy: machinePages(base, limit),
      signal: ctx.signal,
    });

  return {
    async check() {
      for await (const machine of machines(1)) {
        const intro = `authenticated to ${displayUrl(base)} as ${who} (API version ${version}${usesCsrf() ? ', with a CSRF token: an appliance before 12.1' : ''})`;
        const apps = (machineRecord(machine).software as unknown[]).length;
        return `${intro}; read machine ${String(machine.Id)} "${String(machine.Name ?? '')}" (${apps} installed program(s))`;
      }
      return `authenticated to ${displayUrl(base)} as ${who}; the inventory lists no machines`;
    },
    async *read() {
      for await (const machine of machines(PAGE_SIZE)) yield machineRecord(machine);
    },
  };
}

export const kace = defineSource({
  name: 'kace',
  title: 'Quest KACE SMA machines with installed software',
  dataType: 'assets',
  mappingName: 'KACE',
  settings: kaceSettings,
  defaultConverters: { Last_inventory: 'timestamp', Last_sync: 'timestamp' },
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  create: (settings, ctx) => createKaceSource(settings, ctx),
});
