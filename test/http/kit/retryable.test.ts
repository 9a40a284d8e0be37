/** ClientOverrides.classifyFailure 'retry': a vendor's rate limit that is not a 429 (Google's 403 userRateLimitExceeded) is retried with backoff. */
import { HttpClient, HttpPermanentError } from '../../../src/http/index.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';
import { fakeClock } from './fakeClock.js';

let server: TestServer;
let root: HttpClient;
afterEach(async () => {
  await root.close();
  await server.close();
});

test('a response the client is told to retry is retried; without the hook the same 403 fails at once', async () => {
  const limited = { status: 403, json: { error: { code: 403, errors: [{ reason: 'userRateLimitExceeded' }] } } };
  let calls = 0;
  // Two rate-limited answers, then one that succeeds, over and over.
  server = await startTestServer({ 'GET /list': () => (calls++ % 3 < 2 ? limited : { json: { ok: true } }) });
  const clock = fakeClock();
  root = new HttpClient({ section: 's', tls: { verify: true }, clock, retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 1000 } });
  const api = root.with({ baseUrl: server.url, classifyFailure: (r) => (r.status === 403 && r.text.includes('userRateLimitExceeded') ? 'retry' : undefined) });
  expect(await api.getJson('/list')).toEqual({ ok: true });
  expect(server.requests).toHaveLength(3);
  expect(clock.sleeps).toHaveLength(2);
  // Derived clients keep the hook.
  expect(await api.with({ headers: { 'x-a': '1' } }).getJson('/list')).toEqual({ ok: true });
  expect(server.requests).toHaveLength(6);

  const other = await startTestServer({ 'GET /list': limited });
  try {
    await expect(root.with({ baseUrl: other.url }).getJson('/list')).rejects.toBeInstanceOf(HttpPermanentError);
    expect(other.requests).toHaveLength(1);
  } finally {
    await other.close();
  }
});
