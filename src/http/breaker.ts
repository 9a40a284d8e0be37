/**
 * One circuit-breaker state machine for every target that can stop answering: a section's source client (every
 * client derived from it with `with()` shares one) and the pushes of a section's run to Oomnitza
 * (src/pipeline/syncSection.ts). Without it, when a target goes away each further request pays timeout x retries
 * and logs its own warnings, for hours.
 *
 * closed --(`threshold` final failures in a row that say "no answer")--> open --(`coolDownMs`)--> half-open
 * half-open: exactly one request is let through as the probe; an answer closes the breaker, another outage opens
 * it again for another cool-down. While open (and while the probe is out) requests are refused without being sent:
 * the source kit throws SourceCircuitOpenError (fanOut ends the read with one message); a run's pushes spool their
 * batch instead. A long-lived client (serve) or a long run thus recovers by itself.
 *
 * What counts as an outage is the target's (`isFailure`): for a source, no answer or a 5xx (`isOutage`); for
 * Oomnitza, no answer or a 504 (`isNoAnswer`: its other 5xx and 4xx have their own handling). Any other answer
 * resets the count: the target is there. A request cut short by its caller's signal counts for neither.
 */
import { errorMessage, TransientError } from '../errors.js';
import { HttpError, HttpTransientError } from './httpError.js';

export interface BreakerPolicy {
  /** Final failures in a row that open the breaker; 0 disables it. */
  threshold: number;
  /** How long it stays open before a probe. */
  coolDownMs: number;
}

export const DEFAULT_SOURCE_BREAKER: BreakerPolicy = { threshold: 5, coolDownMs: 60_000 };

export type BreakerState = 'closed' | 'open' | 'half-open';

/** A request refused without being sent, because the source stopped answering. */
export class SourceCircuitOpenError extends TransientError {
  constructor(message: string) {
    super(message);
  }
}

/** A source failure that says the server is not answering (as opposed to answering "no"): no answer, or a 5xx. */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof HttpTransientError)) return false;
  return err.status === undefined || err.status >= 500;
}

/** A failure where the target gave no answer at all: no HTTP status (timeout, refused, reset, DNS) or a 504. */
export function isNoAnswer(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  return err.status === undefined || err.status === 504;
}

export class Breaker {
  private inARow = 0;
  private openedAt?: number;
  private probing = false;
  private lastFailure = '';
  private readonly watchers = new Set<(state: BreakerState, why: string) => void>();

  constructor(
    readonly policy: BreakerPolicy,
    private readonly now: () => number,
    private readonly isFailure: (err: unknown) => boolean = isOutage,
    /** What the count counts, for messages. */
    private readonly counted = 'requests in a row failed after their retries',
  ) {}

  /** Calls `fn` on every change of state (a log line, a run aborting its pushes in flight) until the returned function is called. */
  watch(fn: (state: BreakerState, why: string) => void): () => void {
    this.watchers.add(fn);
    return () => void this.watchers.delete(fn);
  }

  private changed(state: BreakerState, why: string): void {
    for (const fn of [...this.watchers]) fn(state, why);
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.probing || this.now() - this.openedAt < this.policy.coolDownMs ? 'open' : 'half-open';
  }

  /** Why it is open ("3 requests in a row failed after their retries; the last: ..."). */
  get reason(): string {
    return `${this.policy.threshold} ${this.counted}; the last: ${this.lastFailure}`;
  }

  /** While open: "a probe is in flight" or "next probe in 12 s". */
  get nextProbe(): string {
    if (this.probing) return 'a probe is in flight';
    const wait = Math.max(0, Math.ceil(((this.openedAt ?? 0) + this.policy.coolDownMs - this.now()) / 1000));
    return `next probe in ${wait} s`;
  }

  /**
   * Before a request: undefined when it must not be sent (open, or a probe is out); otherwise whether this request
   * is the probe (half-open lets exactly one through).
   */
  tryAdmit(): { probe: boolean } | undefined {
    if (this.policy.threshold <= 0 || this.openedAt === undefined) return { probe: false };
    if (this.state !== 'half-open') return undefined;
    this.probing = true;
    return { probe: true };
  }

  /** The request got an answer (any status it did not fail with as an outage). */
  answered(probe: boolean): void {
    if (probe) {
      this.openedAt = undefined;
      this.probing = false;
      this.inARow = 0;
      this.changed('closed', 'the probe got an answer');
    } else if (this.openedAt === undefined) {
      // While open, a late answer to a request sent before it opened does not close it: the probe decides.
      this.inARow = 0;
    }
  }

  /** The request failed for good (after its retries). */
  failed(err: unknown, probe: boolean): void {
    if (!this.isFailure(err)) return this.answered(probe);
    this.lastFailure = errorMessage(err);
    if (probe) {
      this.probing = false;
      this.openedAt = this.now();
      this.changed('open', `the probe failed: ${this.lastFailure}`);
      return;
    }
    if (this.openedAt !== undefined || this.policy.threshold <= 0) return;
    this.inARow++;
    if (this.inARow >= this.policy.threshold) {
      this.openedAt = this.now();
      this.changed('open', this.reason);
    }
  }

  /** The probe was cut short by its caller: let the next request probe instead. */
  released(probe: boolean): void {
    if (probe) this.probing = false;
  }
}

/** The source client's breaker: a refused request throws SourceCircuitOpenError naming the section and the request. */
export class SourceBreaker extends Breaker {
  constructor(
    readonly section: string,
    policy: BreakerPolicy,
    now: () => number,
  ) {
    super(policy, now, isOutage);
  }

  /** Throws SourceCircuitOpenError while open; returns whether this request is the probe. */
  admit(where: string): boolean {
    const admitted = this.tryAdmit();
    if (admitted) return admitted.probe;
    throw new SourceCircuitOpenError(`[${this.section}] the source stopped answering (${this.reason}); ${where} was not sent (${this.nextProbe})`);
  }
}
