/**
 * The Insight status API answers at most 180 days per request and is slow on long ranges, so the original splits
 * [from, to] into 60-day windows whose ends touch: [from, from+60], [from+60, from+120], ... (an order created on
 * a boundary day can come back twice; the source drops the repeat).
 */
const DAY_MS = 86_400_000;
export const WINDOW_DAYS = 60;

const toDay = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const toIso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Windows covering [from, to], both YYYY-MM-DD. One window when from equals to (the original sent none). */
export function dateWindows(from: string, to: string, days = WINDOW_DAYS): Array<[string, string]> {
  const end = toDay(to);
  const windows: Array<[string, string]> = [];
  let start = toDay(from);
  do {
    const stop = Math.min(start + days * DAY_MS, end);
    windows.push([toIso(start), toIso(stop)]);
    start = stop;
  } while (start < end);
  return windows;
}

/** The local calendar date `days` before `now` (the original: arrow.now(), the machine's time zone). */
export function localDate(now: Date, daysBefore = 0): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() - daysBefore);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
