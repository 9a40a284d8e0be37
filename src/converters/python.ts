/**
 * Small helpers that reproduce the Python semantics the original converters rely on (truthiness,
 * int()/float() of text, str.split() without a separator, str.strip()), so a config written for
 * the original gives the same values here.
 */

/** Characters Python's str.isspace() accepts (str.strip/split use them), not the same set as JS `\s`. */
const PY_WHITESPACE = '\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const LEADING_SPACE = new RegExp(`^[${PY_WHITESPACE}]+`);
const TRAILING_SPACE = new RegExp(`[${PY_WHITESPACE}]+$`);
const SPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`);

/** Python `bool(value)`: None, False, 0, '', and empty containers are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'bigint') return value !== 0n;
  if (typeof value === 'string') return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  if (value instanceof Map || value instanceof Set) return value.size > 0;
  if (value instanceof Date) return true;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/**
 * A multi-valued attribute (LDAP gives `string[]`) read as its first value. The original's LDAP reader
 * did this to every attribute but memberOf (an empty list became ''), so its converters only ever saw
 * single values; any other value passes through unchanged.
 */
export function firstValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.length ? value[0] : '';
}

/** Python `str.strip()` with no argument. */
export function pyStrip(text: string): string {
  return text.replace(LEADING_SPACE, '').replace(TRAILING_SPACE, '');
}

/** Python `str.split()` with no separator: runs of whitespace, no empty parts. */
export function pySplitWhitespace(text: string): string[] {
  const stripped = pyStrip(text);
  return stripped ? stripped.split(SPACE_RUN) : [];
}

const INT_TEXT = /^[+-]?\d+(?:_\d+)*$/;
const FLOAT_TEXT = /^[+-]?(?:(?:\d+(?:_\d+)*)(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/;
const FLOAT_SPECIAL = /^[+-]?(?:inf|infinity|nan)$/i;

/**
 * Python `int(value)` as a bigint, or undefined where Python raises. Text: optional sign, digits,
 * `_` between digits, surrounding whitespace. Floats truncate toward zero; True/False are 1/0.
 */
export function pyInt(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'number') return Number.isFinite(value) ? BigInt(Math.trunc(value)) : undefined;
  if (typeof value !== 'string') return undefined;
  const text = pyStrip(value);
  if (!INT_TEXT.test(text)) return undefined;
  return BigInt(text.replace(/_/g, ''));
}

/** Python `float(value)` for numbers and text, or undefined where Python raises (booleans excluded by callers). */
export function pyFloat(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return undefined;
  const text = pyStrip(value);
  if (FLOAT_SPECIAL.test(text)) {
    if (/nan/i.test(text)) return NaN;
    return text.startsWith('-') ? -Infinity : Infinity;
  }
  if (!FLOAT_TEXT.test(text)) return undefined;
  return Number(text.replace(/_/g, ''));
}

/** Python `round()` on a float: halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** A param given as text (`name=value`), or undefined when missing or given as a bare flag. */
export function textParam(params: Record<string, string | true>, name: string): string | undefined {
  const value = params[name];
  return typeof value === 'string' ? value : undefined;
}
