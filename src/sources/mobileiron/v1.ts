/**
 * API v1 (MobileIron Cloud / Ivanti Neurons for MDM), read as the original's latest release does:
 * - `GET /api/v1/tenant/partition/device` -> `result.searchResults[{id, name}]`; a partition is read when
 *   `partitions` is "All" or its name appears in the setting's text (KEEP: the original never parsed the JSON, so
 *   "Drivers" also selects a partition named "Driver"; matching names exactly would change which devices sync);
 * - per partition `GET /api/v1/device?dmPartitionId=&rows=500&start=N&sortFields[0].name=lastCheckin&sortFields[0].order=DESC`,
 *   N advancing by the page's length until it reaches the first page's `totalCount`; with
 *   include_checkin_devices_only, devices whose `lastCheckin` (ms) is older than the threshold are left out and the
 *   first page with none left ends the partition (the list is newest first, so the rest is older);
 * - each device gets `primaryHDDSize`, `primaryProcessorName`, `primaryProcessorCores`, `primaryMemoryCapacity`
 *   (null), filled for Windows devices (`windowsDeviceType` set) from `GET /api/v1/device/{id}/hardwareinventory`,
 *   which also gives their `serialNumber` (computerSystemProduct.identifyingNumber).
 */
import { PermanentError } from '../../errors.js';
import { paginate, type HttpClientLike, type PagingClient, type Strategy } from '../../http/index.js';
import type { RawRecord } from '../types.js';

/** The most MobileIron Cloud returns per page (a larger `rows` is a 400), and the original's page size. */
export const ROWS = 500;

export interface Partition {
  id: string | number;
  name: string;
}

export async function partitions(api: HttpClientLike, signal: AbortSignal): Promise<Partition[]> {
  const res = await api.request('GET', '/api/v1/tenant/partition/device', { signal });
  const list = res.json<{ result?: { searchResults?: unknown } }>()?.result?.searchResults;
  if (!Array.isArray(list)) throw new PermanentError('MobileIron answered /api/v1/tenant/partition/device without result.searchResults');
  return (list as Array<Record<string, unknown>>).map((p) => ({ id: p.id as string | number, name: String(p.name ?? '') }));
}

/** The original's test, kept: "All", or the name is a substring of the raw setting. */
export function partitionWanted(setting: string, name: string): boolean {
  return setting === 'All' || setting.includes(name);
}

/** Whether a device's lastCheckin (epoch ms, a whole number) is recent enough; `cutoffMs` undefined keeps all. */
export function checkedInSince(device: RawRecord, cutoffMs: number | undefined): boolean {
  if (cutoffMs === undefined) return true;
  const at = device.lastCheckin;
  return typeof at === 'number' && Number.isInteger(at) && at >= cutoffMs;
}

/** `start` advances by the page's length (the API's `offset` does not page, the original notes) until totalCount. */
function startRows(): Strategy {
  let total = 0;
  return {
    inject: 'start',
    first: 0,
    always: [{ place: 'rows', value: ROWS }],
    next(page) {
      if (page.index === 0) total = Number((page.body as { result?: { totalCount?: unknown } })?.result?.totalCount ?? 0);
      const start = Number(page.token ?? 0) + page.items.length;
      return page.items.length > 0 && start < total ? start : undefined;
    },
  };
}

/** The devices of one partition, newest check-in first, without the stale ones. */
export async function* partitionDevices(api: PagingClient, partition: Partition, cutoffMs: number | undefined, signal: AbortSignal): AsyncGenerator<RawRecord> {
  const pages = paginate<RawRecord>(api, {
    path: '/api/v1/device',
    query: { dmPartitionId: partition.id, 'sortFields[0].name': 'lastCheckin', 'sortFields[0].order': 'DESC' },
    items: 'result.searchResults',
    strategy: startRows(),
    // The first page with no recent device ends the partition, as in the original.
    stop: (page) => cutoffMs !== undefined && !page.items.some((d) => checkedInSince(d, cutoffMs)),
    signal,
  });
  for await (const d of pages) if (checkedInSince(d, cutoffMs)) yield d;
}

export function isWindows(device: RawRecord): boolean {
  return Boolean(device.windowsDeviceType);
}

const first = (list: unknown): Record<string, unknown> | undefined => {
  const item = Array.isArray(list) ? list[0] : undefined;
  return item && typeof item === 'object' ? (item as Record<string, unknown>) : undefined;
};

/** The device with the original's four hardware fields, filled from its hardware inventory when it has one. */
export async function withHardware(api: HttpClientLike, device: RawRecord, signal: AbortSignal): Promise<RawRecord> {
  const out: RawRecord = { ...device, primaryHDDSize: null, primaryProcessorName: null, primaryProcessorCores: null, primaryMemoryCapacity: null };
  if (!isWindows(device) || !device.id) return out;
  const res = await api.request('GET', `/api/v1/device/${encodeURIComponent(String(device.id))}/hardwareinventory`, { acceptStatus: [404], signal });
  // No inventory yet (404, or an empty result): the placeholders stay, as in the original.
  const hw = res.status === 404 || res.text.trim() === '' ? undefined : res.json<{ result?: Record<string, unknown> | null }>()?.result;
  if (!hw || typeof hw !== 'object') return out;
  const cpu = first(hw.processor);
  out.primaryProcessorName = cpu?.name ?? null;
  out.primaryProcessorCores = cpu?.cores ?? null;
  out.primaryHDDSize = first(hw.hardDrive)?.size ?? null;
  out.primaryMemoryCapacity = first(hw.physicalMemory)?.capacity ?? null;
  const product = hw.computerSystemProduct as { identifyingNumber?: unknown } | undefined;
  // FIX: the original set serialNumber to null when the inventory had no computerSystemProduct.
  if (product && typeof product === 'object' && product.identifyingNumber) out.serialNumber = product.identifyingNumber;
  return out;
}
