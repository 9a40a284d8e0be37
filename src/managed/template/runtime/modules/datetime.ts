/**
 * import('datetime') and import('time'): datetime, date, timedelta, timezone (UTC and fixed offsets) with
 * `datetime ± timedelta`, strftime/strptime/isoformat/fromisoformat/timestamp. The sandbox has no local time
 * zone: "local" time (now(), fromtimestamp(), time.localtime) is UTC.
 */
import {
  PyError, PyFloat, PyFunction, PyModule, PyObject, bind, float, isInt, isNumber, iterate, numberOf, tuple, typeError,
  typeName, valueError, type Kwargs, type Value,
} from '../values.js';
import { fn, intArg } from './common.js';

const US_PER_DAY = 86_400_000_000;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const pad = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');

export class TimeDelta extends PyObject {
  readonly typeName = 'timedelta';
  /** Whole microseconds (Python keeps days/seconds/microseconds normalised the same way). */
  constructor(readonly us: number) {
    super();
    if (!Number.isFinite(us) || Math.abs(us) > 999_999_999 * US_PER_DAY) throw new PyError('OverflowError', 'days out of range');
  }
  get days(): number {
    return Math.floor(this.us / US_PER_DAY);
  }
  get seconds(): number {
    return Math.floor((this.us - this.days * US_PER_DAY) / 1e6);
  }
  get micro(): number {
    return this.us - this.days * US_PER_DAY - this.seconds * 1e6;
  }
  attr(name: string): Value | undefined {
    switch (name) {
      case 'days': return this.days;
      case 'seconds': return this.seconds;
      case 'microseconds': return this.micro;
      case 'total_seconds': return new PyFunction('total_seconds', () => float(this.us / 1e6));
    }
    return undefined;
  }
  str(): string {
    const s = this.seconds;
    const clock = `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}${this.micro ? `.${pad(this.micro, 6)}` : ''}`;
    const d = this.days;
    return d ? `${d} day${Math.abs(d) === 1 ? '' : 's'}, ${clock}` : clock;
  }
  repr(): string {
    const parts = [];
    if (this.days) parts.push(`days=${this.days}`);
    if (this.seconds) parts.push(`seconds=${this.seconds}`);
    if (this.micro) parts.push(`microseconds=${this.micro}`);
    return `datetime.timedelta(${parts.join(', ')})`;
  }
  truthy(): boolean {
    return this.us !== 0;
  }
  equals(other: Value): boolean {
    return other instanceof TimeDelta && other.us === this.us;
  }
  compare(other: Value): number | undefined {
    return other instanceof TimeDelta ? this.us - other.us : undefined;
  }
  binop(op: string, other: Value, right: boolean): Value | undefined {
    if (other instanceof TimeDelta) {
      if (op === '+') return new TimeDelta(this.us + other.us);
      if (op === '-') return new TimeDelta(right ? other.us - this.us : this.us - other.us);
      if (op === '/' && !right) return float(this.us / other.us);
      if (op === '//' && !right) return Math.floor(this.us / other.us);
    }
    if (isNumber(other)) {
      if (op === '*') return new TimeDelta(Math.round(this.us * numberOf(other)));
      if (op === '/' && !right) return new TimeDelta(Math.round(this.us / numberOf(other)));
      if (op === '//' && !right) return new TimeDelta(Math.floor(this.us / numberOf(other)));
    }
    return undefined;
  }
  toData(): unknown {
    return this.str();
  }
}

class TimeZone extends PyObject {
  readonly typeName = 'timezone';
  constructor(readonly offsetMinutes: number, readonly label?: string) {
    super();
  }
  name(): string {
    if (this.label) return this.label;
    if (this.offsetMinutes === 0) return 'UTC';
    return `UTC${offsetText(this.offsetMinutes, ':')}`;
  }
  str(): string {
    return this.name();
  }
  repr(): string {
    return this.offsetMinutes === 0 && !this.label ? 'datetime.timezone.utc' : `datetime.timezone(${new TimeDelta(this.offsetMinutes * 60e6).repr()})`;
  }
  attr(name: string): Value | undefined {
    if (name === 'utcoffset') return new PyFunction('utcoffset', () => new TimeDelta(this.offsetMinutes * 60e6));
    if (name === 'tzname') return new PyFunction('tzname', () => this.name());
    return undefined;
  }
  equals(other: Value): boolean {
    return other instanceof TimeZone && other.offsetMinutes === this.offsetMinutes;
  }
}

const UTC = new TimeZone(0);

function offsetText(minutes: number, sep: string): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${sep}${pad(m % 60)}`;
}

/** Calendar fields of a wall-clock time held as microseconds since 1970-01-01 (no zone applied). */
function fields(wallUs: number) {
  const ms = Math.floor(wallUs / 1000);
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    microsecond: wallUs - Math.floor(wallUs / 1e6) * 1e6,
    weekday: (d.getUTCDay() + 6) % 7,
    yday: Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1,
  };
}

function wall(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, us = 0): number {
  if (y < 1 || y > 9999) throw valueError(`year ${y} is out of range`);
  if (mo < 1 || mo > 12) throw valueError('month must be in 1..12');
  const days = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > days) throw valueError('day is out of range for month');
  if (h < 0 || h > 23) throw valueError('hour must be in 0..23');
  if (mi < 0 || mi > 59) throw valueError('minute must be in 0..59');
  if (s < 0 || s > 59) throw valueError('second must be in 0..59');
  if (us < 0 || us > 999_999) throw valueError('microsecond must be in 0..999999');
  const dt = new Date(0);
  dt.setUTCFullYear(y, mo - 1, d);
  dt.setUTCHours(h, mi, s, 0);
  return dt.getTime() * 1000 + us;
}

export function strftime(format: string, wallUs: number, tz: TimeZone | null, dateOnly = false): string {
  const f = fields(wallUs);
  return format.replace(/%([-]?)([a-zA-Z%])/g, (all, flag: string, c: string) => {
    const p = (n: number, w = 2) => (flag === '-' ? String(n) : pad(n, w));
    switch (c) {
      case 'Y': return String(f.year).padStart(4, '0');
      case 'y': return pad(f.year % 100);
      case 'm': return p(f.month);
      case 'd': return p(f.day);
      case 'e': return String(f.day).padStart(2, ' ');
      case 'H': return dateOnly ? '00' : p(f.hour);
      case 'I': return p(((f.hour + 11) % 12) + 1);
      case 'M': return dateOnly ? '00' : p(f.minute);
      case 'S': return dateOnly ? '00' : p(f.second);
      case 'f': return pad(f.microsecond, 6);
      case 'p': return f.hour < 12 ? 'AM' : 'PM';
      case 'b': case 'h': return MONTHS[f.month - 1].slice(0, 3);
      case 'B': return MONTHS[f.month - 1];
      case 'a': return DAYS[f.weekday].slice(0, 3);
      case 'A': return DAYS[f.weekday];
      case 'w': return String((f.weekday + 1) % 7);
      case 'u': return String(f.weekday + 1);
      case 'j': return p(f.yday, 3);
      case 'z': return tz ? offsetText(tz.offsetMinutes, '') : '';
      case 'Z': return tz ? tz.name() : '';
      case 's': return String(Math.floor((wallUs - (tz ? tz.offsetMinutes * 60e6 : 0)) / 1e6));
      case 'c': return `${DAYS[f.weekday].slice(0, 3)} ${MONTHS[f.month - 1].slice(0, 3)} ${String(f.day).padStart(2, ' ')} ${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)} ${f.year}`;
      case 'x': return `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`;
      case 'X': return `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
      case 'D': return `${pad(f.month)}/${pad(f.day)}/${pad(f.year % 100)}`;
      case 'F': return `${String(f.year).padStart(4, '0')}-${pad(f.month)}-${pad(f.day)}`;
      case 'T': return `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
      case '%': return '%';
    }
    return all;
  });
}

export class DateTime extends PyObject {
  readonly typeName: string;
  constructor(readonly wallUs: number, readonly tz: TimeZone | null, readonly dateOnly = false) {
    super();
    this.typeName = dateOnly ? 'date' : 'datetime';
  }
  private get f() {
    return fields(this.wallUs);
  }
  /** Microseconds since the epoch in UTC (naive values are taken as UTC, the sandbox's local time). */
  get utcUs(): number {
    return this.wallUs - (this.tz ? this.tz.offsetMinutes * 60e6 : 0);
  }
  isoformat(sep = 'T', timespec = 'auto'): string {
    const f = this.f;
    const date = `${String(f.year).padStart(4, '0')}-${pad(f.month)}-${pad(f.day)}`;
    if (this.dateOnly) return date;
    let time = `${pad(f.hour)}:${pad(f.minute)}:${pad(f.second)}`;
    if (timespec === 'hours') time = pad(f.hour);
    else if (timespec === 'minutes') time = `${pad(f.hour)}:${pad(f.minute)}`;
    else if (timespec === 'milliseconds') time += `.${pad(Math.floor(f.microsecond / 1000), 3)}`;
    else if (timespec === 'microseconds' || (timespec === 'auto' && f.microsecond)) time += `.${pad(f.microsecond, 6)}`;
    return `${date}${sep}${time}${this.tz ? offsetText(this.tz.offsetMinutes, ':') : ''}`;
  }
  str(): string {
    return this.isoformat(' ');
  }
  repr(): string {
    const f = this.f;
    if (this.dateOnly) return `datetime.date(${f.year}, ${f.month}, ${f.day})`;
    const parts = [f.year, f.month, f.day, f.hour, f.minute];
    if (f.second || f.microsecond) parts.push(f.second);
    if (f.microsecond) parts.push(f.microsecond);
    return `datetime.datetime(${parts.join(', ')}${this.tz ? `, tzinfo=${this.tz.repr()}` : ''})`;
  }
  attr(name: string): Value | undefined {
    const f = this.f;
    switch (name) {
      case 'year': return f.year;
      case 'month': return f.month;
      case 'day': return f.day;
      case 'hour': return this.dateOnly ? undefined : f.hour;
      case 'minute': return this.dateOnly ? undefined : f.minute;
      case 'second': return this.dateOnly ? undefined : f.second;
      case 'microsecond': return this.dateOnly ? undefined : f.microsecond;
      case 'tzinfo': return this.dateOnly ? undefined : this.tz;
      case 'weekday': return new PyFunction('weekday', () => f.weekday);
      case 'isoweekday': return new PyFunction('isoweekday', () => f.weekday + 1);
      case 'strftime': return new PyFunction('strftime', (a) => strftime(String(a[0]), this.wallUs, this.tz, this.dateOnly));
      case 'isoformat': return new PyFunction('isoformat', (a, k) => {
        const [sep, spec] = bind('isoformat', a, k, ['sep', 'timespec']);
        return this.isoformat(sep === undefined ? 'T' : String(sep), spec === undefined ? 'auto' : String(spec));
      });
      case 'timestamp': return this.dateOnly ? undefined : new PyFunction('timestamp', () => float(this.utcUs / 1e6));
      case 'date': return new PyFunction('date', () => new DateTime(Math.floor(this.wallUs / US_PER_DAY) * US_PER_DAY, null, true));
      case 'toordinal': return new PyFunction('toordinal', () => Math.floor(this.wallUs / US_PER_DAY) + 719_163);
      case 'utcoffset': return new PyFunction('utcoffset', () => (this.tz ? new TimeDelta(this.tz.offsetMinutes * 60e6) : null));
      case 'tzname': return new PyFunction('tzname', () => (this.tz ? this.tz.name() : null));
      case 'astimezone': return new PyFunction('astimezone', (a) => {
        const tz = a[0] === undefined || a[0] === null ? UTC : a[0];
        if (!(tz instanceof TimeZone)) throw typeError('tzinfo argument must be None or of a tzinfo subclass');
        return new DateTime(this.utcUs + tz.offsetMinutes * 60e6, tz);
      });
      case 'replace': return new PyFunction('replace', (a, k) => this.replace(a, k));
      case 'timetuple': return new PyFunction('timetuple', () => structTime(this.wallUs));
    }
    return undefined;
  }
  private replace(args: Value[], kwargs: Kwargs): DateTime {
    const f = this.f;
    const names = this.dateOnly ? ['year', 'month', 'day'] : ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
    const got = bind('replace', args, kwargs, names);
    const v = (i: number, d: number) => (got[i] === undefined ? d : intArg(got[i], d));
    const tz = this.dateOnly ? null : got[7] === undefined ? this.tz : (got[7] as TimeZone | null);
    return new DateTime(wall(v(0, f.year), v(1, f.month), v(2, f.day), v(3, f.hour), v(4, f.minute), v(5, f.second), v(6, f.microsecond)), tz, this.dateOnly);
  }
  formatSpec(spec: string): string {
    return spec ? strftime(spec, this.wallUs, this.tz, this.dateOnly) : this.str();
  }
  private comparable(other: Value): other is DateTime {
    if (!(other instanceof DateTime) || other.dateOnly !== this.dateOnly) return false;
    if (!this.dateOnly && (this.tz === null) !== (other.tz === null)) {
      throw typeError("can't compare offset-naive and offset-aware datetimes");
    }
    return true;
  }
  equals(other: Value): boolean {
    return other instanceof DateTime && other.dateOnly === this.dateOnly && (this.tz === null) === (other.tz === null) && other.utcUs === this.utcUs;
  }
  compare(other: Value): number | undefined {
    return this.comparable(other) ? this.utcUs - other.utcUs : undefined;
  }
  binop(op: string, other: Value, right: boolean): Value | undefined {
    if (other instanceof TimeDelta && (op === '+' || (op === '-' && !right))) {
      const delta = op === '+' ? other.us : -other.us;
      const shifted = this.dateOnly ? Math.floor(delta / US_PER_DAY) * US_PER_DAY : delta;
      return new DateTime(this.wallUs + shifted, this.tz, this.dateOnly);
    }
    if (op === '-' && other instanceof DateTime && !right) {
      if (other.dateOnly !== this.dateOnly) return undefined;
      if ((this.tz === null) !== (other.tz === null)) throw typeError("can't subtract offset-naive and offset-aware datetimes");
      return new TimeDelta(this.utcUs - other.utcUs);
    }
    return undefined;
  }
  toData(): unknown {
    return this.isoformat(this.dateOnly ? 'T' : ' ');
  }
}

class StructTime extends PyObject {
  readonly typeName = 'time.struct_time';
  constructor(readonly values: number[]) {
    super();
  }
  iter(): Value[] {
    return this.values.slice();
  }
  item(key: Value): Value | undefined {
    return typeof key === 'number' ? this.values[key < 0 ? key + 9 : key] : undefined;
  }
  attr(name: string): Value | undefined {
    const names = ['tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec', 'tm_wday', 'tm_yday', 'tm_isdst'];
    const at = names.indexOf(name);
    return at >= 0 ? this.values[at] : undefined;
  }
  repr(): string {
    const names = ['tm_year', 'tm_mon', 'tm_mday', 'tm_hour', 'tm_min', 'tm_sec', 'tm_wday', 'tm_yday', 'tm_isdst'];
    return `time.struct_time(${names.map((n, i) => `${n}=${this.values[i]}`).join(', ')})`;
  }
  toData(): unknown {
    return this.values.slice();
  }
}

function structTime(wallUs: number): StructTime {
  const f = fields(wallUs);
  return new StructTime([f.year, f.month, f.day, f.hour, f.minute, f.second, f.weekday, f.yday, 0]);
}

const nowUs = () => Date.now() * 1000;

function tzArg(v: Value | undefined): TimeZone | null {
  if (v === undefined || v === null) return null;
  if (!(v instanceof TimeZone)) throw typeError(`tzinfo argument must be None or of a tzinfo subclass, not type '${typeName(v)}'`);
  return v;
}

function seconds(v: Value): number {
  if (!isNumber(v)) throw typeError(`'${typeName(v)}' object cannot be interpreted as an integer`);
  return numberOf(v);
}

const STRPTIME_PARTS: Record<string, string> = {
  Y: '(?<Y>\\d{4})', m: '(?<m>\\d{1,2})', d: '(?<d>\\d{1,2})', H: '(?<H>\\d{1,2})', I: '(?<I>\\d{1,2})', M: '(?<M>\\d{1,2})',
  S: '(?<S>\\d{1,2})', f: '(?<f>\\d{1,6})', y: '(?<y>\\d{2})', p: '(?<p>AM|PM|am|pm)', j: '(?<j>\\d{1,3})',
  b: `(?<b>${MONTHS.map((x) => x.slice(0, 3)).join('|')})`, B: `(?<B>${MONTHS.join('|')})`,
  a: `(?:${DAYS.map((x) => x.slice(0, 3)).join('|')})`, A: `(?:${DAYS.join('|')})`,
  z: '(?<z>Z|[-+]\\d{2}:?\\d{2}(?::?\\d{2})?)', Z: '(?<Z>UTC|GMT)', '%': '%',
};

function strptime(text: string, format: string): DateTime {
  let pattern = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i];
    if (c === '%') {
      const d = format[++i];
      if (!Object.hasOwn(STRPTIME_PARTS, d)) throw valueError(`'${d}' is a bad directive in format '${format}'`);
      pattern += STRPTIME_PARTS[d];
    } else if (/\s/.test(c)) pattern += '\\s+';
    else pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^${pattern}$`, 'i').exec(text);
  if (!m || !m.groups) throw valueError(`time data '${text}' does not match format '${format}'`);
  const g = m.groups;
  const month = g.m ? Number(g.m) : g.b ? MONTHS.findIndex((x) => x.slice(0, 3).toLowerCase() === g.b.toLowerCase()) + 1
    : g.B ? MONTHS.findIndex((x) => x.toLowerCase() === g.B.toLowerCase()) + 1 : 1;
  const year = g.Y ? Number(g.Y) : g.y ? (Number(g.y) < 69 ? 2000 : 1900) + Number(g.y) : 1900;
  let hour = g.H ? Number(g.H) : g.I ? Number(g.I) % 12 : 0;
  if (g.p && g.p.toUpperCase() === 'PM' && g.I) hour += 12;
  let tz: TimeZone | null = null;
  if (g.z) {
    const z = g.z.replace(/:/g, '');
    tz = z.toUpperCase() === 'Z' ? UTC : new TimeZone((z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5))));
  } else if (g.Z) tz = null;
  const us = g.f ? Number(g.f.padEnd(6, '0')) : 0;
  let w = wall(year, month, g.d ? Number(g.d) : 1, hour, g.M ? Number(g.M) : 0, g.S ? Number(g.S) : 0, us);
  if (g.j) w = wall(year, 1, 1) + (Number(g.j) - 1) * US_PER_DAY + (w - wall(year, month, g.d ? Number(g.d) : 1));
  return new DateTime(w, tz);
}

function fromisoformat(text: string, dateOnly: boolean): DateTime {
  const m = /^(\d{4})-?(\d{2})-?(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6})\d*)?)?)?(Z|[-+]\d{2}(?::?\d{2})?)?)?$/.exec(text);
  if (!m || (dateOnly && m[4] !== undefined)) throw valueError(`Invalid isoformat string: '${text}'`);
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  let tz: TimeZone | null = null;
  if (m[8]) {
    const z = m[8].replace(':', '');
    tz = z === 'Z' ? UTC : new TimeZone((z[0] === '-' ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5) || 0)));
  }
  const us = m[7] ? Number(m[7].padEnd(6, '0')) : 0;
  return new DateTime(wall(n(m[1]), n(m[2]), n(m[3]), n(m[4]), n(m[5]), n(m[6]), us), tz, dateOnly);
}

/** A class object: callable to construct, with class methods as attributes. */
class PyClass extends PyObject {
  readonly typeName = 'type';
  constructor(readonly name: string, private readonly construct: (a: Value[], k: Kwargs) => Value, private readonly methods: Record<string, Value>) {
    super();
  }
  invoke(args: Value[], kwargs: Kwargs): Value {
    return this.construct(args, kwargs);
  }
  attr(name: string): Value | undefined {
    return Object.hasOwn(this.methods, name) ? this.methods[name] : undefined;
  }
  repr(): string {
    return `<class 'datetime.${this.name}'>`;
  }
}

const DATETIME_CLASS = new PyClass('datetime', (a, k) => {
  const names = ['year', 'month', 'day', 'hour', 'minute', 'second', 'microsecond', 'tzinfo'];
  const v = bind('datetime', a, k, names, 3);
  const i = (n: number) => intArg(v[n], 0);
  return new DateTime(wall(i(0), i(1), i(2), i(3), i(4), i(5), i(6)), tzArg(v[7]));
}, {
  now: fn('now', (a, k) => {
    const tz = tzArg(bind('now', a, k, ['tz'])[0]);
    return new DateTime(nowUs() + (tz ? tz.offsetMinutes * 60e6 : 0), tz);
  }),
  utcnow: fn('utcnow', () => new DateTime(nowUs(), null)),
  today: fn('today', () => new DateTime(nowUs(), null)),
  fromtimestamp: fn('fromtimestamp', (a, k) => {
    const [ts, tzv] = bind('fromtimestamp', a, k, ['timestamp', 'tz'], 1);
    const tz = tzArg(tzv);
    return new DateTime(Math.round(seconds(ts) * 1e6) + (tz ? tz.offsetMinutes * 60e6 : 0), tz);
  }),
  utcfromtimestamp: fn('utcfromtimestamp', (a) => new DateTime(Math.round(seconds(a[0]) * 1e6), null)),
  strptime: fn('strptime', (a, k) => {
    const [s, f] = bind('strptime', a, k, ['date_string', 'format'], 2);
    if (typeof s !== 'string' || typeof f !== 'string') throw typeError('strptime() argument 1 must be str');
    return strptime(s, f);
  }),
  fromisoformat: fn('fromisoformat', (a) => fromisoformat(String(a[0]), false)),
});

const DATE_CLASS = new PyClass('date', (a, k) => {
  const v = bind('date', a, k, ['year', 'month', 'day'], 3).map((x) => intArg(x, 0));
  return new DateTime(wall(v[0], v[1], v[2]), null, true);
}, {
  today: fn('today', () => new DateTime(Math.floor(nowUs() / US_PER_DAY) * US_PER_DAY, null, true)),
  fromisoformat: fn('fromisoformat', (a) => fromisoformat(String(a[0]), true)),
  fromtimestamp: fn('fromtimestamp', (a) => new DateTime(Math.floor((seconds(a[0]) * 1e6) / US_PER_DAY) * US_PER_DAY, null, true)),
});

const TIMEDELTA_CLASS = new PyClass('timedelta', (a, k) => {
  const names = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
  const scale = [US_PER_DAY, 1e6, 1, 1e3, 60e6, 3600e6, 7 * US_PER_DAY];
  const v = bind('timedelta', a, k, names);
  let us = 0;
  v.forEach((x, i) => {
    if (x === undefined) return;
    if (!isNumber(x)) throw typeError(`unsupported type for timedelta ${names[i]} component: ${typeName(x)}`);
    us += numberOf(x) * scale[i];
  });
  return new TimeDelta(Math.round(us));
}, {});

const TIMEZONE_CLASS = new PyClass('timezone', (a) => {
  const delta = a[0];
  if (!(delta instanceof TimeDelta)) throw typeError('timezone() argument 1 must be datetime.timedelta');
  return new TimeZone(Math.round(delta.us / 60e6), typeof a[1] === 'string' ? a[1] : undefined);
}, { utc: UTC });

export const DATETIME = new PyModule('datetime', {
  datetime: DATETIME_CLASS,
  date: DATE_CLASS,
  timedelta: TIMEDELTA_CLASS,
  timezone: TIMEZONE_CLASS,
  MINYEAR: 1,
  MAXYEAR: 9999,
});

function tupleWall(v: Value): number {
  const parts = iterate(v).map((x) => (x instanceof PyFloat ? Math.trunc(x.value) : isInt(x) ? Number(x) : 0));
  return wall(parts[0], parts[1], parts[2], parts[3] ?? 0, parts[4] ?? 0, parts[5] ?? 0);
}

export const TIME = new PyModule('time', {
  time: fn('time', () => float(Date.now() / 1000)),
  time_ns: fn('time_ns', () => Date.now() * 1e6),
  gmtime: fn('gmtime', (a) => structTime(a[0] === undefined || a[0] === null ? nowUs() : Math.floor(seconds(a[0])) * 1e6)),
  localtime: fn('localtime', (a) => structTime(a[0] === undefined || a[0] === null ? nowUs() : Math.floor(seconds(a[0])) * 1e6)),
  mktime: fn('mktime', (a) => float(tupleWall(a[0]) / 1e6)),
  strftime: fn('strftime', (a, k) => {
    const [format, t] = bind('strftime', a, k, ['format', 't'], 1);
    return strftime(String(format), t === undefined ? nowUs() : tupleWall(t), null);
  }),
  timezone: 0,
  altzone: 0,
  tzname: tuple(['UTC', 'UTC']),
});

