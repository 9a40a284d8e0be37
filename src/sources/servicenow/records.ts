/**
 * The record shape of the original [servicenow]: rows read with `sysparm_display_value=all` carry every field as
 * `{display_value, value}`, and the original kept the display value (reference fields become display names, not
 * sys_ids), so mappings written for it read `hardware.<field>` as text. Installed software is a list of
 * `{name, version, path: null}` (default mapping APPLICATIONS <- software).
 */
import type { PagingClient } from '../../http/index.js';
import type { RawRecord } from '../types.js';
import { tableRows } from './tableApi.js';

/** A field as the Table API sends it with display_value=all. */
type Field = { display_value?: unknown; value?: unknown } | unknown;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The field's internal value (`value`), or the field itself when it is not a `{display_value, value}` pair. */
export function rawValue(field: Field): unknown {
  return isObject(field) ? field.value : field;
}

/** Every object-valued field replaced by its display value (null when it has none), as the original flattened rows. */
export function flatten(row: RawRecord): RawRecord {
  const out: RawRecord = {};
  for (const [key, value] of Object.entries(row)) out[key] = isObject(value) ? (value.display_value ?? null) : value;
  return out;
}

/** The date fields the original rewrote to ISO 8601 for Oomnitza (display formats differ per user). */
export const DATE_FIELDS = ['sys_created_on', 'warranty_expiration'] as const;

const DATE = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * A date or date-time as ISO 8601 with its offset, as the original's `str(arrow.get(value))` wrote it:
 * `2019-01-15 10:30:00` -> `2019-01-15T10:30:00+00:00`, `2021-03-01` -> `2021-03-01T00:00:00+00:00`.
 * Undefined when the text is not such a date.
 */
export function isoDate(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [, day, hh = '00', mm = '00', ss = '00', fraction = '', zone] = m;
  const micro = fraction ? `.${fraction.slice(1).padEnd(6, '0').slice(0, 6)}` : '';
  const offset = !zone || zone.toUpperCase() === 'Z' ? '+00:00' : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${day}T${hh}:${mm}:${ss}${micro}${offset}`;
}

/**
 * The flattened row with its date fields in ISO 8601. The date is read from the field's internal value (UTC, always
 * `yyyy-MM-dd HH:mm:ss`), not from the display value the original parsed, which is in the API user's time zone and
 * date format (so the original was off by that zone, or failed on a non-ISO format). A value that still does not
 * parse is kept as it is.
 */
export function withIsoDates(row: RawRecord, flat: RawRecord): RawRecord {
  for (const key of DATE_FIELDS) {
    if (!flat[key]) continue;
    const raw = rawValue(row[key]);
    const iso = typeof raw === 'string' && raw ? isoDate(raw) : undefined;
    const shown = typeof flat[key] === 'string' ? isoDate(flat[key] as string) : undefined;
    flat[key] = iso ?? shown ?? flat[key];
  }
  return flat;
}

/** One installed software entry, as the original built it. */
export interface Software {
  name: unknown;
  version: unknown;
  path: null;
}

/**
 * The software installed on a CI: `cmdb_software_instance` rows with `installed_on` = the CI (raw values, dot-walked
 * to the software's name and version), paged and, unlike the original, ordered by sys_id so that pages do not overlap.
 */
export async function softwareOf(api: PagingClient, ci: string, pageSize: number, signal: AbortSignal): Promise<Software[]> {
  const out: Software[] = [];
  for await (const row of tableRows(api, { table: 'cmdb_software_instance', query: `installed_on=${ci}`, fields: 'software.version,software.name', pageSize, signal })) {
    const flat = flatten(row);
    out.push({ name: flat['software.name'] ?? null, version: flat['software.version'] ?? null, path: null });
  }
  return out;
}
