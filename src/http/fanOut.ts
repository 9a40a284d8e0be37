/**
 * List -> detail fan-out: one request per listed item with at most `concurrency` in flight, results in the order
 * of the list. Memory is bounded by `concurrency` (the list is read lazily, results are yielded as soon as the
 * head of the window is ready). One item that fails is reported through `reportFailure` and the run goes on;
 * failures that would fail every item alike (bad credentials: a ConfigError or an HTTP 401; the source's circuit
 * breaker open, src/http/breaker.ts) stop the run.
 */
import { isConfigError } from '../errors.js';
import { SourceCircuitOpenError } from './breaker.js';

export interface FanOutOptions<T, R> {
  concurrency: number;
  /** Fetches one item's detail; undefined = nothing to yield (e.g. the item vanished and that is fine). */
  fetch(item: T): Promise<R | undefined>;
  /** How the admin recognises the item in the summary, e.g. `computer 42`. */
  label(item: T): string;
  reportFailure(id: string, error: unknown): void;
  signal?: AbortSignal;
  /** Errors that end the whole read instead of one item; default: config errors and HTTP 401. */
  isFatal?(error: unknown): boolean;
  /**
   * Finished results that may wait behind a slower head of the list (default 0). With 0, a request that ends
   * before the oldest one still in flight frees its slot only when that one ends; with `buffered` > 0 its slot is
   * refilled at once (at most concurrency + buffered items are held, in flight or done), so `concurrency` requests
   * stay in flight when replies come back out of order, while the consumer is busy and while the list is being read.
   * A failure of the list itself then comes after the results of the items listed before it.
   */
  buffered?: number;
}

export function isAuthFailure(error: unknown): boolean {
  return isConfigError(error) || (error as { status?: number })?.status === 401;
}

type Settled<R> = { ok: true; value: R | undefined } | { ok: false; error: unknown };

export async function* fanOut<T, R>(items: Iterable<T> | AsyncIterable<T>, opts: FanOutOptions<T, R>): AsyncGenerator<R> {
  const limit = Math.max(1, Math.floor(opts.concurrency));
  const capacity = limit + Math.max(0, Math.floor(opts.buffered ?? 0));
  const isFatal = opts.isFatal ?? isAuthFailure;
  const window: Array<{ item: T; result: Promise<Settled<R>> }> = [];
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  let exhausted = false;
  let stopped = false;
  let inFlight = 0;
  /** The fill in progress (one at a time: the list is read in order), and a failure of the list itself. */
  let filling: Promise<void> | undefined;
  let listFailure: { error: unknown } | undefined;

  const start = (item: T) => {
    inFlight++;
    const result = opts.fetch(item).then(
      (value): Settled<R> => ({ ok: true, value }),
      (error: unknown): Settled<R> => ({ ok: false, error }),
    ).then((settled) => {
      inFlight--;
      void fill();
      return settled;
    });
    window.push({ item, result });
  };
  const room = () => !exhausted && !stopped && !listFailure && inFlight < limit && window.length < capacity && !opts.signal?.aborted;
  // Runs whenever a slot may have freed (a request ended, the consumer took the head), also while the consumer is
  // busy with a yielded result; `filling` is cleared synchronously when the loop ends, so no wake-up is lost.
  const fill = (): Promise<void> => {
    if (!filling && room()) {
      filling = (async () => {
        try {
          while (room()) {
            const step = await iterator.next();
            if (step.done) exhausted = true;
            else start(step.value);
          }
        } catch (error) {
          listFailure = { error };
        } finally {
          filling = undefined;
        }
      })();
    }
    return filling ?? Promise.resolve();
  };

  try {
    await fill();
    for (;;) {
      if (window.length === 0) {
        if (listFailure) throw listFailure.error;
        if (!filling) break;
        await filling;
        continue;
      }
      // The head stays in the window until it ends, so that the window's bound counts it.
      const head = window[0];
      const settled = await head.result;
      window.shift();
      if (capacity > limit) {
        void fill(); // do not wait for the list (a page request) before handing on this result
      } else {
        await fill();
        if (listFailure) throw listFailure.error; // unbuffered, as it always was: at once (buffered: once the window is empty)
      }
      if (settled.ok) {
        if (settled.value !== undefined) yield settled.value;
        continue;
      }
      if (opts.signal?.aborted) return;
      // The source stopped answering (its breaker opened): every further item would fail alike, so the read ends here.
      if (isFatal(settled.error) || settled.error instanceof SourceCircuitOpenError) throw settled.error;
      opts.reportFailure(opts.label(head.item), settled.error);
    }
  } finally {
    // Stopped early (a fatal error, the consumer broke off): let in-flight requests finish unobserved.
    stopped = true;
    for (const w of window) void w.result;
    await filling?.catch(() => undefined);
    await iterator.return?.();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
