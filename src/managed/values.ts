/** How the original reads the cloud's flags (managed fact sheet §4): strtobool strings, and a "truthy" set. */

const STRTOBOOL_TRUE = new Set(['y', 'yes', 't', 'true', 'on', '1']);
const STRTOBOOL_FALSE = new Set(['n', 'no', 'f', 'false', 'off', '0']);

/**
 * `insert_only` / `update_only` as the cloud sends them: a string strtobool accepts (any case). A JSON boolean is
 * accepted too (the original crashes on it at the first upload; README lists the difference). Anything else throws.
 */
export function strtobool(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (STRTOBOOL_TRUE.has(v)) return true;
    if (STRTOBOOL_FALSE.has(v)) return false;
  }
  throw new Error(`${name} must be a true/false string (y, yes, t, true, on, 1 / n, no, f, false, off, 0), not ${JSON.stringify(value) ?? 'nothing'}`);
}

const TRUTHY = new Set(['TRUE', 'True', 'true', '1', 'YES', 'Yes', 'yes', 'Y', 'y']);

/** `test_run`, `is_custom`, `overwrite_reports` from the cloud: the original's membership test. */
export function cloudTruthy(value: unknown): boolean {
  return value === true || value === 1 || (typeof value === 'string' && TRUTHY.has(value));
}

/** A flag in config.ini: strtobool's words (any case); anything else is a config error. */
export function parseFlag(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (STRTOBOOL_TRUE.has(v)) return true;
  if (STRTOBOOL_FALSE.has(v)) return false;
  throw new Error(`"${raw}" is not a boolean (use True/False, yes/no, on/off or 1/0)`);
}
