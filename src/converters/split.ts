/**
 * `split:on=<text>|index=<n>`: one part of the value split on `on` (Python indexing: 0 is the first
 * part, -1 the last). Without `on`, splits on runs of whitespace, as Python's str.split() does.
 * e.g. `split:on=@|index=1` on "jdoe@example.com" -> "example.com". Whenever the split cannot be done (index out
 * of range or not a number, empty `on`, a non-text value) the value comes back unchanged.
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy, pyInt, pySplitWhitespace } from './python.js';

/**
 * `index` parsed once per text: a mapping calls split with the same params for every record (measured, issue 19).
 * Kept as a number: no text has 2^53 parts, so an index beyond that is simply out of range (Infinity), and number
 * arithmetic spares a BigInt per call. Bounded: the texts are the config's, but a caller could pass any.
 */
const parsedIndex = new Map<string | true, number | undefined>();
function indexOf(text: string | true): number | undefined {
  if (parsedIndex.has(text)) return parsedIndex.get(text);
  if (parsedIndex.size >= 64) parsedIndex.clear();
  const big = pyInt(text);
  const index = big === undefined ? undefined : big > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : big < BigInt(Number.MIN_SAFE_INTEGER) ? -Infinity : Number(big);
  parsedIndex.set(text, index);
  return index;
}

export const split: Converter = ({ value, params }) => {
  const v = firstValue(value);
  if (!isTruthy(v) || typeof v !== 'string') return v;
  const on = params.on;
  // int(True) is 1 in Python, so a bare `index` flag means index 1, as it did in the original.
  const index = params.index === undefined ? 0 : indexOf(params.index);
  if (index === undefined || on === true || on === '') return v;
  const parts = on === undefined ? pySplitWhitespace(v) : v.split(on);
  const at = index < 0 ? parts.length + index : index;
  if (!(at >= 0 && at < parts.length)) return v;
  return parts[at];
};
