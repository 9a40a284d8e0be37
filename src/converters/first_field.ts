/**
 * `first_field:fields=<field>,<field>,...`: the mapped value when it is not empty, otherwise the first
 * listed field with non-blank text (stripped), otherwise null. e.g. `first_field:fields=mail,userPrincipalName`.
 * As in the original, a listed field holding something other than text (null, a number) ends the
 * search with null.
 */
import type { Converter } from './types.js';
import { getPath } from '../records.js';
import { firstValue, isTruthy, pyStrip, textParam } from './python.js';

export const firstField: Converter = ({ record, value, params }) => {
  const own = firstValue(value);
  if (isTruthy(own)) return own;
  const fields = textParam(params, 'fields');
  if (!fields) return null;
  for (const field of fields.split(',')) {
    const found = getPath(record, field);
    const v = found === undefined ? '' : firstValue(found);
    if (typeof v !== 'string') return null;
    const text = pyStrip(v);
    if (text) return text;
  }
  return null;
};
