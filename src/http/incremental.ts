/**
 * Helpers for sources that read incrementally (ReadRequest.incremental): the watermark of a time-filtered read is
 * when the read began by the server's clock (the Date header of its first answer; the local clock when there is
 * none) minus an overlap. Not the newest modification time seen: pages are not in modification order, so a record
 * changed during the read, after its page was fetched, can be older than one on a later page and would be missed.
 * The overlap covers a Date header's whole seconds and a record committed while the first page was answered; the
 * records of those minutes are read twice, which an update in Oomnitza does not mind.
 */
import type { HttpResponse } from './types.js';

export const WATERMARK_OVERLAP_MS = 5 * 60_000;

export interface ReadClock {
  /** Notes an answer of the read (only the first counts). */
  note(response: Pick<HttpResponse, 'headers'>): void;
  /** The read's watermark: its start by the server's clock minus the overlap. */
  watermark(overlapMs?: number): Date;
}

export function readClock(now: () => number = Date.now): ReadClock {
  const localStart = now();
  let serverStart: number | undefined;
  return {
    note(response) {
      if (serverStart !== undefined) return;
      const date = response.headers.date;
      const t = Date.parse(Array.isArray(date) ? date[0] : date ?? '');
      serverStart = Number.isFinite(t) ? t : localStart;
    },
    watermark(overlapMs = WATERMARK_OVERLAP_MS) {
      return new Date((serverStart ?? localStart) - overlapMs);
    },
  };
}

/** A UTC date-time as ISO 8601 writes it (`2026-12-01T03:00:00.000Z`): what an incremental source saves. */
export function isIsoInstant(text: string): boolean {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/.test(text) && Number.isFinite(Date.parse(text));
}

/** What an incremental source gets in its read request (the kit's view of ReadRequest.incremental). */
export interface WatermarkedRead {
  readonly since?: string;
  advance(watermark: string): void;
}

/**
 * Reads with `read(since, clock)` and, once it reached its end (not stopped), reports the watermark: when the read
 * began by the server's clock (the clock notes the first answer) minus the overlap, as an ISO instant.
 */
export async function* readSinceWatermark<T>(
  inc: WatermarkedRead,
  signal: AbortSignal | undefined,
  read: (since: string | undefined, clock: ReadClock) => AsyncIterable<T>,
): AsyncGenerator<T> {
  const clock = readClock();
  yield* read(inc.since, clock);
  if (!signal?.aborted) inc.advance(clock.watermark().toISOString());
}
