/**
 * ServiceNow assets `[servicenow]`: every `alm_asset` row (Table API, ordered by sys_id), each extended with its
 * computer CI, its custom hardware attributes and its installed software (assets.ts), the detail calls of
 * `concurrency` assets in flight at once. Assets; MappingName `ServiceNow`; default mapping APPLICATIONS <- software.
 *
 * This folder is also what [servicenow_cmdb] shares (SHARED_SOURCE_FOLDERS): settings.ts, auth.ts, tableApi.ts,
 * records.ts.
 */
import { concurrencyOf, displayUrl, fanOut, limitConcurrency, type PagingClient } from '../../http/index.js';
import { defineSource, type Source, type SourceContext } from '../types.js';
import { assetLabel, assetRecord, ciOf } from './assets.js';
import { describeCredentials } from './auth.js';
import { servicenowSettings, type ServicenowSettings } from './servicenowSettings.js';
import { isServiceNowFatal, serviceNowClient, tableRows } from './tableApi.js';

export interface ServicenowOptions {
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createServicenowSource(s: ServicenowSettings, ctx: SourceContext, opts: ServicenowOptions = {}): Source {
  const { client, credentials } = serviceNowClient(ctx.http, { section: ctx.section, settings: s, now: opts.now });
  const assets = (api: PagingClient, pageSize: number) =>
    tableRows(api, { table: 'alm_asset', displayValue: 'all', pageSize, signal: ctx.signal });

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

    read() {
      const n = concurrencyOf(s, ctx.concurrency);
      // Pages and the detail calls of n assets share one bound: the section's concurrency (the original's --workers pool).
      const api = limitConcurrency(client, n);
      const reader = { api, pageSize: s.page_size, signal: ctx.signal };
      return fanOut(assets(api, s.page_size), {
        concurrency: n,
        fetch: (asset) => assetRecord(reader, asset),
        label: assetLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isServiceNowFatal,
      });
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
  create: (settings, ctx) => createServicenowSource(settings, ctx),
});
