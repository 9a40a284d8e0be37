/**
 * The hook through which a run tells an observer which records the source returned, and lets it push update-only
 * records in the run's own portion before the portion is finalized (offboarding: src/offboarding/README.md). The
 * pipeline knows nothing about what the observer does with them.
 */
import type { SectionStats } from './summary.js';

export interface RunEnd {
  stats: SectionStats;
  /** --testmode or the section's test_run: pushUpdateOnly prints instead of sending. */
  testmode: boolean;
  /** --record-count: the read stopped early on purpose. */
  recordCount?: number;
  /** Why nothing more may be sent (a stop signal, a refusal, Oomnitza stopped answering); undefined when it may. */
  notSending?: string;
  /**
   * Pushes records as their own update-only batch in the run's portion (printed in testmode). Resolves false when
   * Oomnitza did not accept them; they are then failed, named and spooled like any other batch.
   */
  pushUpdateOnly(records: Record<string, unknown>[], names: string[]): Promise<boolean>;
}

export interface SeenRecords {
  /** Every mapped record of the run except the filtered ones (pushed, skipped or failed: all exist at the source). */
  seen(payload: Record<string, unknown>): void;
  /** After every read record was handled, before the portion is finalized. */
  end(run: RunEnd): Promise<void>;
}
