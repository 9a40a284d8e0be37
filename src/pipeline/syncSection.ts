/**
 * One section's sync: source records -> transform (filter, map, convert) -> batches -> pushed by a pool of
 * `workers` concurrent requests. Buffers are bounded: reading waits while `workers` batches are in flight,
 * so memory does not grow with the number of records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { ConnectorError, errorClass, errorMessage, PermanentError, type ErrorClass } from '../errors.js';
import { Breaker, isNoAnswer } from '../http/breaker.js';
import { HttpError } from '../http/httpError.js';
import { redactor, type Logger } from '../logging.js';
import type { BulkPayload, PushLimits } from '../oomnitza/client.js';
import { oomnitzaSettings } from '../oomnitza/settings.js';
import type { RawRecord } from '../records.js';
import type { DeadLetterSpool } from '../spool/deadLetterSpool.js';
import type { PreparedSection } from './prepareSection.js';
import { batchName, recordName, refOf, type NumberedPayload } from './recordName.js';
import type { SeenRecords } from './seenRecords.js';
import { SectionStats } from './summary.js';
import { Transformer, type Outcome } from './transform.js';

export interface RunOptions {
  testmode: boolean;
  saveData: boolean;
  /** Stop after this many records (--record-count). */
  recordCount?: number;
  workers: number;
  /**
   * Aborted on SIGTERM / Ctrl-C (its reason names the signal): stop reading and send no further batch; the batches in
   * flight and the finalize get the client's stop grace ([oomnitza] stop_grace), then are aborted. Every record read
   * and not delivered is failed with the reason and counted in `notSent`.
   */
  signal: AbortSignal;
  /** Where --testmode prints payloads (stdout). */
  print: (text: string) => void;
  connectorVersion: string;
  saveDir: string;
  /** How often to ask Oomnitza whether an admin canceled the run (default 10 s). */
  cancelCheckMs?: number;
  /** Where undelivered batches are kept for `connector replay` (not in testmode: nothing is sent there). */
  spool?: DeadLetterSpool;
  /** Told every record the source returned, and called before finalize (offboarding: src/offboarding/README.md). */
  seenRecords?: SeenRecords;
  /** Called with the number of batches waiting for a push worker whenever it changes (the queue-depth gauge). */
  onQueueDepth?: (waiting: number) => void;
}

/**
 * One run of a section: the section as prepareSection() built it (mappings, bound converters, sandbox, Oomnitza
 * client: all required, so no caller can leave one out) and this run's counts.
 */
export interface SectionRun extends PreparedSection {
  stats: SectionStats;
}

/**
 * Records are transformed in chunks of this size: one sandbox round trip per chunk. Small, because what is in flight
 * (the chunks ahead, the batches being pushed) is what every young-generation collection copies: 1,000 with 2 ahead
 * cost more CPU in collections than 4x the round trips, and ~15 MB more peak RSS (issue 19, bench/README.md).
 */
const CHUNK = 250;
/** Chunks that may be in the pipeline (transforming, waiting for pool slots) while the next one is read. */
const CHUNKS_AHEAD = 1;
/** Records read between two turns of the event loop. */
const YIELD_EVERY = 100;
/** How often to ask Oomnitza whether an admin canceled the run. */
const CANCEL_CHECK_MS = 10_000;
/** 400/422 on a batch: resend its records one by one so only the bad ones fail. */
const ISOLATE_STATUSES = new Set([400, 422]);
/** Without an Oomnitza client (in testmode nothing is sent): the defaults of [oomnitza] stop_after_timeouts, breaker_cooldown and stop_grace. */
const DEFAULT_LIMITS: PushLimits = {
  stopAfterTimeouts: oomnitzaSettings.stop_after_timeouts.default,
  breakerCooldownMs: oomnitzaSettings.breaker_cooldown.default * 1000,
  stopGraceMs: oomnitzaSettings.stop_grace.default * 1000,
  describe: '',
};

/** What stopped a run, as its signal's reason says ("SIGTERM"); an abort without a reason is just "stopped". */
export function stopCause(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'the run was stopped';
}

export async function syncSection(run: SectionRun, records: AsyncIterable<RawRecord>, opts: RunOptions): Promise<SectionStats> {
  const { section, stats, log } = run;
  stats.start();
  const portion = randomUUID();
  const batchSize = section.common.batch_size;
  const syncFields = section.common.sync_field;
  const testmode = opts.testmode || section.common.test_run;
  const variant = section.plugin.variant(section.settings as never);
  const transformer = new Transformer({
    mappings: run.mappings,
    settingText: section.settingText,
    sandbox: run.sandbox,
    filter: section.filter ? section.filter.name : undefined,
    log,
    converters: run.converters,
    onConverterError: section.common.on_converter_error,
    stats,
    describeRecord: (payload, n, record) => recordName(payload, syncFields, refOf(record, n)),
  });
  const saver = opts.saveData ? new DataSaver(path.join(opts.saveDir, section.name), portion, log) : undefined;

  // Each record keeps its read number (and origin) up to the push, so a failed batch names the records it held.
  let outBatch: NumberedPayload[] = [];
  let batchNo = 0;
  const inFlight = new Set<Promise<void>>();
  /** Batches waiting for a push worker, as last reported to onQueueDepth. */
  let queued = 0;
  /** Set when no further batch may be sent: Oomnitza refused the credentials (policy). */
  let stopReason: string | undefined;
  let tooLarge: true | undefined;
  let spoolBroken: string | undefined;
  const limits = run.oomnitza?.pushLimits ?? DEFAULT_LIMITS;
  // The push breaker (src/http/breaker.ts) is the client's, shared by the sections and portions it sends. While it is
  // open, batches are spooled without being sent; after the cool-down the next batch is the probe.
  const breaker = run.oomnitza?.pushBreaker ?? new Breaker({ threshold: 0, coolDownMs: 0 }, Date.now, isNoAnswer);
  const breakerMessage = () => `Oomnitza stopped answering (${limits.describe}, stop_after_timeouts = ${limits.stopAfterTimeouts}): ${breaker.reason}`;
  /** Records this run did not send because the breaker was open. */
  let heldBack = 0;
  // Aborts the pushes in flight and the finalize: when the breaker opens (renewed for the probe), or when the grace
  // after a stop signal ran out (for good). Without it a push to an Oomnitza that never answers would hold the stop
  // for timeout x retries.
  let abortPushes = new AbortController();
  let graceOver = false;
  let graceTimer: NodeJS.Timeout | undefined;
  /**
   * Batches waiting for a pool slot: woken when a push ends or the stop signal comes (then they are not sent). A set
   * of one-shot wakers rather than racing one long-lived promise, which would keep a reaction per wait until the end.
   */
  const waitingForSlot = new Set<() => void>();
  const wakeWaiting = () => {
    for (const wake of waitingForSlot) wake();
    waitingForSlot.clear();
  };
  const onStop = () => {
    fillSlots();
    graceTimer = setTimeout(() => {
      graceOver = true;
      abortPushes.abort(new ConnectorError(
        `stopped early: ${stopCause(opts.signal)}, and [oomnitza] stop_grace (${limits.stopGraceMs / 1000} s) ran out before Oomnitza answered`,
      ));
    }, limits.stopGraceMs);
  };
  /**
   * The abort signal of a push or the finalize about to start: a fresh one once the breaker let it through again (the
   * last one was aborted when it opened; its probe may have been another section's), never after the stop grace.
   */
  const pushSignal = (): AbortSignal => {
    if (abortPushes.signal.aborted && !graceOver) abortPushes = new AbortController();
    return abortPushes.signal;
  };
  /** Why no further batch may be sent, if none may. */
  const notSending = (): string | undefined => stopReason ?? (opts.signal.aborted ? `stopped early: ${stopCause(opts.signal)}` : undefined);
  /** Records read and not delivered because of the stop signal (not of a refusal or the breaker: those are failures of Oomnitza). */
  const countNotSent = (n: number) => {
    if (opts.signal.aborted && !stopReason) stats.notSent += n;
  };
  let lastCancelCheck = Date.now();
  let seen = 0;

  const payloadFor = (batch: NumberedPayload[]): BulkPayload => ({
    connector_version: opts.connectorVersion,
    sync_field: syncFields,
    records: batch.map((r) => r.payload),
    portion,
    data_type: variant.dataType,
    insert_only: section.common.insert_only,
    update_only: section.common.update_only,
    error: null,
    connector_name: variant.mappingName,
  });

  /**
   * A batch that will not be delivered: into the dead-letter spool (so `connector replay` can send it), then failed
   * with its cause. A spool that cannot be written is said once; the records are still counted and named as failed.
   */
  const failBatch = async (batch: NumberedPayload[], reason: string, cls: ErrorClass): Promise<void> => {
    if (opts.spool && !testmode && !spoolBroken) {
      const { records, portion: meant, connector_name, data_type, sync_field, insert_only, update_only } = payloadFor(batch);
      try {
        await opts.spool.append({
          section: section.name, portion: meant, cause: reason, errorClass: cls, connector_name, data_type, sync_field, insert_only, update_only,
          names: batch.map((r) => recordName(r.payload, syncFields, r.ref)), records,
        });
        stats.spooled += batch.length;
      } catch (err) {
        spoolBroken = errorMessage(err);
        log.error(`${spoolBroken}; undelivered records are no longer spooled in this run (they are listed as failed)`);
      }
    }
    stats.fail(batchName(batch, syncFields), reason, batch.length, cls);
  };

  const push = async (batch: NumberedPayload[]): Promise<void> => {
    // Once Oomnitza refused the credentials every further request is doomed (and hammers the account lockout); once
    // it stopped answering every further one costs timeout x retries; after a stop signal nothing new is started.
    // The batches queued behind are failed with the cause instead of being sent.
    const unsent = notSending();
    if (unsent) {
      countNotSent(batch.length);
      await failBatch(batch, `not sent: ${unsent}`, stopReason ? 'policy' : 'transient');
      return;
    }
    const payload = payloadFor(batch);
    await saver?.write('payload', redactor.redactDeep(payload));
    if (testmode) {
      opts.print(redactor.redact(JSON.stringify(payload, null, 2)));
      stats.pushed += batch.length;
      return;
    }
    const admitted = breaker.tryAdmit();
    if (!admitted) {
      heldBack += batch.length;
      await failBatch(batch, `not sent: ${breakerMessage()} (${breaker.nextProbe})`, 'transient');
      return;
    }
    const signal = pushSignal();
    try {
      await run.oomnitza!.pushBulk(payload, signal);
      breaker.answered(admitted.probe);
      stats.pushed += batch.length;
    } catch (err) {
      if (!(err instanceof HttpError) && (signal.aborted || opts.signal.aborted)) {
        // Cut short by us (the breaker, the stop grace, serve's stop): Oomnitza may or may not have the batch.
        breaker.released(admitted.probe);
        const reason: unknown = signal.aborted ? signal.reason : opts.signal.reason;
        countNotSent(batch.length);
        await failBatch(batch, `not delivered: ${errorMessage(reason)}`, 'transient');
        return;
      }
      breaker.failed(err, admitted.probe);
      const status = (err as { status?: number }).status;
      if (status === 413 && batch.length > 1) {
        // The server's body-size limit: halve until the parts fit, so a limit never fails the whole sync.
        tooLarge ??= (log.warn(`Oomnitza refused a batch of ${batch.length} as too large (HTTP 413); sending it in smaller parts. ` +
          `Lower batch_size (now ${batchSize}) for this section to avoid the extra requests`), true);
        const half = Math.ceil(batch.length / 2);
        await push(batch.slice(0, half));
        await push(batch.slice(half));
        return;
      }
      if (err instanceof PermanentError && status !== undefined && ISOLATE_STATUSES.has(status) && batch.length > 1) {
        log.warn(`a batch of ${batch.length} was rejected (${status}); resending its records one by one to find the bad ones`);
        for (const record of batch) await push([record]);
        return;
      }
      if ((status === 401 || status === 403) && !stopReason) stopReason = `Oomnitza refused the request: ${errorMessage(err)}`;
      const hint = status === 413 ? ' (this one record is larger than Oomnitza accepts)' : '';
      await failBatch(batch, `${errorMessage(err)}${hint}`, errorClass(err));
    }
  };

  /**
   * Batches ready to be pushed, in read order, waiting for a pool slot. Up to `workers` of them are kept, so that when
   * the batches in flight come back together (they were sent together) every slot is filled at once instead of
   * waiting for the next chunks to be read and transformed: with one batch queued, a 20 ms Oomnitza got ~83% of
   * workers x batch / latency (bench/README.md, issue 19). Bounded: the reader waits while the queue is full.
   */
  const ready: NumberedPayload[][] = [];
  const reportQueue = () => {
    if (ready.length !== queued) opts.onQueueDepth?.((queued = ready.length));
  };
  /** Nothing more is sent (or not now: the breaker is open): queued batches are failed at once rather than wait for a slot behind pushes that may be hanging. */
  const held = () => notSending() !== undefined || breaker.state === 'open';
  const startPush = (batch: NumberedPayload[]) => {
    const p = push(batch).finally(() => {
      inFlight.delete(p);
      fillSlots();
    });
    inFlight.add(p);
  };
  const fillSlots = () => {
    while (ready.length && (inFlight.size < opts.workers || held())) startPush(ready.shift()!);
    reportQueue();
    wakeWaiting();
  };
  const dispatch = async (batch: NumberedPayload[]) => {
    // Failed (and spooled) one at a time, as the reader gives them: no queue grows while nothing can be sent. (What
    // made held() true, a stop, a refusal or the breaker opening, already flushed the queue through fillSlots.)
    if (held()) return push(batch);
    ready.push(batch);
    fillSlots();
    // Back-pressure: never more than `workers` batches in flight and `workers` waiting.
    while (ready.length >= opts.workers && !held()) await new Promise<void>((resolve) => waitingForSlot.add(resolve));
  };
  /** Until every batch queued or in flight has been pushed (a push that ends starts the next queued one). */
  const drain = async () => {
    fillSlots();
    while (inFlight.size) await Promise.all([...inFlight]);
  };

  const unwatchBreaker = breaker.watch((state) => {
    if (state !== 'open') return;
    // The pushes in flight would each still wait timeout x retries: abort them (they are spooled), and let the
    // batches waiting for a slot go to the spool at once.
    abortPushes.abort(new ConnectorError(`aborted in flight: ${breakerMessage()}`));
    fillSlots();
  });
  if (opts.signal.aborted) onStop();
  else opts.signal.addEventListener('abort', onStop, { once: true });

  /** `chunk[i]` was read as record number `firstIndex + i`. */
  const handleOutcomes = async (outcomes: Outcome[], chunk: RawRecord[], firstIndex: number) => {
    outcomes.forEach((o, i) => {
      const ref = refOf(chunk[i], firstIndex + i);
      if (o.kind !== 'filtered') opts.seenRecords?.seen(o.payload);
      if (o.kind === 'filtered') stats.filtered++;
      else if (o.kind === 'skipped') stats.skip(recordName(o.payload, syncFields, ref), o.reason);
      else if (o.kind === 'failed') stats.fail(recordName(o.payload, syncFields, ref), o.reason);
      else outBatch.push({ payload: o.payload, ref });
    });
    while (outBatch.length >= batchSize) {
      const batch = outBatch.slice(0, batchSize);
      outBatch = outBatch.slice(batchSize);
      await dispatch(batch);
      batchNo++;
    }
  };

  /**
   * Chunks overlap: while the sandbox works on one chunk and the pool pushes another, the next is read and
   * mapped. Outcomes are handled in order. Awaiting processChunk() waits until no more than CHUNKS_AHEAD chunks
   * are pending, so memory stays bounded whatever the number of records.
   */
  const pending: Promise<void>[] = [];
  let processingError: { err: unknown } | undefined;
  let previous: Promise<void> = Promise.resolve();
  const processChunk = async (chunk: RawRecord[], firstIndex: number): Promise<void> => {
    if (chunk.length > 0) {
      await saver?.write('raw', redactor.redactDeep(chunk));
      const outcomes = transformer.transform(chunk, firstIndex);
      const before = previous;
      previous = (async () => {
        const results = await outcomes;
        await before;
        await handleOutcomes(results, chunk, firstIndex);
      })();
      // Keep an unhandled rejection from escaping while the read loop is busy; the error surfaces when awaited.
      previous.catch(() => undefined);
      pending.push(previous);
    }
    // A chunk that failed (the sandbox died) fails the section below, not the read: its records are then counted as
    // not sent, whatever the chunk size (a rejection here used to be reported as the source's failure).
    while (pending.length > CHUNKS_AHEAD) {
      await pending.shift()!.catch((err: unknown) => {
        processingError ??= { err };
      });
    }
  };

  let chunk: RawRecord[] = [];
  let chunkStart = 1;
  try {
    for await (const record of records) {
      seen++;
      stats.pulled++;
      chunk.push(record);
      // A fast source never leaves the microtask queue on its own; let replies from Oomnitza be handled
      // (freeing pool slots) instead of waiting until the next chunk is complete.
      if (seen % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
      if (chunk.length >= CHUNK) {
        await processChunk(chunk, chunkStart);
        chunkStart += chunk.length;
        chunk = [];
      }
      if (opts.recordCount !== undefined && seen >= opts.recordCount) break;
      if (opts.signal.aborted) break;
      if (stopReason) break;
      // Not while the breaker is open: the question would wait timeout x retries as the batches did.
      if (!testmode && breaker.state === 'closed' && Date.now() - lastCancelCheck > (opts.cancelCheckMs ?? CANCEL_CHECK_MS)) {
        lastCancelCheck = Date.now();
        if (await run.oomnitza!.isCanceled(portion, AbortSignal.any([opts.signal, pushSignal()]))) {
          log.warn('the run was canceled in Oomnitza; stopping');
          stats.canceled = true;
          stats.stoppedBecause = 'canceled in Oomnitza';
          break;
        }
      }
    }
  } catch (err) {
    // A source interrupted by the stop signal did not fail: the run was stopped.
    if (!opts.signal.aborted) stats.fatal = `reading from the source failed: ${errorMessage(err)}`;
  }
  try {
    // Read records are transformed even when nothing more is sent, so that they are failed by name and spooled.
    await processChunk(chunk, chunkStart);
    await Promise.all(pending);
    if (processingError) throw processingError.err;
    // Also when nothing more is sent: push() then fails (and spools) the records by name.
    if (outBatch.length) await dispatch(outBatch);
    outBatch = [];
  } catch (err) {
    stats.fatal ??= `processing failed: ${errorMessage(err)}`;
  }
  await drain();
  if (stopReason) {
    stats.fatal ??= stopReason;
    stats.canceled = true;
  }
  // The one message of an outage that outlasted the run; one that ended in it shows as the spooled records only.
  const stillOpen = !testmode && breaker.state !== 'closed' ? breakerMessage() : undefined;
  if (stillOpen) stats.fatal ??= heldBack ? `${stillOpen}; ${heldBack} record(s) not sent while its circuit breaker was open` : stillOpen;
  if (opts.signal.aborted) {
    stats.canceled = true;
    stats.stoppedBecause ??= stopCause(opts.signal);
  }
  checkRecordCount(stats, section.common.min_records, log, opts.recordCount !== undefined);
  // Records neither pushed nor accounted for (e.g. lost when the section stopped) are failures, not silence.
  const unaccounted = stats.pulled - stats.filtered - stats.skipped - stats.pushed - (stats.failed - sourceFailures(stats));
  if (unaccounted > 0) {
    const unsent = notSending();
    stats.fail(`${unaccounted} record(s) not sent`, unsent ? `not sent: ${unsent}` : stats.fatal ?? 'the section stopped before these records were sent', unaccounted);
    countNotSent(unaccounted);
  }

  if (opts.seenRecords) {
    try {
      await opts.seenRecords.end({
        stats, testmode, recordCount: opts.recordCount,
        notSending: notSending() ?? stillOpen ?? (graceOver ? errorMessage(abortPushes.signal.reason) : undefined),
        pushUpdateOnly: async (records, names) => {
          const payload: BulkPayload = { ...payloadFor([]), records, insert_only: false, update_only: true };
          if (testmode) {
            opts.print(redactor.redact(JSON.stringify(payload, null, 2)));
            return true;
          }
          try {
            await run.oomnitza!.pushBulk(payload, pushSignal());
            return true;
          } catch (err) {
            if (opts.spool) {
              await opts.spool.append({ section: section.name, portion, cause: errorMessage(err), errorClass: errorClass(err), connector_name: payload.connector_name,
                data_type: payload.data_type, sync_field: syncFields, insert_only: false, update_only: true, names, records }).then(() => (stats.spooled += records.length), () => undefined);
            }
            stats.fail(names.length > 1 ? `${names.length} retired records from ${names[0]} to ${names[names.length - 1]}` : names[0], errorMessage(err), records.length, errorClass(err));
            return false;
          }
        },
      });
    } catch (err) {
      stats.fatal ??= `offboarding failed: ${errorMessage(err)}`;
    }
  }
  if (!testmode && run.oomnitza && !stopReason && !stillOpen) {
    if (graceOver) {
      stats.fatal ??= `portion ${portion} was not finalized: ${errorMessage(abortPushes.signal.reason)}`;
    } else {
      try {
        await run.oomnitza.finalize(portion, pushSignal());
      } catch (err) {
        stats.fatal ??= `finalizing portion ${portion} failed: ${errorMessage(err)}`;
      }
    }
  }
  clearTimeout(graceTimer);
  unwatchBreaker();
  opts.signal.removeEventListener('abort', onStop);
  log.debug(`portion ${portion}: ${batchNo} batch(es)`);
  stats.finish();
  return stats;
}

/**
 * An empty export is the most common broken night: a complete read of 0 records is worth a warning, and a read
 * below the section's `min_records` fails the section (exit 1) so the scheduler notices.
 */
function checkRecordCount(stats: SectionStats, minRecords: number, log: Logger, limited: boolean): void {
  // An incremental read returns what changed, often nothing: only full reads say how many records the source has.
  if (stats.fatal || stats.canceled || limited || stats.incremental) return;
  const read = stats.pulled + stats.sourceFailed;
  if (minRecords > 0 && read < minRecords) {
    stats.fatal = `read ${read} record(s), fewer than min_records = ${minRecords}: the source looks empty or incomplete`;
  } else if (read === 0) {
    log.warn('the source returned no records; if that is wrong, check the source (set min_records to fail the section below a count)');
  }
}

/** Failures reported by the source itself (bad CSV rows, failed detail fetches) are not among the pulled records. */
function sourceFailures(stats: SectionStats): number {
  return stats.sourceFailed;
}

/**
 * --save-data files are a diagnostic: a folder that cannot be made or a full disk stops the saving (said once, with
 * the reason) and the sync goes on; it never fails the section as if the source had failed.
 */
class DataSaver {
  private n = 0;
  private readonly ready: Promise<unknown>;
  private stopped = false;
  constructor(private readonly dir: string, private readonly portion: string, private readonly log: Logger) {
    this.ready = fs.promises.mkdir(dir, { recursive: true }).catch((err: unknown) => this.stop(err));
  }
  async write(kind: 'raw' | 'payload', data: unknown): Promise<void> {
    await this.ready;
    if (this.stopped) return;
    const file = path.join(this.dir, `${this.portion}-${kind}-${String(++this.n).padStart(5, '0')}.json`);
    await fs.promises.writeFile(file, JSON.stringify(data, null, 2), { mode: 0o600 }).catch((err: unknown) => this.stop(err, file));
  }
  private stop(err: unknown, file = this.dir): void {
    if (this.stopped) return;
    this.stopped = true;
    const code = (err as NodeJS.ErrnoException).code;
    this.log.error(`--save-data: cannot write "${file}" (${code ?? errorMessage(err)}); no more save-data files for this run, records are still sent`);
  }
}
