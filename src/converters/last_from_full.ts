/**
 * `last_from_full`: the last word of a full name, split on single spaces ("Jane Q Doe" -> "Doe").
 * Empty values come back unchanged; a non-text value gives null (the original raised there).
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

export const lastFromFull: Converter = ({ value }) => {
  const v = firstValue(value);
  if (!isTruthy(v)) return v;
  if (typeof v !== 'string') return null;
  const parts = v.split(' ');
  return parts[parts.length - 1];
};
