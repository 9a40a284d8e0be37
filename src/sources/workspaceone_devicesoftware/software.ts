/**
 * The software of [workspaceone_devicesoftware] (each endpoint's version 1, as the original):
 * - managed: the app catalogue `GET /api/mam/apps/search?page=N&pageSize=100` (`Application[]`, until a 204), then
 *   per app `GET /api/mam/apps/{Uuid}/devices?isinstalled=true` (`devices[].device_uuid`): which devices have it;
 * - installed: per device `GET /api/mdm/devices/{Uuid}/apps/search?page=N&pageSize=100` until a 204 or an empty
 *   `app_items` (this endpoint ends with a 200, not a 204).
 * Entries keep the original's shape and key order: managed `{name, version, bundle_id, path: null}`, installed
 * `{version, name, bundle_id, path: null}`.
 */
import type { HttpClientLike, PagingClient } from '../../http/index.js';
import { PermanentError } from '../../errors.js';
import type { RawRecord } from '../types.js';
import { uemPages } from '../workspaceone/index.js';

export const PAGE_SIZE = 100;

export interface Software {
  name: unknown;
  version: unknown;
  bundle_id: unknown;
  path: null;
}

export interface SoftwareFilters {
  /** ignore_apple: leave out bundle ids containing "com.apple.". */
  ignoreApple: boolean;
  /** default_versioning: an empty version becomes "0.0". */
  defaultVersioning: boolean;
}

export const DEFAULT_VERSION = '0.0';

const isApple = (bundleId: unknown) => typeof bundleId === 'string' && bundleId.includes('com.apple.');
/** A key's value, or '' when the key is absent (a null stays null, as the original's dict.get(key, '')). */
const field = (o: Record<string, unknown> | null | undefined, key: string): unknown => (o && Object.hasOwn(o, key) ? o[key] : '');
const versioned = (version: unknown, f: SoftwareFilters) => (f.defaultVersioning && !version ? DEFAULT_VERSION : version);

/** A device of the search: `Uuid` is a string, or `{Value}` on some UEM versions. */
export type Device = RawRecord & { Uuid?: unknown; Id?: { Value?: unknown } | null; SerialNumber?: unknown };

export function deviceUuid(d: Device): string | undefined {
  const raw = d.Uuid && typeof d.Uuid === 'object' ? (d.Uuid as { Value?: unknown }).Value : d.Uuid;
  return typeof raw === 'string' && raw !== '' ? raw : undefined;
}

/** How a device is named in failure reports: `device 0c6c1e4a-... (serial "C02XK1")`. */
export function deviceLabel(d: Device): string {
  const id = deviceUuid(d) ?? (d.Id && typeof d.Id === 'object' && d.Id.Value !== undefined ? `id ${String(d.Id.Value)}` : '(no Uuid)');
  const serial = typeof d.SerialNumber === 'string' && d.SerialNumber ? ` (serial "${d.SerialNumber}")` : '';
  return `device ${id}${serial}`;
}

export function devicePages(api: PagingClient, prefetch: number, signal: AbortSignal): AsyncGenerator<Device> {
  return uemPages<Device>(api, { path: '/api/mdm/devices/search', items: 'Devices', pageSize: PAGE_SIZE, sizeParam: 'pageSize', prefetch, signal });
}

type CatalogueApp = Record<string, unknown> & { Uuid?: unknown; BundleId?: unknown };

/** The managed app catalogue by app Uuid, filtered; apps without a Uuid are counted (they cannot be placed). */
export async function appCatalogue(api: PagingClient, f: SoftwareFilters, prefetch: number, signal: AbortSignal): Promise<{ apps: Map<string, Software>; withoutUuid: number }> {
  const apps = new Map<string, Software>();
  let withoutUuid = 0;
  for await (const app of uemPages<CatalogueApp>(api, { path: '/api/mam/apps/search', items: 'Application', pageSize: PAGE_SIZE, sizeParam: 'pageSize', prefetch, signal })) {
    if (typeof app?.Uuid !== 'string' || app.Uuid === '') {
      withoutUuid++;
      continue;
    }
    if (f.ignoreApple && isApple(app.BundleId)) continue;
    apps.set(app.Uuid, { name: field(app, 'ApplicationName'), version: versioned(field(app, 'AppVersion'), f), bundle_id: field(app, 'BundleId'), path: null });
  }
  return { apps, withoutUuid };
}

/** The device Uuids that have one app installed (`devices[].device_uuid`; a 204 is none). */
export async function devicesWithApp(api: HttpClientLike, appUuid: string, signal: AbortSignal): Promise<string[]> {
  const path = `/api/mam/apps/${encodeURIComponent(appUuid)}/devices`;
  const res = await api.request('GET', path, { query: { isinstalled: true }, signal });
  if (res.status === 204 || res.text.trim() === '') return [];
  const devices = res.json<{ devices?: unknown } | null>()?.devices;
  if (devices === undefined || devices === null) return [];
  if (!Array.isArray(devices)) throw new PermanentError(`Workspace ONE UEM answered ${path} with "devices" that is not a list`);
  return devices.map((d) => (d as { device_uuid?: unknown })?.device_uuid).filter((u): u is string => typeof u === 'string' && u !== '');
}

type InstalledApp = Record<string, unknown> & { bundle_id?: unknown };

/** A device's installed apps, every page of them. */
export async function installedApps(api: PagingClient, uuid: string, f: SoftwareFilters, signal: AbortSignal): Promise<Software[]> {
  const out: Software[] = [];
  const path = `/api/mdm/devices/${encodeURIComponent(uuid)}/apps/search`;
  for await (const app of uemPages<InstalledApp>(api, { path, items: 'app_items', pageSize: PAGE_SIZE, sizeParam: 'pageSize', signal })) {
    if (f.ignoreApple && isApple(app?.bundle_id)) continue;
    out.push({ version: versioned(field(app, 'installed_version'), f), name: field(app, 'name'), bundle_id: field(app, 'bundle_id'), path: null } as Software);
  }
  return out;
}
