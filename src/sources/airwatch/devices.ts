/**
 * What [airwatch] reads from Workspace ONE UEM (each endpoint's version 1, as the original):
 * - `GET /api/mdm/devices/search?pagesize=250&page=N`, N from 0, until a 204 or an empty `Devices`
 *   (https://asNNNN.awmdm.com/api/help, MDM REST API V1: Devices > Search);
 * - per device, only when a mapping reads `network.*`: `GET /api/mdm/devices/{Id.Value}/network`;
 * - with `dep_uuid`: `GET /api/mdm/dep/groups/{dep_uuid}/devices` once (a plain list, not paged), matched to the
 *   devices by `deviceSerialNumber`.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import type { HttpClientLike, PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { uemPages } from '../workspaceone/index.js';

/** The original's page size (its rows_per_page option was never set). */
export const PAGE_SIZE = 250;

/** A device of the search, as UEM sends it: `Id: {Value: 123}`, `SerialNumber`, `DeviceFriendlyName`, ... */
export type Device = RawRecord & { Id?: { Value?: unknown } | null; SerialNumber?: unknown; DeviceFriendlyName?: unknown };

export function deviceId(d: Device): string | undefined {
  const value = d.Id && typeof d.Id === 'object' ? d.Id.Value : undefined;
  return value === undefined || value === null || value === '' ? undefined : String(value);
}

/** How a device is named in failure reports: `device 1001 (serial "C02XK1")`. */
export function deviceLabel(d: Device): string {
  const serial = typeof d.SerialNumber === 'string' && d.SerialNumber ? ` (serial "${d.SerialNumber}")` : '';
  return `device ${deviceId(d) ?? '(no Id)'}${serial}`;
}

/**
 * True when the network detail call is needed: the original scanned every mapping source (server mappings too)
 * for the text `network.` (KEEP); a mapping of the whole `network` object counts as well.
 */
export function wantsNetwork(fields: readonly string[]): boolean {
  return fields.some((f) => f.includes('network.') || f === 'network');
}

export function devicePages(api: PagingClient, prefetch: number, signal: AbortSignal): AsyncGenerator<Device> {
  return uemPages<Device>(api, { path: '/api/mdm/devices/search', items: 'Devices', pageSize: PAGE_SIZE, sizeParam: 'pagesize', prefetch, signal });
}

/**
 * A device's network details. A device without an id, or one UEM has no network details for (204, 404), gets `{}`
 * as in the original; any other failure is the caller's to report (the original hid it behind `{}`).
 */
export async function networkOf(api: HttpClientLike, d: Device, signal: AbortSignal): Promise<Record<string, unknown>> {
  const id = deviceId(d);
  if (!id) return {};
  const res = await api.request('GET', `/api/mdm/devices/${encodeURIComponent(id)}/network`, { acceptStatus: [404], signal });
  if (res.status === 204 || res.status === 404 || res.text.trim() === '') return {};
  const body = res.json<unknown>();
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** The DEP group's devices by serial number; a group UEM does not know is a config error. */
export async function depDevices(api: HttpClientLike, depUuid: string, section: string, signal: AbortSignal): Promise<Map<string, RawRecord>> {
  const path = `/api/mdm/dep/groups/${encodeURIComponent(depUuid)}/devices`;
  const res = await api.request('GET', path, { acceptStatus: [404], signal });
  if (res.status === 404) {
    throw new ConfigError({ section, key: 'dep_uuid' }, `Workspace ONE UEM has no DEP group "${depUuid}" (HTTP 404 from ${path}; UEM 9.2 or later is needed)`);
  }
  const body = res.status === 204 || res.text.trim() === '' ? [] : res.json<unknown>();
  const list = Array.isArray(body) ? body : (body as { Devices?: unknown } | null)?.Devices;
  if (!Array.isArray(list)) throw new PermanentError(`Workspace ONE UEM answered ${path} without a list of devices`);
  const bySerial = new Map<string, RawRecord>();
  for (const entry of list as RawRecord[]) {
    const serial = entry?.deviceSerialNumber;
    if (typeof serial === 'string' && serial) bySerial.set(serial, entry);
  }
  return bySerial;
}
