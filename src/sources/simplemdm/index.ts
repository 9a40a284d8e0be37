/**
 * SimpleMDM devices `[simplemdm]`: `GET /api/v1/devices`, filtered by type and group as the original did, each kept
 * device extended (`concurrency` at a time) with its custom attribute values (`custom_attributes = True`) and, for
 * computers, its installed apps. Assets; MappingName `SimpleMDM`; APPLICATIONS <- software and the `timestamp`
 * converter on `last_seen_at` by default, as in the original.
 */
import { ConfigError } from '../../errors.js';
import { checkBaseUrl, concurrencyOf, fanOut, limitConcurrency, rateLimitOf, type HttpClientLike } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { list, simplemdmClient, type Item } from './api.js';
import { COMPUTERS, MOBILE_DEVICES, simplemdmSettings, type DeviceType, type SimplemdmSettings } from './settings.js';

/** As the original: a device without a cellular technology is a computer. */
export function deviceType(d: Item): DeviceType {
  const cellular = d.attributes?.cellular_technology;
  return cellular === null || cellular === undefined ? COMPUTERS : MOBILE_DEVICES;
}

export function groupOf(d: Item): number | undefined {
  const id = d.relationships?.device_group?.data?.id;
  const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
  return typeof n === 'number' ? n : undefined;
}

export function deviceLabel(d: Item): string {
  const serial = d.attributes?.serial_number;
  return `device ${d.id ?? '(no id)'}${typeof serial === 'string' && serial ? ` (serial "${serial}")` : ''}`;
}

/** `{attribute name: value}` of one device. */
async function customAttributes(api: HttpClientLike, id: string, signal: AbortSignal): Promise<Record<string, unknown>> {
  const res = await api.request('GET', `/devices/${id}/custom_attribute_values`, { signal });
  const data = res.json<{ data?: Item[] }>()?.data ?? [];
  return Object.fromEntries(data.map((a) => [String(a.id), a.attributes?.value ?? null]));
}

/** Installed apps of one computer, every page, in the original's software shape. */
async function software(api: HttpClientLike, id: string, signal: AbortSignal): Promise<Array<Record<string, unknown>>> {
  const out: Array<Record<string, unknown>> = [];
  for await (const app of list(api, `/devices/${id}/installed_apps`, signal)) {
    out.push({ name: app.attributes?.name ?? null, version: app.attributes?.short_version ?? null, path: null });
  }
  return out;
}

export function createSimplemdmSource(s: SimplemdmSettings, ctx: SourceContext): Source {
  if (!s.secret_access_key) throw new ConfigError({ section: ctx.section, key: 'secret_access_key' }, 'set the SimpleMDM API key (Settings > API in SimpleMDM)');
  const url = checkBaseUrl(s.url, { section: ctx.section }, { origin: true });
  const client = simplemdmClient(ctx.http, { section: ctx.section, url, key: s.secret_access_key, rateLimit: rateLimitOf(s) });
  const wanted = (d: Item) => s.device_types.includes(deviceType(d)) && (s.device_groups.length === 0 || s.device_groups.includes(groupOf(d) ?? NaN));

  return {
    async check() {
      const res = await client.with({ retry: { retries: 1 } }).request('GET', '/devices', { query: { limit: 1 }, signal: ctx.signal });
      const first = res.json<{ data?: Item[] }>()?.data?.[0];
      const name = typeof first?.attributes?.name === 'string' ? ` "${first.attributes.name}"` : '';
      return `authenticated to ${url} with the API key; ${first ? `read ${deviceLabel(first)}${name}` : 'no devices'}`;
    },

    async *read() {
      const n = concurrencyOf(s, ctx.concurrency);
      const api = limitConcurrency(client, n);
      async function* kept() {
        for await (const d of list(api, '/devices', ctx.signal)) if (wanted(d)) yield d;
      }
      yield* fanOut(kept(), {
        concurrency: n,
        async fetch(d): Promise<RawRecord> {
          const id = encodeURIComponent(String(d.id));
          // The original's record is the attributes; the id (which it left out) comes first, for mappings and sync_field.
          const record: RawRecord = { id: d.id ?? null, ...d.attributes };
          if (s.custom_attributes) record.custom_attributes = await customAttributes(api, id, ctx.signal);
          record.software = deviceType(d) === COMPUTERS ? await software(api, id, ctx.signal) : [];
          return record;
        },
        label: deviceLabel,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },
  };
}

export const simplemdm = defineSource({
  name: 'simplemdm',
  title: 'SimpleMDM devices with custom attributes and installed apps',
  dataType: 'assets',
  mappingName: 'SimpleMDM',
  settings: simplemdmSettings,
  defaultMappings: () => ({ APPLICATIONS: { source: 'software' } }),
  defaultConverters: { last_seen_at: 'timestamp' },
  create: (settings, ctx) => createSimplemdmSource(settings, ctx),
});

export { COMPUTERS, MOBILE_DEVICES };
