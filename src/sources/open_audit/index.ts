/**
 * Open-AudIT devices `[open_audit]`: a form logon with a session cookie, the device list in pages of 1000
 * (`limit`/`offset`), and per device its detail, network cards and software (one fan-out, one concurrency bound).
 * Assets; MappingName `Open_Audit`; APPLICATIONS <- software and the original's date converters by default.
 */
import { PermanentError } from '../../errors.js';
import type { FieldMappings } from '../../records.js';
import { concurrencyOf, displayUrl, fanOut, limitConcurrency, offsetLimit, paginate, rateLimitOf, type HttpClientLike } from '../../http/index.js';
import { defineSource, type RawRecord, type Source, type SourceContext } from '../types.js';
import { API_ROOT, explainOpenAuditFailure, openAuditErrorText, openAuditSession } from './api.js';
import { openAuditSettings, type OpenAuditSettings } from './settings.js';

/** The original's page size. */
export const PAGE_SIZE = 1000;

interface Item {
  id?: unknown;
  attributes?: Record<string, unknown>;
}

export interface Software {
  name: unknown;
  version: unknown;
  publisher: unknown;
  path: unknown;
}

function label(device: Item): string {
  const a = device.attributes ?? {};
  const name = a.name ?? a['system.name'];
  return `device ${String(device.id)}${typeof name === 'string' && name ? ` "${name}"` : ''}`;
}

async function data(api: HttpClientLike, path: string, query: Record<string, string> | undefined, signal: AbortSignal): Promise<Item[]> {
  const res = await api.request('GET', path, { query, headers: { accept: 'application/json' }, signal });
  let body: { data?: unknown };
  try {
    body = res.json<{ data?: unknown }>();
  } catch {
    // An ended session may be redirected to the HTML logon page instead of a 401.
    throw new PermanentError(`${res.url}: the answer is not JSON (${res.text.slice(0, 80).replace(/\s+/g, ' ')}...): the session may have ended`);
  }
  return Array.isArray(body?.data) ? (body.data as Item[]) : [];
}

/** The device record the original builds: `{hardware: detail + mac + mac_vendor, software: [...]}`. */
export async function deviceRecord(api: HttpClientLike, id: string, signal: AbortSignal): Promise<RawRecord> {
  const path = `${API_ROOT}/devices/${encodeURIComponent(id)}`;
  const [detail, network, software] = await Promise.all([
    data(api, path, undefined, signal),
    data(api, path, { sub_resource: 'network' }, signal),
    data(api, path, { sub_resource: 'software' }, signal),
  ]);
  const attributes = detail[0]?.attributes;
  if (!attributes) throw new PermanentError(`Open-AudIT returned no data for device ${id}`);
  const nic = network[0]?.attributes;
  return {
    // No network card: '' as in the original (a card without the attribute: null).
    hardware: { ...attributes, mac: nic ? nic.mac ?? null : '', mac_vendor: nic ? nic.manufacturer ?? null : '' },
    software: software.map(({ attributes: a = {} }): Software => ({ name: a.name ?? null, version: a.version ?? null, publisher: a.publisher ?? null, path: a.location ?? null })),
  };
}

export interface OpenAuditOptions {
  /** Devices per page (the original's 1000); smaller in tests. */
  pageSize?: number;
}

export function createOpenAuditSource(s: OpenAuditSettings, ctx: SourceContext, opts: OpenAuditOptions = {}): Source {
  const client = ctx.http.with({
    baseUrl: s.url,
    auth: openAuditSession({ username: s.username, password: s.password }, ctx.section),
    rateLimit: rateLimitOf(s),
    errorText: openAuditErrorText,
    explainFailure: explainOpenAuditFailure(ctx.section, s.username),
  });
  const devices = (api: HttpClientLike, pageSize = opts.pageSize ?? PAGE_SIZE) =>
    paginate<Item>(api, {
      path: `${API_ROOT}/devices`,
      headers: { accept: 'application/json' },
      items: 'data',
      // A page shorter than the limit (meta.filtered < limit) or an empty one is the last, as in the original.
      strategy: offsetLimit({ pageSize }),
      signal: ctx.signal,
    });

  return {
    async check() {
      const probe = client.with({ retry: { retries: 1 } });
      const intro = `authenticated to ${displayUrl(s.url)} as "${s.username}"`;
      for await (const device of devices(probe, 1)) {
        const record = await deviceRecord(probe, String(device.id), ctx.signal);
        return `${intro}; read ${label(device)} with ${(record.software as unknown[]).length} software item(s)`;
      }
      return `${intro}; no devices`;
    },
    async *read() {
      const n = concurrencyOf(s, ctx.concurrency);
      const api = limitConcurrency(client, n);
      yield* fanOut(devices(api), {
        concurrency: n,
        fetch: (device) => deviceRecord(api, String(device.id), ctx.signal),
        label,
        reportFailure: ctx.reportFailure,
        signal: ctx.signal,
      });
    },
  };
}

const DATE_FIELDS = ['end_of_life', 'end_of_service', 'first_seen', 'last_seen', 'os_installation_date', 'warranty_expires'];

export const openAudit = defineSource({
  name: 'open_audit',
  title: 'Open-AudIT devices with their network card and software',
  dataType: 'assets',
  mappingName: 'Open_Audit',
  settings: openAuditSettings,
  defaultConverters: Object.fromEntries(DATE_FIELDS.map((f) => [`hardware.${f}`, 'date_format'])),
  defaultMappings: (): FieldMappings => ({ APPLICATIONS: { source: 'software' } }),
  create: (settings, ctx) => createOpenAuditSource(settings, ctx),
});
