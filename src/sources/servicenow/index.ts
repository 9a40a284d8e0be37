/**
 * ServiceNow assets `[servicenow]`: every `alm_asset` row (Table API, ordered by sys_id), each extended with its
 * computer CI, its custom hardware attributes and its installed software (assets.ts), the detail calls of
 * `concurrency` assets in flight at once. Assets; MappingName `ServiceNow`; default mapping APPLICATIONS <- software.
 *
 * This folder is also what [servicenow_cmdb] shares (SHARED_SOURCE_FOLDERS): settings.ts, auth.ts, tableApi.ts,
 * records.ts.
 */
import { concurrencyOf, displayUrl, fanOut, isIsoInstant, limitConcurrency, readSinceWatermark, type PagingClient, type ReadClock } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { assetLabel, assetRecord, ciOf } from './assets.js';
import { describeCredentials } from './auth.js';
import { servicenowSettings, type ServicenowSettings } from './servicenowSettings.js';
import { isServiceNowFatal, serviceNowClient, tableRows, updatedSinceQuery } from './tableApi.js';

export interface ServicenowOptions {
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createServicenowSource(s: ServicenowSettings, ctx: SourceContext, opts: ServicenowOptions = {}): Source {
  const { client, credentials } = serviceNowClient(ctx.http, { section: ctx.section, settings: s, now: opts.now });
  const assets = (api: PagingClient, pageSize: number, since?: string, clock?: ReadClock) =>
    tableRows(api, { table: 'alm_asset', query: since ? updatedSinceQuery('', since) : undefined, displayValue: 'all', pageSize, signal: ctx.signal, clock });

  return {
    async check() {
      // One retry: `connector test` should say "unreachable" in seconds.
      const probe = client.with({ retry: { retries: 1 } });
      const who = `authenticated to ${displayUrl(s.url)} as ${describeCredentials(credentials)}`;
      for await (const asset of assets(probe, 1)) {
        const record = await assetRecord({ api: probe, pageSize: s.page_size, signal: ctx.signal }, asset);
        const hw = record.hardware as Record<string, unknown>;
        const ci = ciOf(asset) ? `its CI "${String(hw.ci ?? '')}"` : 'no CI';
        return `${who}; read ${assetLabel(asset)} "${String(hw.display_name ?? '')}" with ${ci} and ${(record.software as unknown[]).length} software item(s)`;
      }
      return `${who}; no assets in alm_asset`;
    },

    read(request) {
      const n = concurrencyOf(s, ctx.concurrency);
      // Pages and the detail calls of n assets share one bound: the section's concurrency (the original's --workers pool).
      const api = limitConcurrency(client, n);
      const reader = { api, pageSize: s.page_size, signal: ctx.signal };
      const read = (list: AsyncIterable<RawRecord>) => fanOut(list, {
        concurrency: n,
        fetch: (asset) => assetRecord(reader, asset),
        label: assetLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isServiceNowFatal,
      });
      const inc = request.incremental;
      if (!inc) return read(assets(api, s.page_size));
      // Assets updated since the watermark (sys_updated_on of alm_asset; a change only to the CI or its software
      // waits for the next full sweep).
      return readSinceWatermark(inc, ctx.signal, (since, clock) => read(assets(api, s.page_size, since, clock)));
    },
  };
}

export const servicenow = defineSource({
  name: 'servicenow',
  title: 'ServiceNow assets (alm_asset with their computer CI, custom hardware fields and installed software; Table API)',
  dataType: 'assets',
  mappingName: 'ServiceNow',
  settings: servicenowSettings,
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  incremental: { watermark: 'the time the read began by ServiceNow\'s clock, minus 5 minutes (alm_asset sys_updated_on>=)', valid: isIsoInstant },
  create: (settings, ctx) => createServicenowSource(settings, ctx),
});
