/**
 * AirWatch / Workspace ONE UEM devices `[airwatch]`: the device search, pages read `concurrency` at a time, each
 * device extended with its DEP entry (`dep_uuid`) and, when a mapping reads `network.*`, its network details.
 * Assets; MappingName `AirWatch`; no default mappings (as the original).
 */
import { concurrencyOf, fanOut, limitConcurrency, rateLimitOf } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { credentialsOf, describeCredentials, isUemFatal, uemClient } from '../workspaceone/index.js';
import { depDevices, deviceLabel, devicePages, networkOf, wantsNetwork, type Device } from './devices.js';
import { airwatchSettings, type AirwatchSettings } from './settings.js';

export interface AirwatchOptions {
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createAirwatchSource(s: AirwatchSettings, ctx: SourceContext, opts: AirwatchOptions = {}): Source {
  const credentials = credentialsOf(s, ctx.section, 'basic');
  const client = uemClient(ctx.http, { section: ctx.section, url: s.url, credentials, rateLimit: rateLimitOf(s), now: opts.now });

  return {
    async check() {
      // One retry: `connector test` should say "unreachable" in seconds.
      const probe = client.with({ retry: { retries: 1 } });
      const res = await probe.request('GET', '/api/mdm/devices/search', { query: { pagesize: 1, page: 0 }, signal: ctx.signal });
      const first = res.status === 204 || res.text.trim() === '' ? undefined : res.json<{ Devices?: Device[] }>()?.Devices?.[0];
      const name = typeof first?.DeviceFriendlyName === 'string' ? ` "${first.DeviceFriendlyName}"` : '';
      let said = `authenticated to ${s.url} as ${describeCredentials(credentials)}; ${first ? `read ${deviceLabel(first)}${name}` : 'no devices'}`;
      if (s.dep_uuid) said += `; DEP group "${s.dep_uuid}" lists ${(await depDevices(probe, s.dep_uuid, ctx.section, ctx.signal)).size} device(s)`;
      return said;
    },

    async *read(request) {
      const n = concurrencyOf(s, ctx.concurrency);
      // Pages ahead and network calls share one bound: the section's concurrency.
      const api = limitConcurrency(client, n);
      const dep = s.dep_uuid ? await depDevices(api, s.dep_uuid, ctx.section, ctx.signal) : undefined;
      if (dep) ctx.log.info(`DEP group "${s.dep_uuid}" lists ${dep.size} device(s)`);
      const withDep = (d: Device): RawRecord => {
        const entry = dep && typeof d.SerialNumber === 'string' && d.SerialNumber ? dep.get(d.SerialNumber) : undefined;
        return entry ? { ...d, dep: entry } : d;
      };
      const devices = devicePages(api, n, ctx.signal);
      if (!wantsNetwork(request.fields)) {
        for await (const d of devices) yield withDep(d);
        return;
      }
      ctx.log.info('a mapping reads network.*: reading the network details of every device');
      yield* fanOut(devices, {
        concurrency: n,
        fetch: async (d) => ({ ...withDep(d), network: await networkOf(api, d, ctx.signal) }),
        label: deviceLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isUemFatal,
      });
    },
  };
}

export const airwatch = defineSource({
  name: 'airwatch',
  title: 'AirWatch / Workspace ONE UEM devices (Basic with the tenant code, or an OAuth client)',
  dataType: 'assets',
  mappingName: 'AirWatch',
  settings: airwatchSettings,
  // The original has no default mappings: the Oomnitza mapping named "AirWatch" (use_server_map) or mapping.* lines.
  defaultMappings: () => ({}),
  create: (settings, ctx) => createAirwatchSource(settings, ctx),
});
