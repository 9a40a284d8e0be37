/**
 * ServiceNow CMDB computers `[servicenow_cmdb]`: every row of `table` (cmdb_ci_computer by default) that `query`
 * selects, through the Table API shared with [servicenow], flattened to display values as the original flattened
 * its computer fields (so `hardware.*` mappings written for [servicenow] keep their meaning), with the software
 * installed on each CI (`software = True`, bounded fan-out). Assets; MappingName `servicenow_cmdb`.
 *
 * The CMDB Instance API (/api/now/cmdb/instance/{class}) returns only sys_id and name per CI, so the attributes
 * would cost a second call per CI: the Table API reads them in the list itself.
 */
import { concurrencyOf, displayUrl, fanOut, isIsoInstant, limitConcurrency, readSinceWatermark, type PagingClient, type ReadClock } from '../../http/index.js';
import { describeCredentials } from '../servicenow/auth.js';
import { flatten, rawValue, softwareOf, withIsoDates } from '../servicenow/records.js';
import { isServiceNowFatal, serviceNowClient, tableRows, updatedSinceQuery } from '../servicenow/tableApi.js';
import type { FieldMappings } from '../../records.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { servicenowCmdbSettings, type ServicenowCmdbSettings } from './settings.js';

export interface ServicenowCmdbOptions {
  /** Clock of the OAuth token's lifetime, for tests. */
  now?: () => number;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** How failure reports name a CI: `CI 9d3c... "PC-1"`. */
export function ciLabel(row: RawRecord): string {
  const name = text(rawValue(row.name));
  return `CI ${text(rawValue(row.sys_id)) ?? '(no sys_id)'}${name ? ` "${name}"` : ''}`;
}

/** Validates the settings (ConfigError) and builds the source; nothing connects until check() or read(). */
export function createServicenowCmdbSource(s: ServicenowCmdbSettings, ctx: SourceContext, opts: ServicenowCmdbOptions = {}): Source {
  const { client, credentials } = serviceNowClient(ctx.http, { section: ctx.section, settings: s, tableSetting: 'table', now: opts.now });
  const table = s.table.trim();
  // sys_id names the CI (software, failure reports) and orders the pages, so it is always read.
  const fields = s.fields.length ? [...new Set(['sys_id', ...s.fields])].join(',') : undefined;
  const rows = (api: PagingClient, pageSize: number, since?: string, clock?: ReadClock) =>
    tableRows(api, { table, query: since ? updatedSinceQuery(s.query.trim(), since) : s.query.trim(), displayValue: 'all', fields, pageSize, signal: ctx.signal, clock });
  const record = async (api: PagingClient, row: RawRecord): Promise<RawRecord> => {
    const hardware = withIsoDates(row, flatten(row));
    if (!s.software) return { hardware };
    const ci = text(rawValue(row.sys_id));
    return { hardware, software: ci ? await softwareOf(api, ci, s.page_size, ctx.signal) : [] };
  };

  return {
    async check() {
      const probe = client.with({ retry: { retries: 1 } });
      const who = `authenticated to ${displayUrl(s.url)} as ${describeCredentials(credentials)}`;
      for await (const row of rows(probe, 1)) {
        const r = await record(probe, row);
        const software = s.software ? ` with ${(r.software as unknown[]).length} software item(s)` : '';
        return `${who}; read ${ciLabel(row)} from ${table}${software}`;
      }
      return `${who}; no CIs in ${table}${s.query.trim() ? ' that match query' : ''}`;
    },

    read(request) {
      const n = concurrencyOf(s, ctx.concurrency);
      // Pages and software calls share one bound.
      const api = limitConcurrency(client, n);
      const records = (list: AsyncIterable<RawRecord>): AsyncIterable<RawRecord> => {
        if (!s.software) return (async function* () {
          for await (const row of list) yield { hardware: withIsoDates(row, flatten(row)) };
        })();
        return fanOut(list, {
          concurrency: n,
          fetch: (row) => record(api, row),
          label: ciLabel,
          reportFailure: ctx.reportFailure,
          signal: ctx.signal,
          isFatal: isServiceNowFatal,
        });
      };
      const inc = request.incremental;
      if (!inc) return records(rows(api, s.page_size));
      // CIs updated since the watermark (sys_updated_on of the CI; a change only to its software waits for a full sweep).
      return readSinceWatermark(inc, ctx.signal, (since, clock) => records(rows(api, s.page_size, since, clock)));
    },
  };
}

export const servicenowCmdb = defineSource({
  name: 'servicenow_cmdb',
  title: 'ServiceNow CMDB computers (cmdb_ci_computer or another CI class, an encoded query, installed software; Table API)',
  dataType: 'assets',
  mappingName: 'servicenow_cmdb',
  settings: servicenowCmdbSettings,
  defaultMappings: (s): FieldMappings => (s.software ? { APPLICATIONS: { source: 'software' } } : {}),
  incremental: { watermark: 'the time the read began by ServiceNow\'s clock, minus 5 minutes (sys_updated_on>= of the CI table)', valid: isIsoInstant },
  create: (settings, ctx) => createServicenowCmdbSource(settings, ctx),
});
