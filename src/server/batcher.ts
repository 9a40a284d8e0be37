/**
 * Collects the devices fetched for one section and hands them to Oomnitza in portions: a flush when
 * `maxRecords` are waiting or `windowMs` after the first one arrived, whichever comes first. One flush runs at
 * a time; while it runs, new records wait for the next one, and fetchers pause once `maxBuffered` wait
 * (back-pressure when Oomnitza is slow, instead of an ever-growing buffer).
 */
import type { RawRecord } from '../records.js';

export interface FetchFailure {
  id: string;
  reason: string;
}

/** A fetched record and how logs name it ("computer 12"). */
export interface Fetched {
  record: RawRecord;
  label: string;
}

export interface BatcherOptions {
  maxRecords: number;
  windowMs: number;
  maxBuffered: number;
  /** Must not throw. */
  flush(fetched: Fetched[], failures: FetchFailure[]): Promise<void>;
}

export class SectionBatcher {
  private records: Fetched[] = [];
  private failures: FetchFailure[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private spaceWaiters: Array<() => void> = [];

  constructor(private readonly opts: BatcherOptions) {}

  async add(record: RawRecord, label = ''): Promise<void> {
    while (this.records.length >= this.opts.maxBuffered) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    this.records.push({ record, label });
    this.schedule();
  }

  fail(id: string, reason: string): void {
    this.failures.push({ id, reason });
    this.schedule();
  }

  /** Flushes everything waiting, now; resolves when nothing is left (shutdown). */
  async flushAll(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.running || this.records.length || this.failures.length) {
      if (this.running) await this.running;
      else this.start();
    }
  }

  /** Hard stop: hands back what waits for a flush (it will not be sent); a running flush goes on. */
  take(): { fetched: Fetched[]; failures: FetchFailure[] } {
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken = { fetched: this.records, failures: this.failures };
    this.records = [];
    this.failures = [];
    this.releaseWaiters();
    return taken;
  }

  private schedule(): void {
    if (this.running) return; // the running flush picks the rest up when it ends
    if (this.records.length >= this.opts.maxRecords) {
      this.start();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.running) this.start();
      }, this.opts.windowMs);
    }
  }

  private start(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.records.splice(0, this.opts.maxRecords);
    const failures = this.failures;
    this.failures = [];
    this.releaseWaiters();
    this.running = this.opts.flush(records, failures).finally(() => {
      this.running = undefined;
      if (this.records.length || this.failures.length) this.schedule();
    });
  }

  private releaseWaiters(): void {
    const waiters = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
