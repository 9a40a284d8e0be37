/**
 * One served section: fetches each queued record from the section's source (`Source.fetchOne`) and sends the
 * fetched records through the section as prepareSection() built it (filter, mappings, bound converters such as
 * `location`, sandbox) to Oomnitza, one portion per flush: the same path as `upload`.
 *
 * Every record a webhook got accepted for ends in exactly one count: pushed, filtered, skipped, failed (the source
 * or Oomnitza refused it, a transient fetch failure included once its retries ran out) or not sent (the server's
 * stop cut its fetch or push short; see serve.ts). A transient fetch failure is tried again later, with backoff.
 */
import { errorMessage, TransientError } from '../errors.js';
import type { OomnitzaClient } from '../oomnitza/client.js';
import type { PreparedSection } from '../pipeline/prepareSection.js';
import { printSummaries, SectionStats } from '../pipeline/summary.js';
import { syncSection, type RunOptions } from '../pipeline/syncSection.js';
import type { RawRecord } from '../records.js';
import type { ReadRequest, RecordId, WebhookDescriptor } from '../sources/types.js';
import { SectionBatcher, type Fetched, type FetchFailure } from './batcher.js';
import { escapeForLog, quoteForLog } from './logText.js';
import type { ProcessResult, QueuedRecord } from './queue.js';

export interface BatchTuning {
  maxRecords: number;
  windowMs: number;
}

/** A fetch that failed transiently (timeout, 5xx, connection refused, out of file descriptors) is tried again. */
export interface FetchRetry {
  /** Fetches of one record at most, the first included. */
  attempts: number;
  /** Before the first retry; doubled before each next one. */
  delayMs: number;
}

/** Totals since the server started, for /healthz and the shutdown line. */
export interface SyncTotals {
  fetched: number;
  pushed: number;
  failed: number;
  filtered: number;
  skipped: number;
  flushes: number;
  /** Fetches tried again after a transient failure. */
  retried: number;
  /** Accepted, but the stop cut the fetch or the push short. */
  notSent: number;
  /** Portions whose sync failed as a whole (e.g. finalizing it in Oomnitza), whatever their records did. */
  failedPortions: number;
}

/** Names of records lost at the stop kept for the log line; the count is always exact. */
const MAX_NAMED = 20;

export class SectionSync {
  private readonly batcher: SectionBatcher;
  private readonly fetchOne: (id: RecordId, request: ReadRequest) => Promise<RawRecord>;
  /** Aborted when the stop's time is up: fetches and pushes end, what they held is not sent. */
  private readonly stop: AbortSignal;
  /** The Oomnitza client as this section's pushes see it: its requests end when `stop` aborts. */
  private readonly oomnitza: OomnitzaClient | undefined;
  /** One entry per fetch in flight (a record queued again by a new event may be fetched twice at once). */
  private readonly fetching = new Set<{ label: string }>();
  private flushing: Fetched[] = [];
  /** Set when the stop gave up waiting: the counts are final, late results change nothing. */
  private abandoned = false;
  /** The kind of record this section syncs (Jamf: its sync_type); events naming another kind are not for it. */
  readonly recordKind: string;
  readonly totals: SyncTotals = { fetched: 0, pushed: 0, failed: 0, filtered: 0, skipped: 0, flushes: 0, retried: 0, notSent: 0, failedPortions: 0 };
  /** The first MAX_NAMED records counted in `notSent`. */
  readonly notSentNames: string[] = [];
  /** Called with each portion's counts once it ended (the metrics endpoint, src/metrics/). */
  onPortion?: (stats: SectionStats) => void;
  /** Called with the portion's batches waiting for a push worker whenever that changes (the metrics endpoint). */
  onQueueDepth?: (waiting: number) => void;

  constructor(
    private readonly prepared: PreparedSection,
    readonly webhook: WebhookDescriptor,
    private readonly runOpts: RunOptions,
    tuning: BatchTuning,
    private readonly retry: FetchRetry,
  ) {
    const { source, section } = prepared;
    if (typeof source.fetchOne !== 'function') {
      throw new Error(`[${section.name}] the ${section.type} source declares webhooks but cannot fetch one record (no fetchOne)`);
    }
    this.fetchOne = source.fetchOne.bind(source);
    this.stop = runOpts.signal;
    this.oomnitza = prepared.oomnitza && stoppable(prepared.oomnitza, this.stop);
    this.recordKind = webhook.recordKind(section.settings as never);
    this.batcher = new SectionBatcher({
      maxRecords: tuning.maxRecords,
      windowMs: tuning.windowMs,
      maxBuffered: tuning.maxRecords * 2,
      flush: (fetched, failures) => this.flush(fetched, failures),
    });
  }

  get name(): string {
    return this.prepared.section.name;
  }

  /** "computer 12": a record of `kind` in log lines and the summary (an id that is not a number is quoted: a client sent it). */
  label(kind: string, id: RecordId): string {
    return `${this.webhook.nouns[kind] ?? kind} ${typeof id === 'number' ? id : quoteForLog(String(id), 64)}`;
  }

  /** Called by the queue; never throws. Resolves `{ retryInMs }` when the fetch is to be tried again later. */
  async process(queued: QueuedRecord<RecordId>): Promise<ProcessResult> {
    const { log, request } = this.prepared;
    const label = this.label(this.recordKind, queued.id);
    // Event names come from the request body: a source may pass on any text there.
    const events = queued.events.map((e) => escapeForLog(e, 60)).join(', ');
    let record: RawRecord;
    const inFlight = { label };
    this.fetching.add(inFlight);
    try {
      record = await this.fetchOne(queued.id, request);
    } catch (err) {
      if (this.abandoned) return;
      if (this.stop.aborted) {
        this.countNotSent([label]);
        return;
      }
      const { attempts, delayMs } = this.retry;
      if (err instanceof TransientError && queued.attempt < attempts) {
        const wait = delayMs * 2 ** (queued.attempt - 1);
        this.totals.retried++;
        log.warn(`could not read ${label} (events: ${events}; attempt ${queued.attempt} of ${attempts}): ${errorMessage(err)}; ` +
          `trying again in ${seconds(wait)} s`);
        return { retryInMs: wait };
      }
      const tries = queued.attempt > 1 ? ` (after ${queued.attempt} attempts)` : '';
      log.warn(`could not read ${label} (events: ${events})${tries}: ${errorMessage(err)}`);
      this.batcher.fail(label, `${errorMessage(err)}${tries}`);
      return;
    } finally {
      this.fetching.delete(inFlight);
    }
    if (this.abandoned) return;
    this.totals.fetched++;
    log.debug(`read ${label} for ${events}`);
    await this.batcher.add(record, label);
  }

  /** Sends what is still buffered (shutdown). */
  flushAll(): Promise<void> {
    return this.batcher.flushAll();
  }

  /**
   * The stop's time is up (the signal has aborted): what waits for a flush is not sent; failures waiting to be
   * reported are counted. A running flush and fetches end on the signal and count themselves.
   */
  stopNow(): void {
    const { fetched, failures } = this.batcher.take();
    this.countNotSent(fetched.map((f) => f.label));
    this.totals.failed += failures.length;
  }

  /** The stop no longer waits: records still being fetched or sent are not sent, and the counts are final. */
  abandon(): void {
    if (this.abandoned) return;
    this.countNotSent([...this.fetching, ...this.flushing].map((f) => f.label));
    this.abandoned = true;
  }

  private countNotSent(labels: string[]): void {
    this.totals.notSent += labels.length;
    for (const label of labels) if (this.notSentNames.length < MAX_NAMED) this.notSentNames.push(label);
  }

  private async flush(fetched: Fetched[], failures: FetchFailure[]): Promise<void> {
    const { section } = this.prepared;
    const stats = new SectionStats(section.name);
    for (const f of failures) stats.sourceFail(f.id, f.reason);
    this.flushing = fetched;
    try {
      if (fetched.length) await syncSection({ ...this.prepared, oomnitza: this.oomnitza, stats }, iterate(fetched.map((f) => f.record)), { ...this.runOpts, onQueueDepth: this.onQueueDepth });
    } catch (err) {
      stats.fatal ??= errorMessage(err);
    } finally {
      this.flushing = [];
    }
    if (this.abandoned) return;
    // A stopping run reads no further (syncSection ends at the signal): the rest of the portion was not sent.
    const unread = fetched.length - Math.min(stats.pulled, fetched.length);
    if (unread > 0) stats.fail('not sent', 'the server stopped (--drain-timeout) before these were sent', unread);
    // Records read whose push the stop cut short or never started (syncSection counts them in stats.notSent).
    const abortedRecords = stats.notSent;
    const notSent = unread + abortedRecords;
    // Named exactly: the unread tail, and the records read when every one of them was in a push cut short.
    const read = fetched.slice(0, fetched.length - unread);
    const named = [...(abortedRecords > 0 && abortedRecords === read.length ? read : []), ...fetched.slice(read.length)];
    this.countNotSent(named.map((f) => f.label));
    this.totals.notSent += notSent - named.length;
    stats.finish();
    this.totals.flushes++;
    this.totals.pushed += stats.pushed;
    this.totals.failed += stats.failed - notSent;
    this.totals.filtered += stats.filtered;
    this.totals.skipped += stats.skipped;
    if (stats.fatal) this.totals.failedPortions++;
    if (notSent > 0) stats.canceled = true;
    printSummaries([stats], this.runOpts.testmode || section.common.test_run);
    this.onPortion?.(stats);
  }
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(ms < 10_000 ? 1 : 0);
}

async function* iterate(records: RawRecord[]): AsyncIterable<RawRecord> {
  yield* records;
}

/** Rejects with the signal's reason as soon as it aborts, whatever `promise` does afterwards (its outcome is then ignored). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Starts `request` unless `signal` has aborted already; either way ends when the signal aborts. */
function unlessAborted<T>(request: () => Promise<T>, signal: AbortSignal): Promise<T> {
  return signal.aborted ? Promise.reject(signal.reason) : untilAborted(request(), signal);
}

/**
 * The client with every request a sync makes ending when `signal` aborts: a hanging Oomnitza must not hold the
 * stop past its time. (pushBulk takes a signal; finalize and the cancel check are only waited for until then.)
 */
function stoppable(client: OomnitzaClient, signal: AbortSignal): OomnitzaClient {
  return Object.create(client, {
    pushBulk: { value: (payload: Parameters<OomnitzaClient['pushBulk']>[0], own?: AbortSignal) => client.pushBulk(payload, own ? AbortSignal.any([own, signal]) : signal) },
    finalize: { value: (portion: string) => unlessAborted(() => client.finalize(portion), signal) },
    isCanceled: { value: (portion: string) => unlessAborted(() => client.isCanceled(portion), signal).catch(() => false) },
  }) as OomnitzaClient;
}

