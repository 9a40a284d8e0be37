/**
 * Every HTTP attempt the client makes, for whoever wants to measure them (the Prometheus endpoint of `serve`:
 * src/metrics/). Process-wide on purpose: request latency is a property of the process, and threading an observer
 * through every client (sources, Oomnitza, secret backends) would touch every constructor. Nothing observes by
 * default; an observer that throws is ignored (measuring must never fail a request).
 */

export interface RequestObservation {
  /** The client's section (`oomnitza` for the Oomnitza client). */
  section: string;
  method: string;
  /** Undefined when no answer came (timeout, refused, reset). */
  status?: number;
  seconds: number;
}

export type RequestObserver = (o: RequestObservation) => void;

const observers = new Set<RequestObserver>();

/** Calls `fn` after every attempt of every client until the returned function is called. */
export function observeRequests(fn: RequestObserver): () => void {
  observers.add(fn);
  return () => observers.delete(fn);
}

export function noteRequest(o: RequestObservation): void {
  for (const fn of observers) {
    try {
      fn(o);
    } catch {
      // Measuring must never fail a request.
    }
  }
}
