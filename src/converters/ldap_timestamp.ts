/**
 * `ldap_timestamp`: an Active Directory FILETIME (100-nanosecond intervals since 1601-01-01 UTC, as in
 * lastLogonTimestamp, pwdLastSet, accountExpires) to Unix epoch seconds, floored.
 * - 0 ("never") gives -11644473600, i.e. 1601-01-01, as the original does;
 * - a value past year 9999 (accountExpires = 9223372036854775807, "never expires") gives
 *   253402300799 (9999-12-31T23:59:59), the original's arrow max;
 * - anything that is not an integer, LDAP generalized time ("20240102030405.0Z") included, comes back
 *   unchanged: the original only converts FILETIME values.
 * https://learn.microsoft.com/en-us/windows/win32/adschema/a-lastlogontimestamp
 */
import type { Converter } from './types.js';
import { MAX_SECONDS, MIN_SECONDS } from './arrowTime.js';
import { firstValue, pyInt, roundHalfEven } from './python.js';

const TICKS_PER_SECOND = 10_000_000n;
/** 1601-01-01T00:00:00Z as Unix seconds. */
const FILETIME_EPOCH = -11644473600;

export const ldapTimestamp: Converter = ({ value }) => {
  const v = firstValue(value);
  const ticks = pyInt(v);
  if (ticks === undefined) return v;
  // The original divides in floating point and adds the float seconds to 1601 rounded to microseconds,
  // then floors; whole seconds are kept exact with bigint, the fraction rounded the same way.
  const whole = ticks / TICKS_PER_SECOND;
  const remainder = Number(ticks % TICKS_PER_SECOND) / 1e7;
  const asFloat = Number(whole) + remainder;
  if (!Number.isFinite(asFloat)) return MAX_SECONDS;
  let seconds = Math.floor(asFloat);
  if (roundHalfEven((asFloat - seconds) * 1e6) >= 1e6) seconds += 1;
  const unix = FILETIME_EPOCH + seconds;
  // Out of Python's datetime range the original caught OverflowError and returned arrow's max date.
  if (unix > MAX_SECONDS || unix < MIN_SECONDS) return MAX_SECONDS;
  return unix;
};
