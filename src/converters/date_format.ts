/**
 * `date_format`: a date to Unix epoch SECONDS (UTC), the way the original does it (see arrowTime.ts):
 * - text with a space is read as "YYYY-MM-DD HH:mm:ss" (Jamf's report_date, "2016-05-16 10:00:00");
 * - other text: epoch seconds in text, or an ISO-like date ("2016-05-16", "2016-05-16T10:00:00+02:00");
 * - a Date object (SQL Server datetime columns) is converted directly.
 * Anything that does not parse, numbers included, comes back unchanged, as in the original.
 *
 * Addition (the original takes no params, so no existing config is affected):
 * `date_format:format=<strftime>` returns the date as text in that Python strftime format, in UTC,
 * e.g. `date_format:format=%Y-%m-%d` -> "2016-05-16". See strftime.ts for the directives.
 */
import type { Converter } from './types.js';
import { arrowGet, arrowParse, type Instant } from './arrowTime.js';
import { firstValue, textParam } from './python.js';
import { strftime } from './strftime.js';

function toInstant(value: unknown): Instant | undefined {
  if (value instanceof Date) return arrowGet(value);
  if (typeof value !== 'string') return undefined;
  return value.includes(' ') ? arrowParse(value, 'YYYY-MM-DD HH:mm:ss') : arrowGet(value);
}

export const dateFormat: Converter = ({ value, params }) => {
  const v = firstValue(value);
  const instant = toInstant(v);
  if (!instant) return v;
  const format = textParam(params, 'format');
  return format === undefined ? instant.seconds : strftime(instant, format);
};
