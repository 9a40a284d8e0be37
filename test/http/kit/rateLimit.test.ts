import { TransientError } from '../../../src/errors.js';
import { HttpClient } from '../../../src/http/client.js';
import { resetDelay } from '../../../src/http/rateLimit.js';
import type { HttpClientOptions } from '../../../src/http/types.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';
import { fakeClock, type FakeClock } from './fakeClock.js';

let server: TestServer;
let client: HttpClient;
let clock: FakeClock;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

function makeClient(extra: Partial<HttpClientOptions> = {}): HttpClient {
  clock = fakeClock();
  client = new HttpClient({ section: 'okta', tls: { verify: true }, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 }, clock, ...extra });
  return client;
}

/** 429 `times` times with the given headers (computed per request from the fake clock), then 200. */
function limited(times: number, headers: () => Record<string, string>) {
  let n = 0;
  return () => (n++ < times ? { status: 429, headers: headers(), json: { errorSummary: 'API call exceeded rate limit due to too many requests.' } } : { json: { ok: n } });
}

test('an Okta-style 429 with a 60 s epoch reset (X-Rate-Limit-Reset) is waited out and succeeds', async () => {
  makeClient();
  server = await startTestServer({
    'GET /api/v1/users': limited(3, () => ({ 'x-rate-limit-limit': '600', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 60) })),
  });
  // Three waits of 60 s: well past the retry budget (2) and the backoff cap (5 ms), and nothing is lost.
  expect(await client.getJson(`${server.url}/api/v1/users`)).toEqual({ ok: 4 });
  expect(clock.sleeps).toEqual([60_000, 60_000, 60_000]);
  expect(server.requests).toHaveLength(4);
});

test.each([
  ['Retry-After seconds', { 'retry-after': '7' }, 7_000],
  ['Retry-After HTTP date', { 'retry-after': 'date+9' }, 9_000],
  ['X-RateLimit-Reset seconds until reset', { 'x-ratelimit-reset': '12' }, 12_000],
  ['RateLimit-Reset seconds until reset', { 'ratelimit-reset': '3' }, 3_000],
  ['X-RateLimit-Reset as epoch seconds (GitHub)', { 'x-ratelimit-reset': 'epoch+20' }, 20_000],
])('%s', async (_name, raw, expected) => {
  makeClient();
  const headers = () => Object.fromEntries(Object.entries(raw).map(([k, v]) => [k,
    v.startsWith('date+') ? new Date(clock.now() + Number(v.slice(5)) * 1000).toUTCString()
      : v.startsWith('epoch+') ? String(Math.floor(clock.now() / 1000) + Number(v.slice(6))) : v]));
  server = await startTestServer({ 'GET /x': limited(1, headers) });
  await client.getJson(`${server.url}/x`);
  expect(clock.sleeps).toEqual([expected]);
});

test('a wait longer than rate_limit_max_wait fails at once with a transient error that says so', async () => {
  makeClient({ rateLimit: { maxWaitMs: 30_000 } });
  server = await startTestServer({ 'GET /x': limited(5, () => ({ 'retry-after': '900' })) });
  const err = await client.getJson(`${server.url}/x`).catch((e: unknown) => e as TransientError);
  expect(err).toBeInstanceOf(TransientError);
  expect((err as Error).message).toBe(`[okta] GET ${server.url}/x failed: HTTP 429: API call exceeded rate limit due to too many requests. ` +
    '(the server asks to wait 900 s, more than the 30 s allowed by rate_limit_max_wait)');
  expect(clock.sleeps).toEqual([]);
  expect(server.requests).toHaveLength(1);
});

test('a 429 without any header falls back to the retry policy (backoff, bounded attempts)', async () => {
  makeClient();
  server = await startTestServer({ 'GET /x': { status: 429, json: { error: 'busy' } } });
  const err = (await client.getJson(`${server.url}/x`).catch((e: unknown) => e)) as Error;
  expect(err.message).toContain('HTTP 429: busy (gave up after 3 attempts)');
  expect(clock.sleeps.every((ms) => ms <= 5)).toBe(true);
});

test('a 503 with Retry-After (maintenance) is waited out like a rate limit', async () => {
  makeClient();
  let n = 0;
  server = await startTestServer({ 'GET /x': () => (n++ === 0 ? { status: 503, headers: { 'retry-after': '120' } } : { json: [1] }) });
  expect(await client.getJson(`${server.url}/x`)).toEqual([1]);
  expect(clock.sleeps).toEqual([120_000]);
});

test('proactive pacing: when X-Rate-Limit-Remaining reaches the threshold, the next request waits for the reset', async () => {
  makeClient({ rateLimit: { remainingHeader: 'X-Rate-Limit-Remaining', paceBelow: 1 } });
  let remaining = 3;
  server = await startTestServer({
    'GET /x': () => ({ headers: { 'x-rate-limit-remaining': String(--remaining), 'x-rate-limit-reset': String(Math.floor(clock.now() / 1000) + 30) }, json: {} }),
  });
  await client.getJson(`${server.url}/x`); // remaining 2: no pause
  await client.getJson(`${server.url}/x`); // remaining 1: pause before the next
  expect(clock.sleeps).toEqual([]);
  await client.getJson(`${server.url}/x`);
  expect(clock.sleeps).toEqual([30_000]);
  expect(server.requests).toHaveLength(3);
});

test('a derived client takes its own rate-limit policy', async () => {
  makeClient();
  const okta = client.with({ baseUrl: 'http://unused.invalid', rateLimit: { maxWaitMs: 1_000 } });
  server = await startTestServer({ 'GET /x': limited(1, () => ({ 'retry-after': '5' })) });
  await expect(okta.getJson(`${server.url}/x`)).rejects.toThrow('more than the 1 s allowed');
  expect(await client.getJson(`${server.url}/x`)).toEqual({ ok: 2 });
});

test('resetDelay reads epoch seconds, epoch milliseconds and deltas', () => {
  const now = 1_800_000_000_000;
  expect(resetDelay('1800000060', now)).toBe(60_000);
  expect(resetDelay('1800000005000', now)).toBe(5_000);
  expect(resetDelay('42', now)).toBe(42_000);
  expect(resetDelay('soon', now)).toBeUndefined();
  expect(resetDelay('1700000000', now)).toBe(0);
});
