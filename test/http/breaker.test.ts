/**
 * The source circuit breaker (src/http/breaker.ts) on a real client against a test server: a fan-out over a source
 * that stopped answering ends with one clear error after `threshold` failed requests, instead of failing (and
 * retrying) every item; after the cool-down one probe is sent, and an answer closes the breaker.
 */
import { SourceBreaker, SourceCircuitOpenError } from '../../src/http/breaker.js';
import { HttpClient } from '../../src/http/client.js';
import { fanOut } from '../../src/http/fanOut.js';
import { HttpPermanentError, HttpTransientError } from '../../src/http/httpError.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';
import { fakeClock } from './kit/fakeClock.js';
import { captureLogs } from './logCapture.js';

let server: TestServer | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

const transient = (status?: number) => new HttpTransientError('x failed', { section: 's', method: 'GET', url: 'u', status, attempts: 1 });

test('unit: opens after threshold outages in a row; any other answer resets; half-open lets one probe through', () => {
  let t = 0;
  const b = new SourceBreaker('jamf', { threshold: 3, coolDownMs: 1000 }, () => t);
  const changes: string[] = [];
  b.watch((state) => changes.push(state));
  b.failed(transient(), false);
  b.failed(transient(503), false);
  // A 404 is an answer: the server is there.
  b.failed(new HttpPermanentError('nf', { section: 's', method: 'GET', url: 'u', status: 404, attempts: 1 }), false);
  b.failed(transient(500), false);
  b.failed(transient(502), false);
  expect(b.state).toBe('closed');
  // A 429 that stayed limited is an answer too.
  b.failed(transient(429), false);
  b.failed(transient(), false);
  b.failed(transient(), false);
  b.failed(transient(), false);
  expect(b.state).toBe('open');
  expect(() => b.admit('GET /x')).toThrow(SourceCircuitOpenError);
  expect(() => b.admit('GET /x')).toThrow(/stopped answering \(3 requests in a row failed after their retries; the last: x failed\); GET \/x was not sent \(next probe in 1 s\)/);
  t = 1000;
  expect(b.state).toBe('half-open');
  expect(b.admit('GET /probe')).toBe(true);
  // While the probe is out, everything else is still refused.
  expect(() => b.admit('GET /y')).toThrow(/a probe is in flight/);
  b.failed(transient(), true);
  expect(b.state).toBe('open');
  t = 2500;
  expect(b.admit('GET /probe2')).toBe(true);
  b.answered(true);
  expect(b.state).toBe('closed');
  expect(b.admit('GET /z')).toBe(false);
  expect(changes).toEqual(['open', 'open', 'closed']);
});

test('unit: a probe cut short by its caller lets the next request probe; threshold 0 never opens', () => {
  let t = 0;
  const b = new SourceBreaker('s', { threshold: 1, coolDownMs: 10 }, () => t);
  b.failed(transient(), false);
  t = 10;
  expect(b.admit('a')).toBe(true);
  b.released(true);
  expect(b.admit('b')).toBe(true);
  const off = new SourceBreaker('s', { threshold: 0, coolDownMs: 10 }, () => t);
  for (let i = 0; i < 10; i++) off.failed(transient(), false);
  expect(off.admit('c')).toBe(false);
});

test('fan-out over 1000 details of a source answering 503: the breaker ends the read after 3 requests, one error logged', async () => {
  server = await startTestServer({ 'GET /detail': { status: 503, body: 'down' } });
  const clock = fakeClock();
  client = new HttpClient({ section: 'jamf', tls: { verify: true }, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 1 }, clock, breaker: { threshold: 3, coolDownMs: 60_000 } });
  const api = client.with({ baseUrl: server.url });
  const reported: string[] = [];
  const logs = captureLogs();
  let error: unknown;
  try {
    const ids = Array.from({ length: 1000 }, (_, i) => i);
    for await (const _ of fanOut(ids, {
      concurrency: 1,
      fetch: (id) => api.getJson(`/detail?id=${id}`),
      label: (id) => `computer ${id}`,
      reportFailure: (id) => reported.push(id),
    })) {
      // no item succeeds
    }
  } catch (err) {
    error = err;
  } finally {
    logs.stop();
  }
  expect(error).toBeInstanceOf(SourceCircuitOpenError);
  expect(String((error as Error).message)).toMatch(/^\[jamf\] the source stopped answering \(3 requests in a row failed after their retries; the last: .*HTTP 503: down.*\); GET http:\/\/127\.0\.0\.1:\d+\/detail was not sent/);
  // Three items failed (each tried twice), then the read ended: not 1000 x 2 requests.
  expect(reported).toEqual(['computer 0', 'computer 1', 'computer 2']);
  expect(server.requests).toHaveLength(6);
  expect(logs.lines.filter((l) => l.level === 'error').map((l) => l.message)).toEqual([
    expect.stringMatching(/^\[jamf\] circuit breaker open: 3 requests in a row failed after their retries; .* until a probe after 60 s$/),
  ]);
  expect(client.breaker?.state).toBe('open');
});

test('long-lived client: after the cool-down one probe goes out; the source is back, the breaker closes', async () => {
  let up = false;
  server = await startTestServer({ 'GET /x': () => (up ? { json: { ok: true } } : { status: 500, body: '<html>oops</html>' }) });
  const clock = fakeClock();
  client = new HttpClient({ section: 'jamf', tls: { verify: true }, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 }, clock, breaker: { threshold: 2, coolDownMs: 30_000 } });
  const api = client.with({ baseUrl: server.url });
  const logs = captureLogs();
  try {
    await expect(api.getJson('/x')).rejects.toThrow(/HTTP 500/);
    await expect(api.getJson('/x')).rejects.toThrow(/HTTP 500/);
    await expect(api.getJson('/x')).rejects.toThrow(SourceCircuitOpenError);
    expect(server.requests).toHaveLength(2);
    clock.advance(30_000);
    up = true;
    await expect(api.getJson('/x')).resolves.toEqual({ ok: true });
    await expect(api.getJson('/x')).resolves.toEqual({ ok: true });
  } finally {
    logs.stop();
  }
  expect(server.requests).toHaveLength(4);
  expect(client.breaker?.state).toBe('closed');
  expect(logs.lines.some((l) => l.level === 'warn' && /circuit breaker closed: the probe got an answer/.test(l.message))).toBe(true);
});

test('a client made without a breaker (the Oomnitza client) never refuses a request', async () => {
  server = await startTestServer({ 'GET /x': { status: 503, body: 'down' } });
  client = new HttpClient({ section: 'oomnitza', tls: { verify: true }, retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 1 } });
  for (let i = 0; i < 8; i++) await expect(client.getJson(`${server.url}/x`)).rejects.toThrow(/HTTP 503/);
  expect(server.requests).toHaveLength(8);
  expect(client.breaker).toBeUndefined();
});
