/**
 * The bounded, coalescing queue between the HTTP listener and the source fetches. A record waits `coalesceMs`
 * before it is fetched, so a burst of events about one record (Jamf sends CheckIn, InventoryCompleted,
 * PolicyFinished... around one check-in) costs one fetch. Once its fetch has started, a new event queues the record
 * again: it may have changed since. At most `capacity` records wait; beyond that the listener answers 503 and the
 * sender retries later, so memory stays bounded whatever the event rate.
 */
import type { RecordId } from '../sources/types.js';

/** `Id`: how the sources served name their records (Jamf: whole numbers, the default). */
export interface QueuedRecord<Id extends RecordId = number> {
  section: string;
  id: Id;
  /** Events that named this record while it waited, oldest first (coalesced ones included). */
  events: string[];
  readyAt: number;
}

/** A record named by a whole number, as Jamf names its devices. */
export type QueuedDevice = QueuedRecord<number>;

export type EnqueueResult = 'queued' | 'coalesced' | 'full' | 'closed';

export interface QueueOptions<Id extends RecordId = number> {
  capacity: number;
  coalesceMs: number;
  /** Records processed at once (source fetches in flight). */
  concurrency: number;
  /** Must not throw: failures are the processor's to report. */
  process(record: QueuedRecord<Id>): Promise<void>;
}

export class CoalescingQueue<Id extends RecordId = number> {
  private readonly waiting = new Map<string, QueuedRecord<Id>>();
  private active = 0;
  private closed = false;
  private draining = false;
  private timer: NodeJS.Timeout | undefined;
  private idleWaiters: Array<() => void> = [];
  readonly counts = { queued: 0, coalesced: 0, rejected: 0 };

  constructor(private readonly opts: QueueOptions<Id>) {}

  get pending(): number {
    return this.waiting.size;
  }

  get inFlight(): number {
    return this.active;
  }

  enqueue(section: string, id: Id, event: string): EnqueueResult {
    if (this.closed) return 'closed';
    const key = `${section}\u0000${id}`;
    const waiting = this.waiting.get(key);
    if (waiting) {
      waiting.events.push(event);
      this.counts.coalesced++;
      return 'coalesced';
    }
    if (this.waiting.size >= this.opts.capacity) {
      this.counts.rejected++;
      return 'full';
    }
    this.waiting.set(key, { section, id, events: [event], readyAt: Date.now() + this.opts.coalesceMs });
    this.counts.queued++;
    this.pump();
    return 'queued';
  }

  /** Stops accepting, processes everything waiting without the coalescing delay, resolves when idle. */
  async drain(): Promise<void> {
    this.closed = true;
    this.draining = true;
    this.pump();
    if (this.waiting.size === 0 && this.active === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forgets what still waits (hard stop); returns how many records were dropped. */
  discard(): number {
    const dropped = this.waiting.size;
    this.waiting.clear();
    clearTimeout(this.timer);
    this.settleIfIdle();
    return dropped;
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
      void this.opts.process(record).catch(() => undefined).finally(() => {
        this.active--;
        this.pump();
        this.settleIfIdle();
      });
    }
  }

  private settleIfIdle(): void {
    if (this.waiting.size > 0 || this.active > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
