import { fanOut } from '../../../src/http/fanOut.js';
import { limitConcurrency } from '../../../src/http/limit.js';
import { pageNumber, paginate } from '../../../src/http/paginate/index.js';
import type { HttpClientLike, HttpResponse } from '../../../src/http/types.js';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A client that answers after `delayMs`, counting how many requests it holds at once; `/pages?page=N` has 2 items up to page 4. */
function slowClient(delayMs = 5) {
  const stats = { running: 0, peak: 0, urls: [] as string[] };
  const client: HttpClientLike & { section: string } = {
    section: 'test',
    async request(_method, url, opts = {}) {
      stats.peak = Math.max(stats.peak, ++stats.running);
      stats.urls.push(url);
      try {
        await tick(delayMs);
        opts.signal?.throwIfAborted();
        const page = Number(opts.query?.page ?? 0);
        const body = url === '/pages' ? (page <= 4 ? [page * 2, page * 2 + 1] : []) : { detail: url };
        return { status: 200, headers: {}, text: JSON.stringify(body), url, json: () => body, xml: () => body } as unknown as HttpResponse;
      } finally {
        stats.running--;
      }
    },
  };
  return { client, stats };
}

test('pages read ahead and a detail call per item stay within one bound together', async () => {
  const { client, stats } = slowClient();
  const api = limitConcurrency(client, 3);
  const items = paginate<number>(api, { path: '/pages', items: '', strategy: pageNumber({ start: 0, pageSize: 2, until: 'empty' }), prefetch: 3 });
  const out: unknown[] = [];
  for await (const r of fanOut(items, {
    concurrency: 3,
    fetch: async (n) => (await api.request('GET', `/detail/${n}`)).json(),
    label: (n) => `item ${n}`,
    reportFailure: () => undefined,
  })) out.push(r);
  expect(out).toEqual(Array.from({ length: 10 }, (_, n) => ({ detail: `/detail/${n}` })));
  // Without the shared limit, 3 pages ahead plus 3 details would be 6 at once.
  expect(stats.peak).toBe(3);
  expect(api.inFlight).toBe(0);
});

test('requests beyond the limit wait their turn and all arrive, in any order of completion', async () => {
  const { client, stats } = slowClient(2);
  const api = limitConcurrency(client, 2);
  const answers = await Promise.all(Array.from({ length: 7 }, (_, i) => api.request('GET', `/x/${i}`).then((r) => r.json())));
  expect(answers).toEqual(Array.from({ length: 7 }, (_, i) => ({ detail: `/x/${i}` })));
  expect(stats.peak).toBe(2);
});

test('a failed request gives its slot back', async () => {
  let calls = 0;
  const api = limitConcurrency({
    async request() {
      calls++;
      throw new Error('connection refused');
    },
  }, 1);
  await expect(api.request('GET', '/a')).rejects.toThrow('connection refused');
  await expect(api.request('GET', '/b')).rejects.toThrow('connection refused');
  expect(calls).toBe(2);
  expect(api.inFlight).toBe(0);
});

test('a request aborted while it waits for a slot leaves the queue and is never sent', async () => {
  const { client, stats } = slowClient(20);
  const api = limitConcurrency(client, 1);
  const first = api.request('GET', '/first');
  const abort = new AbortController();
  const second = api.request('GET', '/second', { signal: abort.signal });
  abort.abort(new Error('stopped'));
  await expect(second).rejects.toThrow('stopped');
  await first;
  await api.request('GET', '/third');
  expect(stats.urls).toEqual(['/first', '/third']);
});

test('the limit is a positive whole number', () => {
  const { client } = slowClient();
  expect(() => limitConcurrency(client, 0)).toThrow(RangeError);
  expect(() => limitConcurrency(client, 1.5)).toThrow(RangeError);
});
