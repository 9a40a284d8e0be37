/**
 * One bound on the requests a section has in flight, whichever part of the source sends them. `paginate`'s
 * `prefetch` and `fanOut`'s `concurrency` each bound themselves; a source that reads pages ahead *and* fans out a
 * detail call per item (AirWatch: pages in parallel, then the network call of each device) would have both
 * bounds in flight at once. Giving both the same limited client keeps the total within the section's
 * `concurrency`:
 *
 *   const api = limitConcurrency(client, concurrencyOf(s, ctx.concurrency));
 *   const devices = paginate(api, { ..., prefetch: n });
 *   yield* fanOut(devices, { concurrency: n, fetch: (d) => api.request('GET', `/devices/${d.id}/network`) });
 *
 * A request holds its slot while the client works on it (retries and rate-limit waits included) and gives it
 * back when it settles. Token requests an auth provider makes go through the client underneath, not through
 * the limit, so a full window of requests waiting for a token cannot starve the token request itself.
 */
import type { HttpClientLike, HttpResponse, RequestOptions } from './types.js';

/** A client whose requests take one of `limit` slots; the section name passes through for messages. */
export interface LimitedClient extends HttpClientLike {
  readonly section?: string;
  /** Requests sent and not settled yet (at most `limit`). */
  readonly inFlight: number;
}

export function limitConcurrency(client: HttpClientLike & { readonly section?: string }, limit: number): LimitedClient {
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limitConcurrency: limit must be a positive integer, got ${limit}`);
  let active = 0;
  const waiting: Array<() => void> = [];

  const acquire = (signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      if (active < limit) {
        active++;
        return resolve();
      }
      const onAbort = () => {
        const at = waiting.indexOf(grant);
        if (at >= 0) waiting.splice(at, 1);
        reject(signal!.reason);
      };
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        active++;
        resolve();
      };
      waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });

  const release = () => {
    active--;
    waiting.shift()?.();
  };

  return {
    get section() {
      return client.section;
    },
    get inFlight() {
      return active;
    },
    async request(method: string, url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
      await acquire(opts.signal);
      try {
        return await client.request(method, url, opts);
      } finally {
        release();
      }
    },
  };
}
