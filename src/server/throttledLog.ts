/**
 * Log lines caused by requests, rate limited: anyone who can reach the port can send thousands of requests a
 * second, and one line each would fill the disk and rotate the admin's older logs away. Per kind of line (a
 * key the server chose, never one the client did, so the keys stay few), the first one is written at once and
 * the rest of that interval are only counted; one line at the end of the interval says how many there were.
 */
import type { Logger } from '../logging.js';

type Level = 'info' | 'warn' | 'error';

interface Kind {
  level: Level;
  /** When the last line of this kind was written; others within the interval are counted. */
  lastWritten: number;
  suppressed: number;
  /** What the suppressed lines were about, for the count line: the last one's text. */
  lastLine: string;
}

export class ThrottledLog {
  private readonly kinds = new Map<string, Kind>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly log: Logger, readonly intervalMs: number, private readonly now: () => number = Date.now) {}

  /** Writes `line()` unless a line of `key` was written less than an interval ago; `line` is only built when written. */
  write(level: Level, key: string, line: () => string): void {
    const now = this.now();
    const kind = this.kinds.get(key);
    if (kind && now - kind.lastWritten < this.intervalMs) {
      kind.suppressed++;
      kind.lastLine = line();
      this.schedule();
      return;
    }
    this.log[level](line());
    this.kinds.set(key, { level, lastWritten: now, suppressed: 0, lastLine: '' });
  }

  /** Writes the count lines of what was suppressed (at the end of each interval, and when the server stops). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    for (const [key, kind] of this.kinds) {
      if (kind.suppressed > 0) {
        const seconds = Math.max(1, Math.round((now - kind.lastWritten) / 1000));
        this.log[kind.level](`${kind.suppressed} more like this in the last ${seconds} s (rate limited; the last one: ${kind.lastLine})`);
        kind.suppressed = 0;
        kind.lastWritten = now;
      } else if (now - kind.lastWritten >= this.intervalMs) {
        this.kinds.delete(key);
      }
    }
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
    // Counting must not keep a stopping process alive; stop() flushes explicitly.
    this.timer.unref();
  }
}
