/**
 * `first_from_full`: the first word of a full name, split on single spaces ("Jane Q Doe" -> "Jane").
 * Empty values come back unchanged; a non-text value gives null (the original raised there).
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

export const firstFromFull: Converter = ({ value }) => {
  const v = firstValue(value);
  if (!isTruthy(v)) return v;
  return typeof v === 'string' ? v.split(' ')[0] : null;
};
