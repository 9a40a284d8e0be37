import crypto from 'node:crypto';
import { signedRequests, type RequestSigner } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import type { OutgoingRequest } from '../../../src/http/types.js';
import { secretForms } from '../../../src/logging.js';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from '../../support/httpTestServer.js';

const KEY = 'shared-hmac-key-1';

/** The scheme of this test API: HMAC-SHA256 over method, path with query, timestamp and body, in base64. */
function signature(key: string, method: string, pathAndQuery: string, timestamp: string, body: string): string {
  return crypto.createHmac('sha256', key).update(`${method}\n${pathAndQuery}\n${timestamp}\n${body}`).digest('base64');
}

/** A client-side signer for that scheme, as a Chef or Landscape source would write one. */
function hmacSigner(key: string, seen: OutgoingRequest[] = []): RequestSigner {
  return (req, now) => {
    seen.push({ ...req, headers: { ...req.headers } });
    const timestamp = new Date(now).toISOString();
    const body = req.body === undefined ? '' : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : req.body;
    req.headers['x-timestamp'] = timestamp;
    req.headers['x-signature'] = signature(key, req.method, req.url.pathname + req.url.search, timestamp, body);
  };
}

let server: TestServer;
let client: HttpClient;
const timestamps = new Set<string>();
afterEach(async () => {
  await client?.close();
  await server?.close();
  timestamps.clear();
});

/** Verifies every request as the real API would: recomputes the HMAC from what arrived, refuses replays. */
function verified(then: TestResponse = { json: { ok: true } }) {
  return (req: RecordedRequest): TestResponse => {
    const timestamp = String(req.headers['x-timestamp'] ?? '');
    const expected = signature(KEY, req.method, req.url, timestamp, req.body);
    if (req.headers['x-signature'] !== expected) return { status: 401, json: { error: `signature mismatch: got ${req.headers['x-signature']}` } };
    if (timestamps.has(timestamp)) return { status: 401, json: { error: 'timestamp already used' } };
    timestamps.add(timestamp);
    return then;
  };
}

let t = 1_700_000_000_000;
const clock = () => (t += 1000);

function connect(sign: RequestSigner, retries = 0) {
  const auth = signedRequests(sign, { now: clock, describe: 'HMAC key "k1"' });
  client = new HttpClient({ section: 'landscape', tls: { verify: true }, auth, retry: { retries, baseDelayMs: 1 }, clock: { now: () => t, sleep: async () => undefined } });
}

test('the signature covers method, path with query, time and body, and the server accepts it', async () => {
  server = await startTestServer({ 'GET /api': verified(), 'POST /api': verified() });
  connect(hmacSigner(KEY));
  await expect(client.getJson(`${server.url}/api`, { query: { action: 'GetComputers', version: '2011-08-01' } })).resolves.toEqual({ ok: true });
  await expect(client.postJson(`${server.url}/api`, { name: 'Müller — ✓', n: [1, 2] })).resolves.toEqual({ ok: true });
  expect(server.requests[0].url).toBe('/api?action=GetComputers&version=2011-08-01');
  expect(server.requests[0].headers['x-timestamp']).toBe(new Date(1_700_000_001_000).toISOString());
  expect(client.describeAuth()).toBe('HMAC key "k1"');
});

test.each([
  ['JSON', { json: { name: 'Müller — ✓' } }],
  ['a form', { form: { q: 'a b&c', 'ü': '1' } }],
  ['a raw Buffer', { body: Buffer.from('raw ✓ bytes') }],
])('the hook sees %s body exactly as it is sent', async (_kind, opts) => {
  server = await startTestServer({ 'PUT /api': verified() });
  const seen: OutgoingRequest[] = [];
  connect(hmacSigner(KEY, seen));
  await client.request('PUT', `${server.url}/api`, opts);
  expect(Buffer.from(seen[0].body!).toString('utf8')).toBe(server.requests[0].body);
  expect(seen[0].headers['content-type']).toBe(server.requests[0].headers['content-type']);
});

test('a wrong key is rejected once (a signature is not renewed after a 401) and the signature is not in the message', async () => {
  server = await startTestServer({ 'GET /api': verified() });
  connect(hmacSigner('wrong-key'));
  const message = ((await client.getJson(`${server.url}/api`).catch((e: unknown) => e)) as Error).message;
  expect(message).toMatch(/^\[landscape\] GET http:\/\/127\.0\.0\.1:\d+\/api failed: HTTP 401: signature mismatch: got \*\*\*$/);
  const sent = String(server.requests[0].headers['x-signature']);
  for (const form of secretForms(sent)) expect(message).not.toContain(form);
  expect(server.requests).toHaveLength(1);
});

test('a signature that leaves out the query is rejected (the server really checks path and query)', async () => {
  server = await startTestServer({ 'GET /api': verified() });
  connect((req, now) => {
    const timestamp = new Date(now).toISOString();
    req.headers['x-timestamp'] = timestamp;
    req.headers['x-signature'] = signature(KEY, req.method, req.url.pathname, timestamp, '');
  });
  await expect(client.getJson(`${server.url}/api`, { query: { a: 1 } })).rejects.toThrow('HTTP 401: signature mismatch');
});

test('a retry runs the hook again: a new timestamp and a new signature per attempt', async () => {
  server = await startTestServer({ 'GET /api': [verified({ status: 503, body: 'busy' }), verified()] });
  connect(hmacSigner(KEY), 2);
  await expect(client.getJson(`${server.url}/api`)).resolves.toEqual({ ok: true });
  const [first, second] = server.requests.map((r) => [r.headers['x-timestamp'], r.headers['x-signature']]);
  expect(first[0]).not.toBe(second[0]);
  expect(first[1]).not.toBe(second[1]);
  expect(timestamps.size).toBe(2);
});

test('an async signer is awaited', async () => {
  server = await startTestServer({ 'GET /api': verified() });
  const sign = hmacSigner(KEY);
  connect(async (req, now) => {
    await new Promise((r) => setTimeout(r, 5));
    await sign(req, now);
  });
  await expect(client.getJson(`${server.url}/api`)).resolves.toEqual({ ok: true });
});

test('headers declared public (a user id, a timestamp) stay readable in error texts; the signature is masked', async () => {
  server = await startTestServer({ 'GET /api': (req) => ({ status: 401, json: { error: `no user ${String(req.headers['x-user'])} at ${String(req.headers['x-timestamp'])}, signature ${String(req.headers['x-signature'])}` } }) });
  const sign = hmacSigner(KEY);
  const auth = signedRequests((req, now) => {
    req.headers['x-user'] = 'connector';
    return sign(req, now);
  }, { now: clock, publicHeaders: ['X-User', 'x-timestamp'] });
  client = new HttpClient({ section: 'chef', tls: { verify: true }, auth, retry: { retries: 0 }, clock: { now: () => t, sleep: async () => undefined } });
  const message = ((await client.getJson(`${server.url}/api`).catch((e: unknown) => e)) as Error).message;
  expect(message).toContain(`no user connector at ${String(server.requests[0].headers['x-timestamp'])}, signature ***`);
});
