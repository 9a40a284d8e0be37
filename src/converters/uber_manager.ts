/**
 * `uber_manager`: the uid at the start of a DN, e.g. a `manager` attribute
 * "uid=jdoe,ou=People,dc=example,dc=com" -> "jdoe". Nothing Uber-specific despite the name, which is
 * kept so the original's configs work. Empty -> null; a DN not starting with uid= comes back unchanged.
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

const UID_AT_START = /^uid=([^,]+)/;

export const uberManager: Converter = ({ value }) => {
  const v = firstValue(value);
  if (!isTruthy(v)) return null;
  if (typeof v !== 'string') return null;
  const match = UID_AT_START.exec(v);
  return match ? match[1] : v;
};
