/**
 * `mac_model_from_sn`: a readable Mac model name ("MacBook Pro (Retina, 13-inch, Early 2015)") from the
 * record's `general.serial_number` (Jamf computers), looked up by the serial's model code in an offline
 * table (macModelCodes.ts). The mapped value (usually hardware.model) is the fallback: it comes back
 * when the serial is empty or its model code is unknown, as it did when the original's web lookup failed.
 * A record without general.serial_number gives null (the original raised there). No network, ever.
 */
import type { Converter } from './types.js';
import { getPath } from '../pipeline/mapping.js';
import { MAC_MODEL_CODES } from './macModelCodes.js';
import { pyStrip } from './python.js';

let modelByCode: Map<string, string> | undefined;

/** Built on first use: the table is only needed by Jamf mappings that name this converter. */
function modelTable(): Map<string, string> {
  if (!modelByCode) {
    modelByCode = new Map();
    for (const [name, codes] of MAC_MODEL_CODES) for (const code of codes.split(' ')) modelByCode.set(code, name);
  }
  return modelByCode;
}

/** The model name for a serial number, or undefined when it has no known model code. */
export function macModelForSerial(serial: string): string | undefined {
  let sn = pyStrip(serial).toUpperCase();
  // A serial scanned from a barcode carries an 'S' prefix (13 characters).
  if (sn.length === 13 && sn.startsWith('S')) sn = sn.slice(1);
  const table = modelTable();
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

export const macModelFromSn: Converter = ({ record, value }) => {
  const serial = getPath(record, 'general.serial_number');
  if (serial === undefined) return null;
  const text = pyStrip(serialText(serial));
  if (!text) return value;
  return macModelForSerial(text) ?? value;
};
