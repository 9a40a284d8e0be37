/** Counters for one section's run and the one-line summary every run ends with. */
import { getLogger, redactor } from '../logging.js';

export interface Problem {
  /** Which record: a source id, `file.csv:12`, or the record's sync field value. */
  id: string;
  reason: string;
}

const KEEP = 10;

export class SectionStats {
  pulled = 0;
  filtered = 0;
  skipped = 0;
  pushed = 0;
  failed = 0;
  /** Of `failed`: records the source could not produce (not part of `pulled`). */
  sourceFailed = 0;
  /** A failure of the whole section (authentication, unreachable source): set when the run stopped early. */
  fatal?: string;
  canceled = false;
  readonly failures: Problem[] = [];
  readonly skips: Problem[] = [];
  private started = process.hrtime.bigint();
  private ended?: bigint;

  constructor(readonly section: string) {}

  fail(id: string, reason: string, count = 1): void {
    this.failed += count;
    if (this.failures.length < KEEP) this.failures.push({ id, reason });
  }

  sourceFail(id: string, reason: string): void {
    this.sourceFailed += 1;
    this.fail(id, reason);
  }

  skip(id: string, reason: string): void {
    this.skipped += 1;
    if (this.skips.length < KEEP) this.skips.push({ id, reason });
  }

  /** The section's clock starts when it starts reading (not while other sections or Oomnitza login run). */
  start(): void {
    this.started = process.hrtime.bigint();
  }

  finish(): void {
    this.ended ??= process.hrtime.bigint();
  }

  get seconds(): number {
    return Number((this.ended ?? process.hrtime.bigint()) - this.started) / 1e9;
  }

  get ok(): boolean {
    return this.failed === 0 && !this.fatal;
  }

  line(testmode: boolean): string {
    const s = this.seconds;
    const rate = s > 0 ? Math.round(this.pulled / s) : 0;
    const verb = testmode ? 'printed (testmode)' : 'pushed';
    return (
      `[${this.section}] pulled ${this.pulled}, filtered out ${this.filtered}, skipped ${this.skipped}, ` +
      `${verb} ${this.pushed}, failed ${this.failed}, ${s.toFixed(1)} s, ${rate} records/s` +
      (this.canceled ? ' (stopped early)' : '') +
      (this.fatal ? ` - FAILED: ${this.fatal}` : '')
    );
  }

  /** Detail lines under the summary: the first few problems with reasons, then a count of the rest. */
  details(): string[] {
    const out: string[] = [];
    const list = (label: string, total: number, items: Problem[]) => {
      for (const p of items) out.push(`  ${label} ${p.id}: ${p.reason}`);
      if (total > items.length) out.push(`  ... and ${total - items.length} more ${label} record(s)`);
    };
    list('failed', this.failed, this.failures);
    list('skipped', this.skipped, this.skips);
    return out;
  }
}

const log = getLogger('connector');

/** The summary is the one thing an admin reads after a night run: it goes to the log (console and files). */
export function printSummaries(all: SectionStats[], testmode: boolean): void {
  for (const s of all) {
    const lines = [s.line(testmode), ...s.details()].map((l) => redactor.redact(l));
    (s.ok ? log.info.bind(log) : log.error.bind(log))(lines.join('\n'));
  }
}
