/**
 * Tells a source that its section's run succeeded (Source.onRunComplete), so that state it keeps between runs (a
 * watermark) moves on only when nothing read in this run was lost. Only `upload` calls this: a webhook sync
 * reads single records and says nothing about the rest.
 */
import { errorMessage } from '../errors.js';
import type { Source } from '../sources/types.js';
import type { SectionStats } from './summary.js';

export interface RunLimits {
  /** --testmode or the section's test_run: records were printed, not sent. */
  testmode: boolean;
  /** --record-count: the read stopped early on purpose. */
  recordCount?: number;
}

/** Calls the hook when the run succeeded; a failing hook fails the section (its summary says why). */
export async function completeRun(source: Source, stats: SectionStats, limits: RunLimits): Promise<void> {
  if (!source.onRunComplete || !stats.ok || stats.canceled || limits.testmode || limits.recordCount !== undefined) return;
  try {
    await source.onRunComplete({ pulled: stats.pulled, pushed: stats.pushed });
  } catch (err) {
    stats.fatal = `the run succeeded, but saving its state failed: ${errorMessage(err)}`;
  }
}
