/** A clock for the HTTP client whose sleeps take no time: the waits it was asked for are recorded. */
import type { Clock } from '../../../src/http/types.js';

export interface FakeClock extends Clock {
  sleeps: number[];
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2026, 11, 1, 12, 0, 0)): FakeClock {
  let t = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance: (ms) => void (t += ms),
    async sleep(ms, signal) {
      signal?.throwIfAborted();
      sleeps.push(ms);
      t += ms;
    },
  };
}
