/**
 * `timestamp`: a date to Unix epoch SECONDS (UTC), the way the original's arrow.get() reads it (see
 * arrowTime.ts): numbers and numeric text are epoch seconds (milliseconds are past year 9999 and come
 * back unchanged), ISO-like text is parsed ("2016-05-16T10:00:00-07:00"), a Date is converted.
 * Used by default for KACE's Last_inventory/Last_sync. Values that do not parse come back unchanged.
 */
import type { Converter } from './types.js';
import { arrowGet } from './arrowTime.js';
import { firstValue } from './python.js';

export const timestamp: Converter = ({ value }) => {
  const v = firstValue(value);
  if (v === null || v === undefined) return v;
  return arrowGet(v)?.seconds ?? v;
};
