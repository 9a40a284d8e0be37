/**
 * Progress of the running sections, fed by their SectionStats (read only: the pipeline is not told about it).
 *
 * - stderr is a terminal: a live line per running section (pulled, pushed, failed, rate, elapsed), redrawn at most
 *   `redrawMs` apart (default 4 times a second). Other writes to stderr (log lines) first erase the live lines and
 *   redraw them after, so a log line never lands in the middle of one.
 * - otherwise (cron, a pipe, a service): a plain log line per running section every `intervalMs` (default 30 s,
 *   `--progress-interval`), through the section's logger, so it reaches the log files and log shippers too. In
 *   testmode it is written to stderr directly instead: a console handler configured for stdout must not mix it
 *   into the payloads.
 *
 * Never on stdout: in --testmode stdout is the payload.
 */
import { getLogger, plainLine, type Logger } from '../logging.js';
import type { SectionStats } from './summary.js';

/** The part of a stream progress needs (process.stderr; tests pass a fake). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string | Uint8Array, ...rest: unknown[]): boolean;
}

export interface ProgressOptions {
  stream?: ProgressStream;
  /** Period of the plain log line when the stream is not a terminal; 0 never logs one. Default 30 s. */
  intervalMs?: number;
  /** Least time between two redraws of the live lines on a terminal. Default 250 ms. */
  redrawMs?: number;
  /** Dry run: the plain line goes straight to the stream, not through the log handlers (one may be stdout). */
  testmode?: boolean;
  now?: () => number;
  /** Runs `fn` every `ms` until the returned function is called (tests drive it by hand). */
  every?: (ms: number, fn: () => void) => () => void;
  /** The logger of a section's plain line (default `sources/<section>`). */
  logFor?: (section: string) => Logger;
}

interface Tracked {
  stats: SectionStats;
  since: number;
}

const DEFAULT_INTERVAL_MS = 30_000;
const DEFAULT_REDRAW_MS = 250;
const ERASE_LINE = '\r\x1b[2K';
const UP = '\x1b[1A';

function systemEvery(ms: number, fn: () => void): () => void {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
}

/** `1h02m03s`, `4m05s`, `12s`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}h${two(m)}m${two(s)}s` : m > 0 ? `${m}m${two(s)}s` : `${s}s`;
}

export interface ProgressFigures {
  pulled: number;
  pushed: number;
  failed: number;
  spooled: number;
  /** Records pulled per second since the section started. */
  rate: number;
  elapsedSeconds: number;
}

export function figures(stats: SectionStats, elapsedMs: number): ProgressFigures {
  const seconds = elapsedMs / 1000;
  return {
    pulled: stats.pulled,
    pushed: stats.pushed,
    failed: stats.failed,
    spooled: stats.spooled,
    rate: seconds > 0 ? Math.round(stats.pulled / seconds) : 0,
    elapsedSeconds: Math.round(seconds),
  };
}

export function progressText(section: string, f: ProgressFigures, testmode = false): string {
  return `[${section}] pulled ${f.pulled}, ${testmode ? 'printed' : 'pushed'} ${f.pushed}, failed ${f.failed}` +
    (f.spooled ? `, spooled ${f.spooled}` : '') + `, ${f.rate} records/s, ${formatElapsed(f.elapsedSeconds * 1000)}`;
}

export class Progress {
  private readonly stream: ProgressStream;
  private readonly live: boolean;
  private readonly now: () => number;
  private readonly every: (ms: number, fn: () => void) => () => void;
  private readonly tracked = new Map<string, Tracked>();
  private stopTimer?: () => void;
  /** Live lines on screen now (0: none drawn). */
  private drawn = 0;
  private lastDraw = -Infinity;
  private originalWrite?: ProgressStream['write'];

  constructor(private readonly opts: ProgressOptions = {}) {
    this.stream = opts.stream ?? process.stderr;
    this.live = this.stream.isTTY === true;
    this.now = opts.now ?? Date.now;
    this.every = opts.every ?? systemEvery;
  }

  /** Shows `stats` until the returned function is called (the section ended). */
  track(stats: SectionStats): () => void {
    const key = stats.section;
    this.tracked.set(key, { stats, since: this.now() });
    this.startTimer();
    return () => {
      if (this.tracked.get(key)?.stats !== stats) return;
      this.erase();
      this.tracked.delete(key);
      if (this.tracked.size === 0) this.stop();
      else this.draw();
    };
  }

  /** One turn of the timer: redraw the live lines, or log the plain ones (tests call it directly). */
  tick(): void {
    if (this.live) this.draw();
    else this.logLines();
  }

  /** Erases the live lines and stops the timer (idempotent). */
  stop(): void {
    this.erase();
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.unhookStream();
  }

  private startTimer(): void {
    if (this.stopTimer) return;
    const period = this.live ? (this.opts.redrawMs ?? DEFAULT_REDRAW_MS) : (this.opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    if (period <= 0) return;
    if (this.live) this.hookStream();
    this.stopTimer = this.every(period, () => this.tick());
  }

  private lines(): string[] {
    const now = this.now();
    const width = Math.max(20, (this.stream.columns ?? 120) - 1);
    // A line wider than the terminal wraps, and erasing it would then leave its first part behind.
    return [...this.tracked.values()].map((t) => progressText(t.stats.section, figures(t.stats, now - t.since), this.opts.testmode).slice(0, width));
  }

  private draw(): void {
    const now = this.now();
    if (now - this.lastDraw < (this.opts.redrawMs ?? DEFAULT_REDRAW_MS) && this.drawn > 0) return;
    this.lastDraw = now;
    const text = this.lines();
    this.write(this.eraseSequence() + text.join('\n'));
    this.drawn = text.length;
  }

  private eraseSequence(): string {
    if (this.drawn === 0) return '';
    return ERASE_LINE + `${UP}${ERASE_LINE}`.repeat(this.drawn - 1);
  }

  private erase(): void {
    if (!this.live || this.drawn === 0) return;
    this.write(this.eraseSequence());
    this.drawn = 0;
  }

  private logLines(): void {
    const now = this.now();
    for (const t of this.tracked.values()) {
      // A section shorter than one period needs no progress line: its summary follows at once.
      if (now - t.since < (this.opts.intervalMs ?? DEFAULT_INTERVAL_MS)) continue;
      const f = figures(t.stats, now - t.since);
      const text = `progress: ${progressText(t.stats.section, f, this.opts.testmode)}`;
      if (this.opts.testmode) {
        this.write(`${plainLine('info', `sources/${t.stats.section}`, text)}\n`);
      } else {
        const log = this.opts.logFor?.(t.stats.section) ?? getLogger(`sources/${t.stats.section}`);
        log.info(text, { progress: f });
      }
    }
  }

  private write(text: string): void {
    if (!text) return;
    (this.originalWrite ?? this.stream.write).call(this.stream, text);
  }

  /** Other writes to the terminal (log lines) erase the live lines first and redraw them after. */
  private hookStream(): void {
    if (this.originalWrite) return;
    const original = this.stream.write;
    this.originalWrite = original;
    this.stream.write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      const hadLines = this.drawn > 0;
      if (hadLines) {
        original.call(this.stream, this.eraseSequence());
        this.drawn = 0;
      }
      const ok = original.call(this.stream, chunk, ...rest);
      if (hadLines) {
        this.lastDraw = -Infinity;
        this.draw();
      }
      return ok;
    };
  }

  private unhookStream(): void {
    if (!this.originalWrite) return;
    this.stream.write = this.originalWrite;
    this.originalWrite = undefined;
  }
}
