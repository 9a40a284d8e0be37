/**
 * Python `datetime.strftime` for a UTC instant, C locale (English names), as the original's Linux
 * builds produce it. Supported: %a %A %b %B %d %f %H %I %j %m %M %p %S %y %Y %z %Z %%.
 * An unknown directive is copied through unchanged (what glibc does for most of them).
 */
import type { Instant } from './arrowTime.js';

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function strftime(instant: Instant, format: string): string {
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0..99 to 1900..1999.
  const date = new Date(0);
  date.setTime(instant.seconds * 1000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const day = date.getUTCDate();
  const hour = date.getUTCHours();
  const weekday = date.getUTCDay();
  const startOfYear = new Date(0);
  startOfYear.setUTCFullYear(year, 0, 1);
  startOfYear.setUTCHours(0, 0, 0, 0);
  const dayOfYear = Math.floor((date.getTime() - startOfYear.getTime()) / 86400000) + 1;

  return format.replace(/%(.)/gs, (directive: string, code: string) => {
    switch (code) {
      case 'Y': return String(year); // glibc does not zero-pad years below 1000
      case 'y': return pad(year % 100, 2);
      case 'm': return pad(month + 1, 2);
      case 'd': return pad(day, 2);
      case 'H': return pad(hour, 2);
      case 'I': return pad(hour % 12 === 0 ? 12 : hour % 12, 2);
      case 'M': return pad(date.getUTCMinutes(), 2);
      case 'S': return pad(date.getUTCSeconds(), 2);
      case 'f': return pad(instant.microsecond, 6);
      case 'p': return hour < 12 ? 'AM' : 'PM';
      case 'j': return pad(dayOfYear, 3);
      case 'a': return DAY_NAMES[weekday].slice(0, 3);
      case 'A': return DAY_NAMES[weekday];
      case 'b': return MONTH_NAMES[month].slice(0, 3);
      case 'B': return MONTH_NAMES[month];
      case 'Z': return 'UTC';
      case 'z': return '+0000';
      case '%': return '%';
      default: return directive;
    }
  });
}
