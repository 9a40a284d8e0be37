/**
 * Text an outsider chose (a URL path, an event name, a parser's message quoting the body) on its way into a log
 * line. Raw, it could forge lines (a newline followed by a fake summary), repaint a terminal (ANSI escapes) or
 * fill the disk; here it is capped and every control character is escaped, so one value stays one short field.
 */

/** Longest outsider value in a log line, in characters (before escaping). */
export const MAX_LOGGED_CHARS = 120;

/** C0 and C1 controls, DEL, Unicode line/paragraph separators and bidirectional overrides, quotes and backslash. */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069"\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

function escapeChar(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

function codePoints(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** `text` with every unsafe character escaped and at most `max` characters kept ("...(+N chars)" says how many were cut). */
export function escapeForLog(text: string, max = MAX_LOGGED_CHARS): string {
  // Counted in code points, so a cut never splits an emoji; a huge value is never spread whole into an array.
  const total = text.length > max ? codePoints(text) : text.length;
  const kept = total > max ? [...text.slice(0, max * 2)].slice(0, max).join('') : text;
  const cut = total > max ? `...(+${total - max} chars)` : '';
  return kept.replace(UNSAFE, escapeChar) + cut;
}

/** `text` escaped, capped and in double quotes: a value that visibly begins and ends. */
export function quoteForLog(text: string, max = MAX_LOGGED_CHARS): string {
  return `"${escapeForLog(text, max)}"`;
}
