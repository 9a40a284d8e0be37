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
}

export function isAuthFailure(error: unknown): boolean {
  return isConfigError(error) || (error as { status?: number })?.status === 401;
}

type Settled<R> = { ok: true; value: R | undefined } | { ok: false; error: unknown };

export async function* fanOut<T, R>(items: Iterable<T> | AsyncIterable<T>, opts: FanOutOptions<T, R>): AsyncGenerator<R> {
  const limit = Math.max(1, Math.floor(opts.concurrency));
  const isFatal = opts.isFatal ?? isAuthFailure;
  const window: Array<{ item: T; result: Promise<Settled<R>> }> = [];
  const iterator = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : toAsync(items as Iterable<T>);
  let exhausted = false;

  const start = (item: T) => {
    const result = opts.fetch(item).then(
      (value): Settled<R> => ({ ok: true, value }),
      (error: unknown): Settled<R> => ({ ok: false, error }),
    );
    window.push({ item, result });
  };
  const fill = async () => {
    while (!exhausted && window.length < limit && !opts.signal?.aborted) {
      const step = await iterator.next();
      if (step.done) exhausted = true;
      else start(step.value);
    }
  };

  try {
    await fill();
    while (window.length > 0) {
      const head = window.shift()!;
      const settled = await head.result;
      await fill();
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
    for (const w of window) void w.result;
    await iterator.return?.();
  }
}

async function* toAsync<T>(items: Iterable<T>): AsyncGenerator<T> {
  yield* items;
}
