/**
 * `capitalize`: first character in title case, the rest lower case (Python 3 `str.capitalize()`:
 * "hELLO wORLD" -> "Hello world", "ßx" -> "Ssx"). Empty or non-text values come back unchanged.
 */
import type { Converter } from './types.js';
import { firstValue, isTruthy } from './python.js';

/** Letters whose title case is not their upper case: the Latin digraphs (Unicode "Lt" characters). */
const TITLE_CASE: Record<string, string> = {
  'Ǆ': 'ǅ', 'ǅ': 'ǅ', 'ǆ': 'ǅ',
  'Ǉ': 'ǈ', 'ǈ': 'ǈ', 'ǉ': 'ǈ',
  'Ǌ': 'ǋ', 'ǋ': 'ǋ', 'ǌ': 'ǋ',
  'Ǳ': 'ǲ', 'ǲ': 'ǲ', 'ǳ': 'ǲ',
};

function titleCase(char: string): string {
  const special = TITLE_CASE[char];
  if (special) return special;
  const upper = char.toUpperCase();
  // 'ß' -> 'SS' and 'ﬁ' -> 'FI' expand; their title case keeps only the first letter capital ('Ss', 'Fi').
  return upper.length > 1 && [...upper].length > 1 ? upper[0] + upper.slice(1).toLowerCase() : upper;
}

export const capitalize: Converter = ({ value }) => {
  const v = firstValue(value);
  if (!isTruthy(v) || typeof v !== 'string') return v;
  // The first code point, so an astral character is not split in half (a lone surrogate counts as one, as the
  // string iterator has it); slicing instead of spreading into code points: measured, issue 19.
  const n = v.codePointAt(0)! > 0xffff ? 2 : 1;
  return titleCase(v.slice(0, n)) + v.slice(n).toLowerCase();
};
