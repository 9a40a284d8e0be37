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

/** State the core keeps for the source (the watermark of an incremental read, src/pipeline/incremental.ts). */
export interface RunState {
  /** Saves it; returns what to log. */
  save(): Promise<string | undefined>;
}

/**
 * Calls the hook and saves the section's incremental state when the run succeeded; a failing hook or save fails the
 * section (its summary says why). The one gate for every watermark: a failed, partial or test run moves none.
 */
export async function completeRun(source: Source, stats: SectionStats, limits: RunLimits, state?: RunState, log?: { info(m: string): unknown }): Promise<void> {
  if (!stats.ok || stats.canceled || limits.testmode || limits.recordCount !== undefined) return;
  try {
    await source.onRunComplete?.({ pulled: stats.pulled, pushed: stats.pushed });
    const said = await state?.save();
    if (said) log?.info(said);
  } catch (err) {
    stats.fatal = `the run succeeded, but saving its state failed: ${errorMessage(err)}`;
  }
}
