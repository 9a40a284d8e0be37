/**
 * `location:field=<oomnitza field>|label=<oomnitza field>`: translates a location name from the source
 * into the Oomnitza location id (defaults: field=location_id, label=name).
 * The table comes from Oomnitza (GET /api/v3/locations: each location's `label` value -> its `field`
 * value), which a pure converter cannot fetch, so:
 * - `buildLocationTable()` turns that response into the table, as the original did;
 * - `createLocationConverter()` makes the converter from the loaded tables; the core loads one table per
 *   (field, label) pair its mappings use (`locationTableKey()`), before the run;
 * - the registry's `location` has no table, which behaves as the original with zero locations loaded:
 *   the value comes back unchanged.
 * Lookup: a known name gives its id; a value that already is an id (compared in lower case) gives the
 * lower-case id; anything else comes back unchanged and is reported through `onMiss`.
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

/** External location name (the `label` field) -> Oomnitza id (the `field` field). */
export type LocationTable = ReadonlyMap<string, string>;

export interface LocationTableKey {
  idField: string;
  labelField: string;
}

/** Which table a mapping's params select; undefined for `field=` (empty), which the original rejected. */
export function locationTableKey(params: Record<string, string | true>): LocationTableKey | undefined {
  const idField = params.field ?? 'location_id';
  const labelField = params.label ?? 'name';
  if (typeof idField !== 'string' || typeof labelField !== 'string' || !idField) return undefined;
  return { idField, labelField };
}

/** The table from the /api/v3/locations response: locations lacking either field are skipped. */
export function buildLocationTable(locations: unknown, key: LocationTableKey): Map<string, string> {
  const table = new Map<string, string>();
  if (!Array.isArray(locations)) return table;
  for (const location of locations) {
    if (typeof location !== 'object' || location === null) continue;
    const row = location as Record<string, unknown>;
    const id = row[key.idField];
    const label = row[key.labelField];
    if (isTruthy(id) && isTruthy(label)) table.set(String(label), String(id));
  }
  return table;
}

export function createLocationConverter(
  tableFor: (key: LocationTableKey) => LocationTable | undefined,
  onMiss?: (value: string, key: LocationTableKey) => void,
): Converter {
  return ({ value, params }) => {
    const key = locationTableKey(params);
    if (!key) return null;
    const v = firstValue(value);
    if (!isTruthy(v)) return null;
    if (typeof v !== 'string') return null;
    const table = tableFor(key) ?? new Map<string, string>();
    const id = table.get(v);
    if (id !== undefined) return id;
    const lower = v.toLowerCase();
    for (const knownId of table.values()) if (knownId === lower) return lower;
    onMiss?.(v, key);
    return v;
  };
}

export const location: Converter = createLocationConverter(() => undefined);
