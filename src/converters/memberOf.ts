/**
 * `memberOf:<text>=<result>|...|default=<result>`: the result of the first param whose text occurs in
 * the value, otherwise `default` (or null). Params are tried in the order written, e.g.
 * `memberOf:Domain Admins=Administrator|Staff=Employee|default=Guest`. The text cannot contain '='
 * (the first '=' ends it) and matches anywhere, so "Admins" also matches "CN=Admins Helpers,...".
 * A value given as a list (LDAP's multi-valued memberOf: one group DN per entry) matches when any entry
 * contains the text. The original tested list entries for equality with the text, which a group DN
 * (it always contains '=') could never satisfy; every exact match still matches here.
 * A bare flag param (`memberOf:Admins`) returns true when it matches, as in the original.
 */
import type { Converter } from './types.js';

function contains(value: unknown, text: string): boolean | undefined {
  if (typeof value === 'string') return value.includes(text);
  if (Array.isArray(value)) return value.some((entry) => typeof entry === 'string' && entry.includes(text));
  // Python's `in` on a dict tests its keys.
  if (typeof value === 'object' && value !== null) return Object.prototype.hasOwnProperty.call(value, text);
  return undefined;
}

export const memberOf: Converter = ({ value, params }) => {
  const { default: fallback, ...searches } = params;
  const fallbackValue = fallback ?? null;
  for (const [text, result] of Object.entries(searches)) {
    const found = contains(value, text);
    // The original raised on a value it could not search (None, a number) and the pipeline gave null.
    if (found === undefined) return null;
    if (found) return result;
  }
  return fallbackValue;
};
