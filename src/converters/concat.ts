/**
 * `concat:values=<part>,<part>,...`: joins record fields and quoted literals, e.g.
 * `concat:values=givenName,' ',sn` -> "Jane Doe". A part in single or double quotes is literal text;
 * any other part names a field (stripped of surrounding whitespace; missing -> '').
 * As in the original, the whole result is null when a named field holds something other than text
 * (null, a number) or when `values` is missing or has an empty part ("a,,b").
 */
import type { Converter } from './types.js';
import { getPath } from '../records.js';
import { firstValue, pyStrip, textParam } from './python.js';

/** The text of one part, or undefined when the original would have raised. */
export function partText(record: unknown, part: string): string | undefined {
  if (!part) return undefined;
  const quote = part[0];
  if ((quote === '"' || quote === "'") && part[part.length - 1] === quote) return part.slice(1, -1);
  const found = getPath(record, part);
  const v = found === undefined ? '' : firstValue(found);
  return typeof v === 'string' ? pyStrip(v) : undefined;
}

export const concat: Converter = ({ record, params }) => {
  const values = textParam(params, 'values');
  if (!values) return null;
  const parts: string[] = [];
  for (const part of values.split(',')) {
    const text = partText(record, part);
    if (text === undefined) return null;
    parts.push(text);
  }
  return parts.join('');
};
