/**
 * How the original turns dates into epoch seconds: the Python library arrow, pinned at 0.12.1 in its
 * requirements.txt. Its parser is lenient in ways admins' data depends on, so the rules are kept:
 * - a number, or text that Python's float() accepts, is epoch SECONDS in UTC (milliseconds land past
 *   year 9999 and fail; there is no seconds/milliseconds guessing in 0.12.1);
 * - other text is "ISO-like": formats are chosen from the text's shape (date only; date and time with
 *   'T' or ' '; seconds; fraction; +hh:mm offset) and matched with a regex SEARCH, so text before or after
 *   the match is ignored ("2016-05-16T10:00:00Z" parses, the Z is ignored and UTC assumed);
 * - without an offset the time is UTC;
 * - a date that matches a format but is impossible (month 13) fails instead of trying the next format.
 * Source: arrow 0.12.1 arrow/parser.py (DateTimeParser.parse_iso, _parse_token) and arrow/factory.py (get).
 */
import { pyFloat, roundHalfEven } from './python.js';

/** A UTC instant as Python's datetime holds it: whole seconds since the epoch plus microseconds. */
export interface Instant {
  /** Unix seconds, floored: what arrow's `.timestamp` returns. */
  seconds: number;
  /** 0..999999 */
  microsecond: number;
}

/** datetime.min / datetime.max as Unix seconds (0001-01-01, 9999-12-31T23:59:59). */
export const MIN_SECONDS = -62135596800;
export const MAX_SECONDS = 253402300799;

/** `arrow.get(value)` for one argument; undefined where arrow raises (the converters then keep the value). */
export function arrowGet(value: unknown): Instant | undefined {
  if (value === null || value === undefined || typeof value === 'boolean') return undefined;
  if (value instanceof Date) return fromDate(value);
  if (typeof value === 'number' || typeof value === 'bigint') return fromTimestamp(Number(value));
  if (typeof value !== 'string') return undefined;
  const asNumber = pyFloat(value);
  if (asNumber !== undefined) return fromTimestamp(asNumber);
  return parseIso(value);
}

/** `arrow.get(text, format)` with an arrow format made of YYYY MM DD HH mm ss S Z tokens. */
export function arrowParse(text: string, format: string): Instant | undefined {
  const result = parseWithFormat(text, format);
  return result === NO_MATCH ? undefined : result;
}

/** `datetime.utcfromtimestamp(t)`: microseconds rounded half-even, years 1..9999 only. */
export function fromTimestamp(t: number): Instant | undefined {
  if (!Number.isFinite(t)) return undefined;
  let seconds = Math.trunc(t);
  let microsecond = roundHalfEven((t - seconds) * 1e6);
  if (microsecond >= 1e6) {
    seconds += 1;
    microsecond -= 1e6;
  } else if (microsecond < 0) {
    seconds -= 1;
    microsecond += 1e6;
  }
  return inRange(seconds) ? { seconds, microsecond } : undefined;
}

function fromDate(date: Date): Instant | undefined {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return inRange(seconds) ? { seconds, microsecond: (ms - seconds * 1000) * 1000 } : undefined;
}

function inRange(seconds: number): boolean {
  return seconds >= MIN_SECONDS && seconds <= MAX_SECONDS;
}

const NO_MATCH = Symbol('no match');
type ParseResult = Instant | undefined | typeof NO_MATCH;

const DATE_MARKERS = ['YYYY', 'MM', 'DD'];
const DATE_SEPARATORS = ['-', '/', '.'];

function parseIso(text: string): Instant | undefined {
  const stripped = text.trim();
  const spaceDivider = stripped.includes(' ');
  const hasTime = text.includes('T') || spaceDivider;
  let formats: string[];
  let hasTz = false;
  if (hasTime) {
    const divider = spaceDivider ? ' ' : 'T';
    const timeString = text.slice(text.indexOf(divider) + 1);
    const signAt = timeString.search(/[+-]/);
    hasTz = signAt >= 0;
    const timeBody = hasTz ? timeString.slice(0, signAt) : timeString;
    const subseconds = /[.,]/.exec(timeBody);
    const hasSeconds = (timeBody.match(/:/g) ?? []).length > 1;
    if (subseconds) formats = [`YYYY-MM-DDTHH:mm:ss${subseconds[0]}S`];
    else if (hasSeconds) formats = ['YYYY-MM-DDTHH:mm:ss'];
    else formats = ['YYYY-MM-DDTHH:mm'];
  } else {
    // YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY-MM, ..., YYYY (the last three are the same)
    formats = [];
    for (let drop = 0; drop < DATE_MARKERS.length; drop++) {
      for (const sep of DATE_SEPARATORS) formats.push(DATE_MARKERS.slice(0, DATE_MARKERS.length - drop).join(sep));
    }
  }
  if (hasTime && hasTz) formats = formats.map((f) => `${f}Z`);
  if (spaceDivider) formats = formats.map((f) => f.replace('T', ' '));
  for (const format of formats) {
    const result = parseWithFormat(text, format);
    // Only "did not match" moves on to the next format; an impossible date is a failure (ValueError in Python).
    if (result !== NO_MATCH) return result;
  }
  return undefined;
}

/** Regex fragments for arrow's tokens (arrow/parser.py _BASE_INPUT_RE_MAP). */
const TOKEN_PATTERNS: Record<string, string> = {
  YYYY: '\\d{4}',
  MM: '\\d{2}',
  DD: '\\d{2}',
  HH: '\\d{2}',
  mm: '\\d{2}',
  ss: '\\d{2}',
  S: '\\d+',
  Z: '[+\\-]?\\d{2}:?(?:\\d{2})?',
};
const TOKEN_RE = /YYYY|MM|DD|HH|mm|ss|S+|Z/g;
const patternCache = new Map<string, RegExp>();

/**
 * Builds the pattern the way arrow does: each token becomes a named group and everything else is
 * copied into the regex as is (so '.' matches any character, as it does in arrow), case-insensitive.
 */
function patternFor(format: string): RegExp {
  let cached = patternCache.get(format);
  if (!cached) {
    const source = format.replace(TOKEN_RE, (token) => {
      const name = token.startsWith('S') ? 'S' : token;
      return `(?<${name}>${TOKEN_PATTERNS[name]})`;
    });
    cached = new RegExp(source, 'i');
    patternCache.set(format, cached);
  }
  return cached;
}

function parseWithFormat(text: string, format: string): ParseResult {
  const match = patternFor(format).exec(text);
  if (!match?.groups) return NO_MATCH;
  const g = match.groups;
  const year = g.YYYY !== undefined ? Number(g.YYYY) : 1;
  const month = g.MM !== undefined ? Number(g.MM) : 1;
  const day = g.DD !== undefined ? Number(g.DD) : 1;
  const hour = g.HH !== undefined ? Number(g.HH) : 0;
  const minute = g.mm !== undefined ? Number(g.mm) : 0;
  const second = g.ss !== undefined ? Number(g.ss) : 0;
  const microsecond = g.S !== undefined ? fractionToMicroseconds(g.S) : 0;
  const offset = g.Z !== undefined ? tzOffsetSeconds(g.Z) : 0;
  if (offset === undefined) return undefined;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || microsecond > 999999) return undefined;
  const seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return inRange(seconds) ? { seconds, microsecond } : undefined;
}

/** The six most significant digits, the seventh rounding half-even (arrow's 'S' token). */
function fractionToMicroseconds(digits: string): number {
  const padded = digits.padEnd(7, '0');
  const seventh = Number(padded[6]);
  const sixth = Number(padded[5]);
  const rounding = seventh === 5 ? sixth % 2 : seventh > 5 ? 1 : 0;
  return Number(padded.slice(0, 6)) + rounding;
}

/** '+02:00', '-0500', '+02' -> seconds east of UTC; Python refuses offsets of a day or more. */
function tzOffsetSeconds(text: string): number | undefined {
  const m = /^([+-])?(\d\d):?(\d\d)?/.exec(text);
  if (!m) return undefined;
  const seconds = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60;
  if (seconds >= 86400) return undefined;
  return m[1] === '-' ? -seconds : seconds;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 in the proleptic Gregorian calendar (Python's datetime calendar), any year 1..9999. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}
