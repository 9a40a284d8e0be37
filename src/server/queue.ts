/**
 * The bounded, coalescing queue between the HTTP listener and the source fetches. A record waits `coalesceMs`
 * before it is fetched, so a burst of events about one record (Jamf sends CheckIn, InventoryCompleted,
 * PolicyFinished... around one check-in) costs one fetch. Once its fetch has started, a new event queues the record
 * again: it may have changed since. At most `capacity` records wait; beyond that the listener answers 503 and the
 * sender retries later, so memory stays bounded whatever the event rate.
 * A record whose fetch failed transiently comes back after a delay (`process` resolves `{ retryInMs }`): it was
 * accepted (answered 204), so it is not dropped; the processor bounds the attempts.
 */
import type { RecordId } from '../sources/types.js';

/** `Id`: how the sources served name their records (Jamf: whole numbers, the default). */
export interface QueuedRecord<Id extends RecordId = number> {
  section: string;
  id: Id;
  /** The distinct events that named this record while it waited, oldest first (at most MAX_EVENT_NAMES). */
  events: string[];
  readyAt: number;
  /** 1 on the first fetch, 2 on the first retry... */
  attempt: number;
}

/** Event names kept per record: enough for a log line, bounded whatever a sender repeats. */
const MAX_EVENT_NAMES = 10;

/** What the processor says once a record is done with: nothing, or "try again in this long". */
export type ProcessResult = void | { retryInMs: number };

/** A record named by a whole number, as Jamf names its devices. */
export type QueuedDevice = QueuedRecord<number>;

export type EnqueueResult = 'queued' | 'coalesced' | 'full' | 'closed';

export interface QueueOptions<Id extends RecordId = number> {
  capacity: number;
  coalesceMs: number;
  /** Records processed at once (source fetches in flight). */
  concurrency: number;
  /** Must not throw: failures are the processor's to report. */
  process(record: QueuedRecord<Id>): Promise<ProcessResult>;
}

export class CoalescingQueue<Id extends RecordId = number> {
  private readonly waiting = new Map<string, QueuedRecord<Id>>();
  /** Records waiting out a retry delay, with their timers. */
  private readonly retrying = new Map<string, { record: QueuedRecord<Id>; timer?: NodeJS.Timeout }>();
  private active = 0;
  private closed = false;
  private draining = false;
  /** After a hard stop nothing is fetched again: a late retry stays in `retrying`, without a timer, for the next discard(). */
  private discarded = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  readonly counts = { queued: 0, coalesced: 0, rejected: 0, retried: 0 };

  constructor(private readonly opts: QueueOptions<Id>) {}

  /** Records not being fetched: waiting, or waiting to be retried. */
  get pending(): number {
    return this.waiting.size + this.retrying.size;
  }

  get inFlight(): number {
    return this.active;
  }

  enqueue(section: string, id: Id, event: string): EnqueueResult {
    if (this.closed) return 'closed';
    const key = keyOf(section, id);
    const waiting = this.waiting.get(key) ?? this.retrying.get(key)?.record;
    if (waiting) {
      noteEvent(waiting, event);
      this.counts.coalesced++;
      return 'coalesced';
    }
    if (this.pending >= this.opts.capacity) {
      this.counts.rejected++;
      return 'full';
    }
    this.waiting.set(key, { section, id, events: [event], readyAt: Date.now() + this.opts.coalesceMs, attempt: 1 });
    this.counts.queued++;
    this.pump();
    return 'queued';
  }

  /**
   * Stops accepting and processes everything waiting without the coalescing delay (records waiting for a retry
   * get theirs now; a retry requested while draining still waits its delay); resolves when idle.
   */
  async drain(): Promise<void> {
    this.closed = true;
    this.draining = true;
    for (const key of [...this.retrying.keys()]) this.requeue(key);
    this.pump();
    if (this.pending === 0 && this.active === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets what still waits, retries included (hard stop); returns the records dropped, for the log. */
  discard(): Array<QueuedRecord<Id>> {
    this.discarded = true;
    const dropped = [...this.waiting.values(), ...[...this.retrying.values()].map((r) => r.record)];
    for (const { timer } of this.retrying.values()) clearTimeout(timer);
    this.waiting.clear();
    this.retrying.clear();
    clearTimeout(this.timer);
    this.settleIfIdle();
    return dropped;
  }

  /** A record whose fetch is to be tried again in `delayMs`; it keeps its place outside the capacity (it was accepted). */
  private retryLater(record: QueuedRecord<Id>, delayMs: number): void {
    const key = keyOf(record.section, record.id);
    const next = { ...record, attempt: record.attempt + 1 };
    const newer = this.discarded ? undefined : this.waiting.get(key);
    if (newer) {
      // An event arrived during the fetch and queued the record again: that fetch is the retry.
      newer.attempt = Math.max(newer.attempt, next.attempt);
      for (const event of record.events) noteEvent(newer, event);
      return;
    }
    this.counts.retried++;
    const timer = this.discarded ? undefined : setTimeout(() => this.requeue(key), delayMs);
    this.retrying.set(key, { record: next, timer });
  }

  private requeue(key: string): void {
    const entry = this.retrying.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.retrying.delete(key);
    // Behind the records already waiting, with the same delay they have, so the queue stays in due order.
    this.waiting.set(key, { ...entry.record, readyAt: Date.now() + this.opts.coalesceMs });
    this.pump();
  }

  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.active < this.opts.concurrency) {
      // Map order is arrival order and every record waits the same delay, so the first one is due first.
      const next = this.waiting.entries().next();
      if (next.done) break;
      const [key, record] = next.value;
      const wait = record.readyAt - Date.now();
      if (wait > 0 && !this.draining) {
        this.timer = setTimeout(() => this.pump(), wait);
        break;
      }
      this.waiting.delete(key);
      this.active++;
      // process() reports its own failures; a rejection here must not become an unhandled one.
      void this.opts.process(record).catch(() => undefined).then((result) => {
        if (result) this.retryLater(record, result.retryInMs);
      }).finally(() => {
        this.active--;
        this.pump();
        this.settleIfIdle();
      });
    }
  }

  private settleIfIdle(): void {
    if (this.pending > 0 || this.active > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function keyOf(section: string, id: RecordId): string {
  return `${section}\u0000${id}`;
}

function noteEvent(record: QueuedRecord<RecordId>, event: string): void {
  if (record.events.length < MAX_EVENT_NAMES && !record.events.includes(event)) record.events.push(event);
}
