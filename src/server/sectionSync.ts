/**
 * One served `[casper]` section: fetches a queued device from Jamf and sends the fetched devices through the
 * section's filter, mappings and converters to Oomnitza, one portion per flush (the same path as `upload`).
 */
import { errorMessage } from '../errors.js';
import type { PreparedSection } from '../pipeline/prepareSection.js';
import type { SectionRuntime } from '../pipeline/sectionRuntime.js';
import { printSummaries, SectionStats } from '../pipeline/summary.js';
import { syncSection, type RunOptions } from '../pipeline/syncSection.js';
import type { CasperSource } from '../sources/casper/index.js';
import type { RawRecord } from '../records.js';
import { SectionBatcher, type FetchFailure } from './batcher.js';
import type { QueuedDevice } from './queue.js';

export interface BatchTuning {
  maxRecords: number;
  windowMs: number;
}

/** Totals since the server started, for /healthz and the shutdown line. */
export interface SyncTotals {
  fetched: number;
  pushed: number;
  failed: number;
  filtered: number;
  skipped: number;
  flushes: number;
}

const NOUNS = { computers: 'computer', mobiledevices: 'mobile device' } as const;

export class SectionSync {
  private readonly batcher: SectionBatcher;
  readonly totals: SyncTotals = { fetched: 0, pushed: 0, failed: 0, filtered: 0, skipped: 0, flushes: 0 };

  constructor(
    private readonly rt: SectionRuntime,
    private readonly source: CasperSource,
    private readonly prepared: PreparedSection,
    private readonly oomnitza: SectionRuntimeOomnitza,
    private readonly runOpts: RunOptions,
    tuning: BatchTuning,
  ) {
    this.batcher = new SectionBatcher({
      maxRecords: tuning.maxRecords,
      windowMs: tuning.windowMs,
      maxBuffered: tuning.maxRecords * 2,
      flush: (records, failures) => this.flush(records, failures),
    });
  }

  get name(): string {
    return this.rt.section.name;
  }

  get syncType(): CasperSource['syncType'] {
    return this.source.syncType;
  }

  /** Called by the queue; never throws. */
  async process(device: QueuedDevice): Promise<void> {
    const label = `${NOUNS[this.source.syncType]} ${device.id}`;
    let record: RawRecord;
    try {
      record = await this.source.fetchDevice(device.id, this.prepared.request);
    } catch (err) {
      this.rt.log.warn(`could not read ${label} (events: ${device.events.join(', ')}): ${errorMessage(err)}`);
      this.batcher.fail(label, errorMessage(err));
      return;
    }
    this.totals.fetched++;
    this.rt.log.debug(`read ${label} for ${device.events.join(', ')}`);
    await this.batcher.add(record);
  }

  /** Sends what is still buffered (shutdown). */
  flushAll(): Promise<void> {
    return this.batcher.flushAll();
  }

  private async flush(records: RawRecord[], failures: FetchFailure[]): Promise<void> {
    const { section, log } = this.rt;
    const stats = new SectionStats(section.name);
    for (const f of failures) stats.sourceFail(f.id, f.reason);
    try {
      if (records.length) {
        await syncSection(
          { section, mappings: this.prepared.mappings, oomnitza: this.oomnitza, sandbox: this.prepared.sandbox, stats, log },
          iterate(records),
          this.runOpts,
        );
      }
    } catch (err) {
      stats.fatal ??= errorMessage(err);
    }
    stats.finish();
    this.totals.flushes++;
    this.totals.pushed += stats.pushed;
    this.totals.failed += stats.failed;
    this.totals.filtered += stats.filtered;
    this.totals.skipped += stats.skipped;
    printSummaries([stats], this.runOpts.testmode || section.common.test_run);
  }
}

type SectionRuntimeOomnitza = Parameters<typeof syncSection>[0]['oomnitza'];

async function* iterate(records: RawRecord[]): AsyncIterable<RawRecord> {
  yield* records;
}
