/**
 * `split_email`: the part of an address before the '@' ("jdoe@example.com" -> "jdoe"); text without
 * '@' comes back whole. Empty values come back unchanged; a non-text value gives null (the original raised there).
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

export const splitEmail: Converter = ({ value }) => {
  const v = firstValue(value);
  if (!isTruthy(v)) return v;
  return typeof v === 'string' ? v.split('@')[0] : null;
};
