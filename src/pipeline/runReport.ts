/**
 * `--report FILE`: the run's outcome as JSON for schedulers and monitoring, so that they need not parse logs. Written
 * once at the end, to a temporary name then renamed (a reader never sees half a report), secrets redacted.
 */
import { writeFileAtomic } from '../atomicWrite.js';
import { errorMessage } from '../errors.js';
import { getLogger, redactor } from '../logging.js';
import { VERSION } from '../version.js';
import type { SectionStats } from './summary.js';

export interface RunReport {
  connectorVersion: string;
  command: string;
  started: string;
  finished: string;
  exitCode: number;
  sections: SectionReport[];
}

export type SectionReport = ReturnType<typeof sectionReport>;

export function sectionReport(s: SectionStats) {
  return {
    section: s.section,
    ok: s.ok,
    pulled: s.pulled,
    filtered: s.filtered,
    skipped: s.skipped,
    pushed: s.pushed,
    failed: s.failed,
    spooled: s.spooled,
    notSent: s.notSent,
    sourceFailed: s.sourceFailed,
    converterErrors: s.converterErrors,
    // Offboarding (src/offboarding/README.md): only present when something was retired, held or came back.
    ...(s.retired || s.held || s.returned || s.retireNote ? { retired: s.retired, held: s.held, returned: s.returned, retireNote: s.retireNote ?? null } : {}),
    seconds: Math.round(s.seconds * 1000) / 1000,
    recordsPerSecond: s.seconds > 0 ? Math.round(s.pulled / s.seconds) : 0,
    stoppedEarly: s.canceled,
    stoppedBecause: s.stoppedBecause ?? null,
    fatal: s.fatal ?? null,
    /** sync_mode = incremental: true when this run read only the changes; `read` says what it read. */
    incremental: s.incremental,
    read: s.readNote ?? null,
    failedByClass: { transient: 0, permanent: 0, policy: 0, config: 0, ...s.failedByClass },
    /** The first failure of each class in failedByClass (it may come after the first problems listed in `failures`). */
    firstFailureByClass: s.firstByClass,
    /** The first problems of each kind, as the summary lists them. */
    failures: s.failures,
    skips: s.skips,
    converterProblems: s.converterProblems,
  };
}

export async function writeRunReport(file: string, run: { command: string; started: Date; exitCode: number; sections: SectionStats[] }): Promise<void> {
  const report: RunReport = {
    connectorVersion: VERSION,
    command: run.command,
    started: run.started.toISOString(),
    finished: new Date().toISOString(),
    exitCode: run.exitCode,
    sections: run.sections.map(sectionReport),
  };
  try {
    await writeFileAtomic(file, `${JSON.stringify(redactor.redactDeep(report), null, 2)}\n`);
  } catch (err) {
    // The run's own exit code still tells the scheduler what happened; a missing report must be loud, not fatal.
    getLogger('connector').error(`--report: cannot write "${file}" (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
    throw err;
  }
}
