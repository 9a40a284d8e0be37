/**
 * What [servicenow] builds per asset, with the calls of the original (all with sysparm_display_value=all, flattened):
 * 1. the asset's CI in `cmdb_ci_computer` (`sys_id={ci}`, sixteen fields), its dates in ISO 8601;
 * 2. for a hardware asset (`sys_class_name` alm_hardware), its own `alm_hardware` row, of which the `u_*` fields
 *    (custom attributes) are kept;
 * 3. the software installed on the CI.
 * Record: `{hardware: asset fields, overwritten by the computer's, then by the u_* fields; software: [...]}`.
 */
import type { PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { flatten, rawValue, softwareOf, withIsoDates } from './records.js';
import { firstRow } from './tableApi.js';

/** The computer fields the original asked for; an asset without a computer CI gets them as ''. */
export const COMPUTER_FIELDS = [
  'manufacturer', 'model_number', 'operational_status', 'hardware_status', 'ip_address', 'cpu_name', 'cpu_speed', 'cpu_count',
  'os', 'os_version', 'disk_space', 'ram', 'sys_created_on', 'mac_address', 'warranty_expiration', 'model_id',
] as const;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The asset's CI sys_id (`ci.value`), if it has one. */
export const ciOf = (asset: RawRecord): string | undefined => text(rawValue(asset.ci));

/** How failure reports name an asset: `asset 9d3c... (tag "P1000123")`. */
export function assetLabel(asset: RawRecord): string {
  const tag = text(rawValue(asset.asset_tag));
  return `asset ${text(rawValue(asset.sys_id)) ?? '(no sys_id)'}${tag ? ` (tag "${tag}")` : ''}`;
}

export interface AssetReader {
  api: PagingClient;
  pageSize: number;
  signal: AbortSignal;
}

/**
 * The computer fields for the asset's CI, or '' for each when it has no CI or the CI is not a computer. The
 * original set those blanks over the asset's own fields, wiping its `sys_created_on` and `warranty_expiration`
 * (FIX): here a blank only fills a field the asset does not have.
 */
async function computerOf(r: AssetReader, ci: string | undefined): Promise<RawRecord | undefined> {
  if (!ci) return undefined;
  const row = await firstRow(r.api, { table: 'cmdb_ci_computer', query: `sys_id=${ci}`, displayValue: 'all', fields: COMPUTER_FIELDS.join(','), signal: r.signal });
  return row && withIsoDates(row, flatten(row));
}

/**
 * The custom `u_*` attributes of a hardware asset, from its own alm_hardware row (an alm_hardware row is the alm_asset
 * row, so it shares the sys_id). The original looked the row up by `ci={ci}` instead, which picks another asset's
 * row when assets share a CI and none for an asset without a CI (FIX).
 */
async function customHardwareOf(r: AssetReader, asset: RawRecord): Promise<RawRecord> {
  const id = text(rawValue(asset.sys_id));
  if (rawValue(asset.sys_class_name) !== 'alm_hardware' || !id) return {};
  const row = await firstRow(r.api, { table: 'alm_hardware', query: `sys_id=${id}`, displayValue: 'all', signal: r.signal });
  return row ? Object.fromEntries(Object.entries(flatten(row)).filter(([k]) => k.startsWith('u_'))) : {};
}

export async function assetRecord(r: AssetReader, asset: RawRecord): Promise<RawRecord> {
  const ci = ciOf(asset);
  const [computer, custom, software] = await Promise.all([
    computerOf(r, ci),
    customHardwareOf(r, asset),
    ci ? softwareOf(r.api, ci, r.pageSize, r.signal) : Promise.resolve([]),
  ]);
  const own = withIsoDates(asset, flatten(asset));
  const blanks = Object.fromEntries(COMPUTER_FIELDS.map((f) => [f, '']));
  const hardware = computer ? { ...own, ...computer, ...custom } : { ...blanks, ...own, ...custom };
  return { hardware, software };
}
