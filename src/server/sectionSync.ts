/**
 * One served section: fetches each queued record from the section's source (`Source.fetchOne`) and sends the
 * fetched records through the section as prepareSection() built it (filter, mappings, bound converters such as
 * `location`, sandbox) to Oomnitza, one portion per flush: the same path as `upload`.
 */
import { errorMessage } from '../errors.js';
import type { PreparedSection } from '../pipeline/prepareSection.js';
import { printSummaries, SectionStats } from '../pipeline/summary.js';
import { syncSection, type RunOptions } from '../pipeline/syncSection.js';
import type { RawRecord } from '../records.js';
import type { ReadRequest, RecordId, WebhookDescriptor } from '../sources/types.js';
import { SectionBatcher, type FetchFailure } from './batcher.js';
import type { QueuedRecord } from './queue.js';

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

export class SectionSync {
  private readonly batcher: SectionBatcher;
  private readonly fetchOne: (id: RecordId, request: ReadRequest) => Promise<RawRecord>;
  /** The kind of record this section syncs (Jamf: its sync_type); events naming another kind are not for it. */
  readonly recordKind: string;
  readonly totals: SyncTotals = { fetched: 0, pushed: 0, failed: 0, filtered: 0, skipped: 0, flushes: 0 };

  constructor(
    private readonly prepared: PreparedSection,
    readonly webhook: WebhookDescriptor,
    private readonly runOpts: RunOptions,
    tuning: BatchTuning,
  ) {
    const { source, section } = prepared;
    if (typeof source.fetchOne !== 'function') {
      throw new Error(`[${section.name}] the ${section.type} source declares webhooks but cannot fetch one record (no fetchOne)`);
    }
    this.fetchOne = source.fetchOne.bind(source);
    this.recordKind = webhook.recordKind(section.settings as never);
    this.batcher = new SectionBatcher({
      maxRecords: tuning.maxRecords,
      windowMs: tuning.windowMs,
      maxBuffered: tuning.maxRecords * 2,
      flush: (records, failures) => this.flush(records, failures),
    });
  }

  get name(): string {
    return this.prepared.section.name;
  }

  /** "computer 12": a record of `kind` in log lines and the summary. */
  label(kind: string, id: RecordId): string {
    return `${this.webhook.nouns[kind] ?? kind} ${id}`;
  }

  /** Called by the queue; never throws. */
  async process(queued: QueuedRecord<RecordId>): Promise<void> {
    const { log, request } = this.prepared;
    const label = this.label(this.recordKind, queued.id);
    let record: RawRecord;
    try {
      record = await this.fetchOne(queued.id, request);
    } catch (err) {
      log.warn(`could not read ${label} (events: ${queued.events.join(', ')}): ${errorMessage(err)}`);
      this.batcher.fail(label, errorMessage(err));
      return;
    }
    this.totals.fetched++;
    log.debug(`read ${label} for ${queued.events.join(', ')}`);
    await this.batcher.add(record);
  }

  /** Sends what is still buffered (shutdown). */
  flushAll(): Promise<void> {
    return this.batcher.flushAll();
  }

  private async flush(records: RawRecord[], failures: FetchFailure[]): Promise<void> {
    const { section } = this.prepared;
    const stats = new SectionStats(section.name);
    for (const f of failures) stats.sourceFail(f.id, f.reason);
    try {
      if (records.length) await syncSection({ ...this.prepared, stats }, iterate(records), this.runOpts);
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

async function* iterate(records: RawRecord[]): AsyncIterable<RawRecord> {
  yield* records;
}
