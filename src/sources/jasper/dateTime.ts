/**
 * xs:dateTime values as Control Center sends them ("2016-03-01T10:12:13.000Z", "2016-03-01T10:12:13-07:00",
 * sometimes without a zone), read strictly and written the way the original's records carried them: suds made a
 * Python datetime of each and the original's JSON encoder wrote `isoformat()` ("2016-03-01T10:12:13+00:00").
 * A value that is not a date-time is reported as such to the caller, which keeps it as it came (never a crash).
 * https://www.w3.org/TR/xmlschema-2/#dateTime
 */

export interface XsdDateTime {
  /** Milliseconds since the epoch; a value without a zone is read as UTC. */
  epochMs: number;
  /** Python's datetime.isoformat() of the value: wall clock and offset as sent, microseconds only when not zero. */
  isoformat: string;
}

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/;

/** Parses an xs:dateTime; undefined when `raw` is not one (or names a day or time that does not exist). */
export function parseXsdDateTime(raw: unknown): XsdDateTime | undefined {
  if (typeof raw !== 'string') return undefined;
  const m = DATE_TIME.exec(raw.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  // Python keeps microseconds; further digits are dropped, as suds does when it builds the datetime.
  const micros = m[7] ? Number(m[7].slice(0, 6).padEnd(6, '0')) : 0;
  const zone = m[8];
  let offsetMinutes = 0;
  if (zone && zone !== 'Z') {
    const [h, min] = zone.slice(1).split(':').map(Number);
    if (h > 14 || min > 59) return undefined;
    offsetMinutes = (zone[0] === '-' ? -1 : 1) * (h * 60 + min);
  }
  const local = Date.UTC(year, month - 1, day, hour, minute, second, Math.floor(micros / 1000));
  // Date.UTC maps years 0-99 to 1900-1999.
  const epochMs = year < 100 ? new Date(local).setUTCFullYear(year) : local;
  const wall = `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${micros ? `.${String(micros).padStart(6, '0')}` : ''}`;
  const suffix = zone === undefined ? '' : zone === 'Z' || offsetMinutes === 0 ? '+00:00' : zone;
  return { epochMs: epochMs - offsetMinutes * 60_000, isoformat: `${wall}${suffix}` };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(2000, month, 0)).getUTCDate() - (month === 2 && !isLeap(year) ? 1 : 0);
}

function isLeap(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
