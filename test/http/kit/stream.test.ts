/** HttpClient.stream(): a body read as it arrives, with the client's retries, waits and timeouts before it starts. */
import { getEventListeners } from 'node:events';
import type http from 'node:http';
import { HttpClient, HttpTransientError, jsonItems, type HttpClientOptions } from '../../../src/http/index.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';
import { fakeClock } from './fakeClock.js';

const servers: TestServer[] = [];
const clients: HttpClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: Parameters<typeof startTestServer>[0]) {
  const s = await startTestServer(handler);
  servers.push(s);
  return s;
}
function client(opts: Partial<HttpClientOptions> = {}) {
  const c = new HttpClient({ section: 'kit', tls: { verify: true }, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, ...opts });
  clients.push(c);
  return c;
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('items are yielded while the rest of the body is still on its way', async () => {
  let release!: () => void;
  const released = new Promise<void>((r) => (release = r));
  const s = await serve(async (_req, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"Report_Entry":[{"n":1},{"n":2},');
    await released;
    res.end('{"n":3}]}');
  });
  const res = await client().stream('GET', `${s.url}/report`);
  const seen: unknown[] = [];
  for await (const item of jsonItems<{ n: number }>(res.body, 'Report_Entry', 'w')) {
    seen.push(item);
    // The server holds the third item back until the first two have been consumed.
    if (item.n === 2) release();
  }
  expect(seen).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
});

test('a 429 is waited out and a 401 retried with fresh credentials before the body starts', async () => {
  let calls = 0;
  const s = await serve(() => {
    calls++;
    if (calls === 1) return { status: 429, headers: { 'retry-after': '7' }, json: { error: { code: 'TooManyRequests' } } };
    if (calls === 2) return { status: 401, body: 'expired' };
    return { json: [1, 2, 3] };
  });
  const clock = fakeClock();
  let invalidated = 0;
  const api = client({ clock }).with({
    auth: { authorize: async (req) => void (req.headers.authorization = `Bearer t${invalidated}`), invalidate: () => (invalidated++, true) },
  });
  const res = await api.stream('GET', `${s.url}/list`);
  const items: unknown[] = [];
  for await (const item of jsonItems(res.body, '', 'w')) items.push(item);
  expect(items).toEqual([1, 2, 3]);
  expect(clock.sleeps).toEqual([7000]);
  expect(s.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t0', 'Bearer t0', 'Bearer t1']);
});

// undici checks its pool's timeouts with a coarse timer (about a second): the report is slower than that.
test("a derived client's longer timeout is not cut short by the section client's (the report takes a while)", async () => {
  const s = await serve(() => ({ delayMs: 1300, json: { Report_Entry: [{ ok: true }] } }));
  const root = client({ timeoutMs: 100, retry: { retries: 0 } });
  await expect(root.stream('GET', `${s.url}/r`)).rejects.toThrow(/timed out after 100 ms/);
  const res = await root.with({ timeoutMs: 5000 }).stream('GET', `${s.url}/r`);
  const items: unknown[] = [];
  for await (const item of jsonItems(res.body, 'Report_Entry', 'w')) items.push(item);
  expect(items).toEqual([{ ok: true }]);
});

// The idle timeout between chunks is undici's (coarse, see above), hence the long pause.
test('a body that keeps arriving may take longer than the timeout; a pause longer than it fails, naming the request', async () => {
  const s = await serve(async (req, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('[0');
    const pauses = req.path === '/steady' ? [60, 60, 60, 60, 60] : [60, 1600];
    for (const [i, ms] of pauses.entries()) {
      await sleep(ms);
      if (res.destroyed) return;
      res.write(`,${i + 1}`);
    }
    res.end(']');
  });
  const api = client({ timeoutMs: 200 });
  const read = async (path: string) => {
    const items: unknown[] = [];
    for await (const item of jsonItems((await api.stream('GET', `${s.url}${path}?token=abc`)).body, '', 'w')) items.push(item);
    return items;
  };
  expect(await read('/steady')).toEqual([0, 1, 2, 3, 4, 5]);
  const failure = await read('/stalls').catch((err: unknown) => err);
  expect(failure).toBeInstanceOf(HttpTransientError);
  expect((failure as Error).message).toBe(`[kit] GET ${s.url}/stalls failed while reading the response: timed out reading the response body`);
});

test('a connection cut mid-body is a transient error naming the request', async () => {
  const s = await serve(async (_req, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"Report_Entry":[{"n":1},');
    await sleep(20);
    res.socket?.destroy();
  });
  const items: unknown[] = [];
  const failure = await (async () => {
    for await (const item of jsonItems((await client().stream('GET', `${s.url}/r`)).body, 'Report_Entry', 'w')) items.push(item);
  })().catch((err: unknown) => err);
  expect(items).toEqual([{ n: 1 }]);
  expect(failure).toBeInstanceOf(HttpTransientError);
  expect((failure as Error).message).toMatch(new RegExp(`^\\[kit\\] GET ${s.url}/r failed while reading the response: `));
});

test("the caller's signal still cancels a body being streamed, and lets go of it once the body is read", async () => {
  const s = await serve(async (req, res: http.ServerResponse) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write('first chunk');
    if (req.url === '/short') res.end();
    // never ends; the client aborts
  });
  const c = client();
  const controller = new AbortController();
  const res = await c.stream('GET', `${s.url}/long`, { signal: controller.signal });
  const it = res.body[Symbol.asyncIterator]();
  expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe('first chunk');
  controller.abort(new Error('stopped by the caller'));
  await expect(it.next()).rejects.toThrow('stopped by the caller');

  const kept = new AbortController();
  const short = await c.stream('GET', `${s.url}/short`, { signal: kept.signal });
  for await (const chunk of short.body) void chunk;
  await sleep(10);
  expect(getEventListeners(kept.signal, 'abort')).toHaveLength(0);
});
