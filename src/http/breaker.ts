/**
 * A circuit breaker for a section's source client (every client derived from it with `with()` shares one). A
 * fan-out source such as Jamf makes thousands of detail calls; when the server goes away, each of them would pay
 * timeout x retries and log its own warnings, for hours. After `threshold` requests in a row failed transiently
 * (no answer, or a 5xx, after their retries) the breaker opens: requests fail at once with a
 * SourceCircuitOpenError, which fanOut treats as the end of the read, so the section ends with one message.
 * After `coolDownMs` one request is let through as a probe (half-open): if it gets an answer the breaker closes,
 * otherwise it opens again for another cool-down. A long-lived client (serve) thus recovers by itself.
 *
 * Any answer that is not a 5xx (a 2xx, a 404, a 401, an exhausted 429) resets the count: the server is there.
 * A request cut short by its caller's signal says nothing about the server and counts for neither.
 */
import { TransientError } from '../errors.js';
import { HttpTransientError } from './httpError.js';

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

/** A failure that says the server is not answering (as opposed to answering "no"). */
export function isOutage(err: unknown): boolean {
  if (!(err instanceof HttpTransientError)) return false;
  return err.status === undefined || err.status >= 500;
}

export class SourceBreaker {
  private inARow = 0;
  private openedAt?: number;
  private probing = false;
  private lastFailure = '';
  /** Called on every change of state (metrics, a log line). */
  onChange?: (state: BreakerState, why: string) => void;

  constructor(
    readonly section: string,
    readonly policy: BreakerPolicy,
    private readonly now: () => number,
  ) {}

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.probing || this.now() - this.openedAt < this.policy.coolDownMs ? 'open' : 'half-open';
  }

  /**
   * Before a request: throws SourceCircuitOpenError while open; in half-open lets exactly one request through as
   * the probe. Returns whether this request is the probe.
   */
  admit(where: string): boolean {
    if (this.policy.threshold <= 0 || this.openedAt === undefined) return false;
    const state = this.state;
    if (state === 'half-open') {
      this.probing = true;
      return true;
    }
    const wait = Math.max(0, Math.ceil((this.openedAt + this.policy.coolDownMs - this.now()) / 1000));
    throw new SourceCircuitOpenError(
      `[${this.section}] the source stopped answering (${this.policy.threshold} requests in a row failed after their retries; ` +
        `the last: ${this.lastFailure}); ${where} was not sent` + (this.probing ? ' (a probe is in flight)' : ` (next probe in ${wait} s)`),
    );
  }

  /** The request got an answer (any status it did not fail with as an outage). */
  answered(probe: boolean): void {
    if (probe) {
      this.openedAt = undefined;
      this.probing = false;
      this.inARow = 0;
      this.onChange?.('closed', 'the probe got an answer');
    } else if (this.openedAt === undefined) {
      // While open, a late answer to a request sent before it opened does not close it: the probe decides.
      this.inARow = 0;
    }
  }

  /** The request failed for good (after its retries). */
  failed(err: unknown, probe: boolean): void {
    if (!isOutage(err)) return this.answered(probe);
    this.lastFailure = (err as Error).message;
    if (probe) {
      this.probing = false;
      this.openedAt = this.now();
      this.onChange?.('open', `the probe failed: ${this.lastFailure}`);
      return;
    }
    if (this.openedAt !== undefined || this.policy.threshold <= 0) return;
    this.inARow++;
    if (this.inARow >= this.policy.threshold) {
      this.openedAt = this.now();
      this.onChange?.('open', `${this.inARow} requests in a row failed after their retries; the last: ${this.lastFailure}`);
    }
  }

  /** The probe was cut short by its caller: let the next request probe instead. */
  released(probe: boolean): void {
    if (probe) this.probing = false;
  }
}
