/**
 * API v2 (MobileIron Core), read as the original does: the admin's device spaces (`GET /api/v2/device_spaces/mine`
 * -> `results[].id`), per space its device fields (`GET /api/v2/device_spaces/criteria?adminDeviceSpaceId=` ->
 * `results[].name`), then `GET /api/v2/devices?adminDeviceSpaceId=&fields=<csv>&labelId=-1&limit=50&offset=N`
 * until `hasMore` is false (https://help.ivanti.com/mi/help/en_us/CORE/10.8.0.0/api2/Content/APIv2/APIv2Devices.htm).
 * Records are Core's flat objects with dotted keys (`common.SerialNumber`, `ios.DeviceName`, `user.email_address`),
 * which mappings read whole.
 */
import { PermanentError } from '../../errors.js';
import { offsetLimit, paginate, type HttpClientLike, type PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';

/** The original's page size. */
export const LIMIT = 50;

function results(body: unknown, path: string): Array<Record<string, unknown>> {
  const list = (body as { results?: unknown } | null)?.results;
  if (!Array.isArray(list)) throw new PermanentError(`MobileIron Core answered ${path} without a results list`);
  return list as Array<Record<string, unknown>>;
}

export async function spaces(api: HttpClientLike, signal: AbortSignal): Promise<string[]> {
  const path = '/api/v2/device_spaces/mine';
  return results((await api.request('GET', path, { signal })).json(), path).map((s) => String(s.id));
}

/** The space's fields (FIX: the original asked for the first space's only and reused them for the others). */
export async function spaceFields(api: HttpClientLike, space: string, signal: AbortSignal): Promise<string[]> {
  const path = '/api/v2/device_spaces/criteria';
  const res = await api.request('GET', path, { query: { adminDeviceSpaceId: space }, signal });
  return results(res.json(), path).map((f) => String(f.name));
}

export function spaceDevices(api: PagingClient, space: string, fields: string[], signal: AbortSignal, limit = LIMIT): AsyncGenerator<RawRecord> {
  return paginate<RawRecord>(api, {
    path: '/api/v2/devices',
    query: { adminDeviceSpaceId: space, fields: fields.join(','), labelId: -1 },
    items: 'results',
    strategy: offsetLimit({ pageSize: limit, until: 'empty' }),
    stop: (page) => (page.body as { hasMore?: unknown } | undefined)?.hasMore !== true,
    signal,
  });
}
