/** Counters for one section's run and the one-line summary every run ends with. */
import { ERROR_CLASSES, type ErrorClass } from '../errors.js';
import { getLogger, redactor } from '../logging.js';
import { escapeForLog } from '../logText.js';

export interface Problem {
  /**
   * Which record(s): a source id, `file.csv:12`, or the name the pipeline gives (src/pipeline/recordName.ts):
   * `SERIAL_NUMBER="S1" (record #5, assets.csv:6)`, or the first and last of a batch.
   */
  id: string;
  reason: string;
  /** How many records this problem stands for (a failed batch: all of its records). */
  count: number;
  /** A failed delivery's class (errors.ts errorClass); absent for failures before the push (a bad row, a converter). */
  errorClass?: ErrorClass;
}

/** Problems listed (with reasons) per kind; the rest are counted. */
export const KEEP = 10;
/** Record ids and reasons carry source data and snippet text: one line each, and not endless. */
const MAX_ID = 300;
const MAX_REASON = 600;

export class SectionStats {
  pulled = 0;
  filtered = 0;
  skipped = 0;
  pushed = 0;
  failed = 0;
  /** Of `failed`: records the source could not produce (not part of `pulled`). */
  sourceFailed = 0;
  /**
   * Converter calls that failed, whatever `on_converter_error` then did with their record (sent the field as
   * null, skipped the record, failed it): a record can count more than once, one per failed field.
   */
  converterErrors = 0;
  /** A failure of the whole section (authentication, unreachable source): set when the run stopped early. */
  fatal?: string;
  canceled = false;
  /** Why the run stopped early when no failure of the section says it (a stop signal, an admin's cancel). */
  stoppedBecause?: string;
  /** sync_mode = incremental: what this run read ("incremental: changed since ...", "full read (...)"). */
  readNote?: string;
  /** True when this run read only what changed since a watermark: absent records are not gone, and min_records does not apply. */
  incremental = false;
  /** Of `failed`: records read but not delivered because the run's stop signal cut it short (never sent, or aborted in flight). */
  notSent = 0;
  /** Of `failed`: records written to the dead-letter spool (`connector replay` sends them again). */
  spooled = 0;
  /** Offboarding (src/offboarding/README.md): records retired (in testmode: that would be), held by retire_max, come back. */
  retired = 0;
  held = 0;
  returned = 0;
  /** Offboarding: why this run retired nothing although retire_missing is on (a partial run, the first run, ...). */
  retireNote?: string;
  /** Failed records per error class of their delivery (the failures before any push are not classed). */
  readonly failedByClass: Partial<Record<ErrorClass, number>> = {};
  /** The first failure of each class, kept even when it is not among the first KEEP failures listed. */
  readonly firstByClass: Partial<Record<ErrorClass, Problem>> = {};
  readonly failures: Problem[] = [];
  readonly skips: Problem[] = [];
  readonly converterProblems: Problem[] = [];
  private started = process.hrtime.bigint();
  private ended?: bigint;

  constructor(readonly section: string) {}

  /** `count`: the records `id` names (a batch); all of them are failed. */
  fail(id: string, reason: string, count = 1, errorClass?: ErrorClass): void {
    this.failed += count;
    const problem: Problem = { id, reason, count, ...(errorClass ? { errorClass } : {}) };
    if (errorClass) {
      this.failedByClass[errorClass] = (this.failedByClass[errorClass] ?? 0) + count;
      this.firstByClass[errorClass] ??= problem;
    }
    if (this.failures.length < KEEP) this.failures.push(problem);
  }

  sourceFail(id: string, reason: string): void {
    this.sourceFailed += 1;
    this.fail(id, reason);
  }

  skip(id: string, reason: string): void {
    this.skipped += 1;
    if (this.skips.length < KEEP) this.skips.push({ id, reason, count: 1 });
  }

  converterError(id: string, reason: string): void {
    this.converterErrors += 1;
    if (this.converterProblems.length < KEEP) this.converterProblems.push({ id, reason, count: 1 });
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
      `${verb} ${this.pushed}, failed ${this.failed}${byClass(this.failed, this.failedByClass)}, ` +
      (this.spooled ? `spooled ${this.spooled} (connector replay sends them), ` : '') +
      (this.converterErrors ? `converter errors ${this.converterErrors}, ` : '') +
      (this.retired ? `${testmode ? 'would retire' : 'retired'} ${this.retired}, ` : '') +
      (this.held ? `held ${this.held} (not retired), ` : '') +
      (this.returned ? `returned ${this.returned}, ` : '') +
      `${s.toFixed(1)} s, ${rate} records/s` +
      (this.readNote ? ` [${escapeForLog(this.readNote, MAX_REASON)}]` : '') +
      (this.canceled ? ` (stopped early${this.stoppedBecause ? `: ${escapeForLog(this.stoppedBecause, MAX_REASON)}` : ''})` : '') +
      (this.fatal ? ` - FAILED: ${escapeForLog(this.fatal, MAX_REASON)}` : '')
    );
  }

  /**
   * Detail lines under the summary: the first few problems with reasons, then the count of the records not
   * listed (exact: a listed batch accounts for all of its records, so a fully listed run has no "more" line).
   */
  details(): string[] {
    const out: string[] = [];
    const list = (label: string, total: number, items: Problem[], rest: string) => {
      for (const p of items) out.push(`  ${label} ${escapeForLog(p.id, MAX_ID)}: ${escapeForLog(p.reason, MAX_REASON)}`);
      const unlisted = total - items.reduce((sum, p) => sum + p.count, 0);
      if (unlisted > 0) out.push(`  ... and ${unlisted} more ${rest}`);
    };
    list('failed', this.failed, this.failures, 'failed record(s)');
    // Each class in the summary line has an example: the first of a class not among those listed above.
    for (const cls of ERROR_CLASSES) {
      const first = this.firstByClass[cls];
      if (first && !this.failures.includes(first)) out.push(`  first ${cls} failure ${escapeForLog(first.id, MAX_ID)}: ${escapeForLog(first.reason, MAX_REASON)}`);
    }
    list('skipped', this.skipped, this.skips, 'skipped record(s)');
    list('converter error', this.converterErrors, this.converterProblems, 'converter error(s)');
    if (this.retireNote) out.push(`  offboarding: ${escapeForLog(this.retireNote, MAX_REASON)}`);
    return out;
  }
}

/**
 * ` (transient 100, policy 1400)`: the failed records by the class of their delivery's error (errors.ts), and
 * `other` for those that failed before any push (a bad row, a converter); empty when none is classed.
 */
function byClass(failed: number, counts: Partial<Record<ErrorClass, number>>): string {
  const parts = ERROR_CLASSES.filter((c) => counts[c]).map((c) => `${c} ${counts[c]}`);
  if (!parts.length) return '';
  const other = failed - ERROR_CLASSES.reduce((sum, c) => sum + (counts[c] ?? 0), 0);
  return ` (${[...parts, ...(other > 0 ? [`other ${other}`] : [])].join(', ')})`;
}

/** The line under the sections' summaries of a run of several: the totals, so nobody adds them up by hand. */
export function overallLine(all: SectionStats[], testmode: boolean): string {
  const sum = (f: (s: SectionStats) => number) => all.reduce((n, s) => n + f(s), 0);
  const counts: Partial<Record<ErrorClass, number>> = {};
  for (const c of ERROR_CLASSES) counts[c] = sum((s) => s.failedByClass[c] ?? 0);
  const failed = sum((s) => s.failed);
  const spooled = sum((s) => s.spooled);
  const bad = all.filter((s) => !s.ok).length;
  return `overall: ${all.length} sections${bad ? `, ${bad} failed` : ''}: pulled ${sum((s) => s.pulled)}, ` +
    `${testmode ? 'printed (testmode)' : 'pushed'} ${sum((s) => s.pushed)}, failed ${failed}${byClass(failed, counts)}` +
    (spooled ? `, spooled ${spooled} (connector replay sends them)` : '');
}

const log = getLogger('connector');

/** The summary is the one thing an admin reads after a night run: it goes to the log (console and files). */
export function printSummaries(all: SectionStats[], testmode: boolean): void {
  for (const s of all) {
    const lines = [s.line(testmode), ...s.details()].map((l) => redactor.redact(l));
    const level = !s.ok ? 'error' : s.converterErrors ? 'warn' : 'info';
    log.log(level, lines.join('\n'));
  }
  if (all.length > 1) log.log(all.every((s) => s.ok) ? 'info' : 'error', redactor.redact(overallLine(all, testmode)));
}
