/**
 * Making text that someone else wrote safe to put in a log line: a snippet's error message, a value a
 * converter returned, a record id built from source data. Without this, a newline in such text starts a new
 * log line that can pass for one of ours (a forged summary), and ANSI or bidi control characters rewrite what
 * a terminal shows. Leaf module: no imports.
 */

/** Longest piece of foreign text put in one log line; longer text is cut and says how much was cut. */
export const MAX_LOGGED_TEXT = 300;

/**
 * What is escaped: C0 controls (newline, ESC, ...), DEL, C1 controls (U+0080-U+009F, e.g. the one-byte CSI),
 * the Unicode line and paragraph separators, bidirectional overrides and isolates, and lone surrogates
 * (which a UTF-8 log file cannot hold).
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const UNSAFE_OR_QUOTE = new RegExp(`${UNSAFE.source}|["\\\\]`, 'g');

const SHORT_ESCAPES: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '"': '\\"', '\\': '\\\\' };

function escapeChar(c: string): string {
  return SHORT_ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** The start of `text` that fits in `max`, and how many characters were left out (`length`: of the whole text, when `text` is already the start of a longer one). */
function cut(text: string, max: number, length = text.length): { kept: string; omitted: string } {
  const kept = text.length > max ? text.slice(0, max) : text;
  const more = Math.max(length, text.length) - kept.length;
  return { kept, omitted: more > 0 ? `...(${more} more characters)` : '' };
}

/**
 * Foreign text in double quotes, as one line: quotes and backslashes inside are escaped, so where the foreign
 * part ends is never in doubt. Use it for text that is entirely someone else's (a snippet's error message).
 * `length`: of the whole text, when `text` is already the start of a longer one.
 */
export function quoteForLog(text: string, max = MAX_LOGGED_TEXT, length?: number): string {
  const { kept, omitted } = cut(String(text), max, length);
  return `"${kept.replace(UNSAFE_OR_QUOTE, escapeChar)}"${omitted}`;
}

/**
 * Text that mixes our words with foreign parts (a failure reason, a record id), made one line: controls
 * escaped, length capped, quotes left alone (the foreign parts in it should already be quoted).
 */
export function escapeForLog(text: string, max = MAX_LOGGED_TEXT): string {
  const { kept, omitted } = cut(String(text), max);
  return kept.replace(UNSAFE, escapeChar) + omitted;
}
