/**
 * `mac_model_from_sn:table=/path/to/mac-models.csv`: a readable Mac model name ("MacBook Pro (13-inch, 2017)")
 * from the record's `general.serial_number` (Jamf computers), looked up by the serial's model code: the last 3
 * characters of an 11-character serial, the last 4 of a 12-character one (serials issued since 2021 are random and
 * carry no model code).
 *
 * The original asked an Apple web service for every record; this never calls out. The lookup table is a CSV file
 * the admin keeps (`code,name` per line, e.g. `HV2H,MacBook Pro (13-inch, 2017)`), named by the `table` argument
 * (absolute, or relative to the working directory) and read once per run. The mapped value (usually hardware.model)
 * is the fallback: it comes back when the serial is empty, carries no model code, the code is not in the table, or
 * no table is given, as it did when the original's web lookup failed. A record without general.serial_number gives
 * null (the original raised there).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Converter } from './types.js';
import { getPath } from '../records.js';
import { pyStrip } from './python.js';

const tables = new Map<string, ReadonlyMap<string, string>>();

/** Reads `code,name` lines (a header line, blank lines and `#` comments are skipped); cached per path. */
export function loadModelTable(file: string): ReadonlyMap<string, string> {
  const resolved = path.resolve(file);
  let table = tables.get(resolved);
  if (!table) {
    const map = new Map<string, string>();
    for (const line of fs.readFileSync(resolved, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/)) {
      const comma = line.indexOf(',');
      if (comma < 0 || line.startsWith('#') || /^code\s*,/i.test(line)) continue;
      const code = line.slice(0, comma).trim().toUpperCase();
      const name = line.slice(comma + 1).trim().replace(/^"(.*)"$/, '$1');
      if (/^[0-9A-Z]{3,4}$/.test(code) && name) map.set(code, name);
    }
    table = map;
    tables.set(resolved, table);
  }
  return table;
}

/** The model name for a serial number, or undefined when it has no model code in the table. */
export function macModelForSerial(serial: string, table: ReadonlyMap<string, string>): string | undefined {
  let sn = pyStrip(serial).toUpperCase();
  // A serial scanned from a barcode carries an 'S' prefix (13 characters).
  if (sn.length === 13 && sn.startsWith('S')) sn = sn.slice(1);
  if (sn.length === 12) {
    const model = table.get(sn.slice(8));
    if (model !== undefined) return model;
    // ...or an 11-character serial with the scanned 'S' prefix.
    return sn.startsWith('S') ? table.get(sn.slice(9)) : undefined;
  }
  if (sn.length === 11) return table.get(sn.slice(8));
  return undefined;
}

/** Python's str() of the serial field, as the original looked it up. */
function serialText(serial: unknown): string {
  if (serial === null) return 'None';
  return typeof serial === 'string' ? serial : String(serial);
}

export const macModelFromSn: Converter = ({ record, value, params }) => {
  const serial = getPath(record, 'general.serial_number');
  if (serial === undefined) return null;
  const text = pyStrip(serialText(serial));
  if (!text || typeof params.table !== 'string' || !params.table) return value;
  return macModelForSerial(text, loadModelTable(params.table)) ?? value;
};
