/**
 * Stopping `serve` within one stated time, `--drain-timeout`: systemd (TimeoutStopSec=90 s by default) kills a
 * process that takes longer, and what it held would be lost without a word. The time is split so the whole stop
 * fits in it, whatever Jamf or Oomnitza do:
 *
 *   0 ............................. drain: fetch and send everything queued, at once
 *   deadline - grace .............. abort: fetches and pushes in flight end, the queue is dropped
 *   deadline - grace/2 ............ stop waiting: whatever still runs is counted as not sent
 *   deadline ...................... clients closed (logouts are not waited for past it), serve() returns
 *
 * Every device accepted and not synced is counted and named in the `stopped:` line (exact counts), and the exit
 * code is 1 when there is any.
 */
import type http from 'node:http';
import { ConnectorError } from '../errors.js';
import type { Logger } from '../logging.js';
import type { RecordId } from '../sources/types.js';
import type { CoalescingQueue } from './queue.js';
import type { SectionSync } from './sectionSync.js';

/** Of the drain time, what is kept for aborting and closing: a quarter, at most 5 s. */
export function graceMs(drainTimeoutMs: number): number {
  return Math.min(5_000, Math.floor(drainTimeoutMs / 4));
}

/** True when `promise` settled before the time `at` (epoch ms), false when the time came first. */
export async function settlesBy(promise: Promise<unknown>, at: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), Math.max(0, at - Date.now()))));
  try {
    return await Promise.race([promise.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

export interface StopContext {
  server: http.Server;
  queue: CoalescingQueue<RecordId>;
  syncs: ReadonlyMap<string, SectionSync>;
  /** Aborts every fetch and push of the syncs. */
  hardStop: AbortController;
  drainTimeoutMs: number;
  /** When the whole stop must be over (epoch ms). */
  deadline: number;
  log: Logger;
}

export interface StopResult {
  /** The drain did not finish in time. */
  timedOut: boolean;
  /** Queued devices never fetched, with the first names. */
  dropped: number;
  droppedNames: string[];
}

const MAX_NAMED = 20;

/** Stops accepting, drains, and past the time aborts; resolves by `deadline - grace/2`. */
export async function stopServing(ctx: StopContext): Promise<StopResult> {
  const { server, queue, syncs, hardStop, deadline } = ctx;
  const grace = graceMs(ctx.drainTimeoutMs);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const drained = (async () => {
    await queue.drain();
    await Promise.all([...syncs.values()].map((s) => s.flushAll()));
  })();

  const result: StopResult = { timedOut: false, dropped: 0, droppedNames: [] };
  const noteDropped = (records: ReturnType<typeof queue.discard>) => {
    result.dropped += records.length;
    for (const r of records) {
      if (result.droppedNames.length >= MAX_NAMED) break;
      const sync = syncs.get(r.section)!;
      result.droppedNames.push(sync.label(sync.recordKind, r.id));
    }
  };
  if (!(await settlesBy(drained, deadline - grace))) {
    result.timedOut = true;
    // The reason is what the summaries of the portions cut short say.
    hardStop.abort(new ConnectorError(`the server stopped: --drain-timeout (${ctx.drainTimeoutMs / 1000} s) ran out`));
    noteDropped(queue.discard());
    for (const sync of syncs.values()) sync.stopNow();
    ctx.log.error(`the stop is taking longer than --drain-timeout allows (${ctx.drainTimeoutMs / 1000} s): ` +
      `fetches and pushes in flight were aborted and ${result.dropped} queued device(s) dropped`);
    await settlesBy(drained, deadline - grace / 2);
    // A retry asked for by a fetch that ended in the meantime, and whatever is still running, are lost too.
    noteDropped(queue.discard());
    for (const sync of syncs.values()) sync.abandon();
  }
  server.closeAllConnections();
  await settlesBy(closed, deadline);
  return result;
}

export interface ServeCounts {
  received: number;
  ignored: number;
  coalesced: number;
  rejected: number;
}

/**
 * The `stopped:` line and the exit code: 1 when any accepted device was not synced (failed, dropped or not sent)
 * or a portion failed as a whole.
 */
export function stoppedSummary(
  counts: ServeCounts, syncs: ReadonlyMap<string, SectionSync>, stop: StopResult, opts: { testmode: boolean; drainTimeoutMs: number },
): { line: string; ok: boolean; exitCode: number } {
  const t = { pushed: 0, failed: 0, notSent: 0, filtered: 0, skipped: 0, retried: 0, failedPortions: 0 };
  const notSentNames: string[] = [];
  for (const s of syncs.values()) {
    for (const key of Object.keys(t) as Array<keyof typeof t>) t[key] += s.totals[key];
    notSentNames.push(...s.notSentNames);
  }
  const lost = stop.dropped + t.notSent;
  let line = `stopped: ${counts.received} webhook(s) received, ${counts.coalesced} coalesced, ${counts.rejected} refused (queue full), ` +
    `${counts.ignored} ignored; ${t.pushed} device(s) ${opts.testmode ? 'printed' : 'pushed'}, ${t.failed} failed, ` +
    `${stop.dropped} dropped (still queued), ${t.notSent} not sent (fetch or push cut short), ${t.filtered} filtered out, ` +
    `${t.skipped} skipped, ${t.retried} fetch retries`;
  if (t.failedPortions > 0) line += `, ${t.failedPortions} portion(s) failed (see their summaries)`;
  if (stop.timedOut) line += ` (stopped early: --drain-timeout of ${opts.drainTimeoutMs / 1000} s ran out)`;
  if (lost > 0) {
    const names = [...stop.droppedNames, ...notSentNames].slice(0, MAX_NAMED);
    line += `; not synced: ${names.join(', ')}${lost > names.length ? ` and ${lost - names.length} more` : ''}`;
  }
  const ok = lost === 0 && t.failed === 0 && t.failedPortions === 0;
  return { line, ok, exitCode: ok ? 0 : 1 };
}
