/**
 * A circuit breaker for a target that has stopped answering, such as an Oomnitza that accepts connections and never
 * replies. Each request to it is bounded (timeout x retries), but without a breaker every further batch pays that
 * bound again: 60 s x 6 tries per batch, about 5 hours for 10,000 records. After `threshold` requests in a row
 * ended without an answer the breaker opens, and the caller stops sending and reports what it did not send.
 *
 * Only "no answer" counts: a timeout, a connection that could not be made or was cut, a gateway that timed out
 * (504). Any other HTTP status is an answer and resets the count: the target is there and says what is wrong
 * (those failures have their own handling: 401 stops a run, 400 isolates records).
 *
 * It stays open for the life of the breaker (one run of a section); a caller that lives longer (serve, replay)
 * makes a new one per portion, so the next portion tries again.
 */
import { errorMessage } from '../errors.js';
import { HttpError } from '../http/httpError.js';

export class CircuitBreaker {
  private inARow = 0;
  private openedBecause?: string;

  /** `threshold`: requests in a row without an answer that open the breaker (at least 1). */
  constructor(readonly threshold: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) throw new RangeError(`a circuit breaker threshold must be a whole number >= 1, not ${threshold}`);
  }

  get isOpen(): boolean {
    return this.openedBecause !== undefined;
  }

  /** Why it opened ("3 requests in a row got no answer; the last: ..."); undefined while closed. */
  get reason(): string | undefined {
    return this.openedBecause;
  }

  /** The target answered (success or an HTTP error status): the count starts again. */
  answered(): void {
    if (!this.isOpen) this.inARow = 0;
  }

  /**
   * Notes the outcome of a failed request: one without an answer counts towards opening, any other is an answer.
   * Returns true when this failure opened the breaker (exactly once), so the caller acts on the opening once.
   */
  failed(err: unknown, what = 'requests'): boolean {
    if (this.isOpen) return false;
    if (!isNoAnswer(err)) {
      this.inARow = 0;
      return false;
    }
    this.inARow++;
    if (this.inARow < this.threshold) return false;
    this.openedBecause = `${this.inARow} ${what} in a row got no answer; the last: ${errorMessage(err)}`;
    return true;
  }
}

/** True for a failure where the target gave no answer: no HTTP status (timeout, refused, reset, DNS) or a 504. */
export function isNoAnswer(err: unknown): boolean {
  if (!(err instanceof HttpError)) return false;
  return err.status === undefined || err.status === 504;
}
