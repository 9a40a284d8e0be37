/**
 * MobileIron devices `[mobileiron]`: API v1 (MobileIron Cloud, now Ivanti Neurons for MDM) by partition, with the
 * check-in cutoff and the Windows hardware inventory of the original's latest release, or API v2 (MobileIron Core)
 * by device space (`api_version = 2`). Assets; MappingName `MobileIron`; no default mappings (as the original).
 */
import { checkBaseUrl, concurrencyOf, fanOut, limitConcurrency, rateLimitOf, type HttpClientLike } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { isMobileironFatal, mobileironAuth, mobileironClient } from './api.js';
import { mobileironSettings, type MobileironSettings } from './settings.js';
import { partitionDevices, partitions, partitionWanted, withHardware, type Partition } from './v1.js';
import { spaceDevices, spaceFields, spaces } from './v2.js';

export interface MobileironOptions {
  /** The clock of the check-in cutoff, for tests. */
  now?: () => number;
}

export function deviceLabel(d: RawRecord): string {
  const id = d.id ?? d['common.id'] ?? d['common.uuid'];
  const serial = d.serialNumber ?? d['common.SerialNumber'];
  return `device ${id ?? '(no id)'}${typeof serial === 'string' && serial ? ` (serial "${serial}")` : ''}`;
}

export function createMobileironSource(s: MobileironSettings, ctx: SourceContext, opts: MobileironOptions = {}): Source {
  const { auth, who } = mobileironAuth(s, ctx.section);
  const url = checkBaseUrl(s.url, { section: ctx.section });
  const version = s.api_version;
  const client = mobileironClient(ctx.http, { section: ctx.section, url, auth, who, version, rateLimit: rateLimitOf(s) });
  const now = opts.now ?? Date.now;
  const wanted = (all: Partition[]) => {
    const picked = all.filter((p) => partitionWanted(s.partitions, p.name));
    for (const p of all) if (!picked.includes(p)) ctx.log.debug(`skipping partition "${p.name}" (${p.id}): not in partitions`);
    if (picked.length === 0) {
      ctx.log.warn(`no device partition matches partitions = ${s.partitions}; MobileIron has: ${all.map((p) => `"${p.name}"`).join(', ') || 'none'}`);
    }
    return picked;
  };

  async function* v1(api: HttpClientLike & { section?: string }): AsyncGenerator<RawRecord> {
    for (const partition of wanted(await partitions(api, ctx.signal))) {
      // The cutoff is taken when a partition's walk starts, as in the original.
      const cutoff = s.include_checkin_devices_only ? now() - s.last_checkin_date_threshold * 1000 : undefined;
      yield* partitionDevices(api, partition, cutoff === undefined ? undefined : Math.trunc(cutoff), ctx.signal);
    }
  }

  async function* v2(api: HttpClientLike & { section?: string }): AsyncGenerator<RawRecord> {
    for (const space of await spaces(api, ctx.signal)) {
      yield* spaceDevices(api, space, await spaceFields(api, space, ctx.signal), ctx.signal);
    }
  }

  return {
    async check() {
      const probe = client.with({ retry: { retries: 1 } });
      if (version === 2) {
        const ids = await spaces(probe, ctx.signal);
        if (ids.length === 0) return `authenticated to ${url} (API v2) as ${who}; no device spaces`;
        const fields = await spaceFields(probe, ids[0], ctx.signal);
        const one = await spaceDevices(probe, ids[0], fields, ctx.signal, 1).next();
        return `authenticated to ${url} (API v2) as ${who}; ${ids.length} device space(s); ${one.done ? 'no devices' : `read ${deviceLabel(one.value)}`}`;
      }
      const all = await partitions(probe, ctx.signal);
      const picked = all.filter((p) => partitionWanted(s.partitions, p.name));
      const said = `authenticated to ${url} (API v1) as ${who}; partitions read: ${picked.map((p) => `"${p.name}"`).join(', ') || `none (MobileIron has ${all.map((p) => `"${p.name}"`).join(', ') || 'none'})`}`;
      if (picked.length === 0) return said;
      const res = await probe.request('GET', '/api/v1/device', { query: { dmPartitionId: picked[0].id, rows: 1, start: 0, 'sortFields[0].name': 'lastCheckin', 'sortFields[0].order': 'DESC' }, signal: ctx.signal });
      const d = res.json<{ result?: { searchResults?: RawRecord[] } }>()?.result?.searchResults?.[0];
      return `${said}; ${d ? `read ${deviceLabel(d)}` : 'no devices'}`;
    },

    async *read() {
      const n = concurrencyOf(s, ctx.concurrency);
      const api = limitConcurrency(client, n);
      if (version === 2) {
        yield* v2(api);
        return;
      }
      // Windows devices' hardware inventories, n at a time, within the same bound as the pages.
      yield* fanOut(v1(api), {
        concurrency: n,
        fetch: (d) => withHardware(api, d, ctx.signal),
        label: deviceLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
        isFatal: isMobileironFatal,
      });
    },
  };
}

export const mobileiron = defineSource({
  name: 'mobileiron',
  title: 'MobileIron Cloud (Ivanti Neurons for MDM) or Core devices',
  dataType: 'assets',
  mappingName: 'MobileIron',
  settings: mobileironSettings,
  defaultMappings: () => ({}),
  create: (settings, ctx) => createMobileironSource(settings, ctx),
});
