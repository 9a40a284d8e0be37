/**
 * `mac_model_from_sn:table=mac-models.csv`: a readable Mac model name ("MacBook Pro (13-inch, 2017)") from the
 * record's `general.serial_number` (Jamf computers), looked up by the serial's model code: the last 3 characters
 * of an 11-character serial, the last 4 of a 12-character one (serials issued since 2021 are random and carry no
 * model code).
 *
 * The original asked an Apple web service for every record; this never calls out. The lookup table is a CSV file
 * the admin keeps (`code,name` per line, e.g. `HV2H,MacBook Pro (13-inch, 2017)`), named by the `table` argument
 * (absolute, or relative to the INI file's folder) and read once, when the config loads: a missing, unreadable or
 * malformed table is a config error at the mapping's line, not a null MODEL in every record. The mapped value
 * (usually hardware.model) is the fallback: it comes back when the serial is empty, carries no model code, the
 * code is not in the table, or no table is given, as it did when the original's web lookup failed. A record
 * without general.serial_number gives null (the original raised there).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ConverterParams } from '../records.js';
import { getPath } from '../records.js';
import { pyStrip } from './python.js';
import { withPrepare, type Converter, type ConverterLoadContext } from './types.js';

const MODEL_CODE = /^[0-9A-Z]{3,4}$/;

/**
 * Reads `code,name` lines; a header line (`code,...`), blank lines and `#` comments are skipped. Throws an Error
 * naming the file (and line) when it cannot be read, has a line that is not `code,name`, or holds no model.
 */
export function loadModelTable(file: string): ReadonlyMap<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a folder' : (err as Error).message;
    throw new Error(`cannot read the model table "${file}": ${why}`);
  }
  const table = new Map<string, string>();
  let first = true;
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, index) => {
    if (!line.trim() || line.startsWith('#')) return;
    const header = first && /^code\s*,/i.test(line);
    first = false;
    if (header) return;
    const comma = line.indexOf(',');
    const code = line.slice(0, comma).trim().toUpperCase();
    const name = line.slice(comma + 1).trim().replace(/^"(.*)"$/, '$1');
    if (comma < 0 || !MODEL_CODE.test(code) || !name) {
      throw new Error(`model table "${file}" line ${index + 1} is not "code,name" with a 3- or 4-character model code: "${line.trim().slice(0, 80)}"`);
    }
    table.set(code, name);
  });
  if (table.size === 0) throw new Error(`model table "${file}" holds no "code,name" lines`);
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

/** The converter for one table (undefined: no table given, the mapped value is kept). */
export function macModelConverter(table: ReadonlyMap<string, string> | undefined): Converter {
  return ({ record, value }) => {
    const serial = getPath(record, 'general.serial_number');
    if (serial === undefined) return null;
    const text = pyStrip(serialText(serial));
    if (!text || !table) return value;
    return macModelForSerial(text, table) ?? value;
  };
}

/** Checks the arguments and reads the table, relative to the INI's folder. */
export function prepareMacModel(params: ConverterParams, ctx: ConverterLoadContext): Converter {
  const unknown = Object.keys(params).filter((k) => k !== 'table');
  if (unknown.length) throw new Error(`mac_model_from_sn takes only table=<file>, not ${unknown.map((k) => `"${k}"`).join(', ')}`);
  if (params.table === undefined) return macModelConverter(undefined);
  if (typeof params.table !== 'string' || !params.table.trim()) throw new Error('mac_model_from_sn: table= needs the path of a code,name CSV file');
  return macModelConverter(loadModelTable(path.resolve(ctx.configDir, params.table.trim())));
}

/**
 * The registry's entry. The config loader prepares every mapping that uses it; a table it was not given at load
 * time is never read from the working directory (where a cron job's cwd would make it silently miss).
 */
export const macModelFromSn = withPrepare(({ record, value, params }) => {
  if (params.table !== undefined) throw new Error('the table= of mac_model_from_sn is read when the config loads; this mapping was not prepared');
  return macModelConverter(undefined)({ field: '', record, value, params });
}, prepareMacModel);
