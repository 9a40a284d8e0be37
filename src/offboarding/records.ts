/** A record's key in the state (its sync_field values), and the update-only record that retires it. */

function blank(v: unknown): boolean {
  return v === null || v === undefined || v === '';
}

/**
 * The JSON array of the record's sync_field values, types kept (so that a retired record carries them as they were
 * pushed); undefined when every value is empty: such a record cannot be found in Oomnitza, so it is not tracked.
 */
export function keyOf(payload: Record<string, unknown>, syncFields: string[]): string | undefined {
  const values = syncFields.map((f) => (payload[f] === undefined ? null : payload[f]));
  if (values.every(blank)) return undefined;
  return JSON.stringify(values);
}

export function retiredRecord(key: string, syncFields: string[], mapping: Record<string, unknown>): Record<string, unknown> {
  const values = JSON.parse(key) as unknown[];
  const record: Record<string, unknown> = {};
  syncFields.forEach((f, i) => (record[f] = values[i] ?? null));
  // The sync fields identify the record: the mapping cannot overwrite them.
  for (const [field, value] of Object.entries(mapping)) if (!syncFields.includes(field)) record[field] = value;
  return record;
}
