/**
 * Runs `fn` over `items` with at most `limit` calls in flight and yields results as they complete.
 * Results wait in settled promises until the consumer pulls them, so memory stays bounded by `limit`
 * (the whole data set is never fetched before the first record is yielded). Completion order rather than
 * input order: one slow device must not stall the other workers.
 */
export async function* mapBounded<T, R>(
  items: Iterable<T>,
  limit: number,
  fn: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const iterator = items[Symbol.iterator]();
  const inFlight = new Map<number, Promise<{ key: number; value: R }>>();
  let next = 0;
  let exhausted = false;
  const fill = () => {
    while (!exhausted && inFlight.size < Math.max(1, limit) && !signal?.aborted) {
      const step = iterator.next();
      if (step.done) {
        exhausted = true;
        return;
      }
      const key = next++;
      const promise = fn(step.value).then((value) => ({ key, value }));
      // A rejection is seen by Promise.race below; this only stops it being "unhandled" if we stop early.
      promise.catch(() => undefined);
      inFlight.set(key, promise);
    }
  };
  fill();
  while (inFlight.size > 0) {
    const { key, value } = await Promise.race(inFlight.values());
    inFlight.delete(key);
    fill();
    yield value;
  }
}
