import http from 'node:http';
import { getEventListeners } from 'node:events';
import type { AddressInfo } from 'node:net';
import { PermanentError, TransientError } from '../../src/errors.js';
import { HttpClient, HttpError } from '../../src/http/client.js';
import { tokenHeader } from '../../src/http/auth/index.js';
import type { AuthProvider, HttpClientOptions } from '../../src/http/types.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';
import { captureLogs } from './logCapture.js';

const FAST = { retries: 3, baseDelayMs: 1, maxDelayMs: 20 };
let server: TestServer | undefined;
let client: HttpClient | undefined;

function makeClient(extra: Partial<HttpClientOptions> = {}): HttpClient {
  client = new HttpClient({ section: 'jamf', tls: { verify: true }, retry: FAST, ...extra });
  return client;
}

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

async function rejection(promise: Promise<unknown>): Promise<Error & { status?: number }> {
  try {
    await promise;
  } catch (err) {
    return err as Error & { status?: number };
  }
  throw new Error('expected the promise to reject');
}

test('503 twice then success: retried, logged at warn, result returned', async () => {
  server = await startTestServer({
    'GET /devices': [{ status: 503, body: 'busy' }, { status: 503, json: { message: 'still busy' } }, { json: { ok: true } }],
  });
  const logs = captureLogs();
  try {
    const body = await makeClient().getJson<{ ok: boolean }>(`${server.url}/devices`);
    expect(body).toEqual({ ok: true });
  } finally {
    logs.stop();
  }
  expect(server.requests).toHaveLength(3);
  const warnings = logs.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  expect(warnings).toHaveLength(2);
  expect(warnings[0]).toMatch(/^\[jamf\] GET http:\/\/127\.0\.0\.1:\d+\/devices failed: HTTP 503: busy; retry 1 of 3 in \d+ ms$/);
  expect(warnings[1]).toContain('HTTP 503: still busy; retry 2 of 3');
});

test('429 with Retry-After: waits the (capped) server delay, not the tiny backoff', async () => {
  const times: number[] = [];
  server = await startTestServer({
    'GET /x': [
      () => {
        times.push(Date.now());
        return { status: 429, headers: { 'retry-after': '0.2' }, json: { error: 'slow down' } };
      },
      () => {
        times.push(Date.now());
        return { json: [1] };
      },
    ],
  });
  // A rate-limit wait is what the server asks (200 ms), beyond the backoff cap (5 ms) and outside the retry budget.
  const body = await makeClient({ retry: { retries: 0, baseDelayMs: 1, maxDelayMs: 5 } }).getJson(`${server.url}/x`);
  expect(body).toEqual([1]);
  const waited = times[1] - times[0];
  expect(waited).toBeGreaterThanOrEqual(190);
  expect(waited).toBeLessThan(2000);
});

test('429 on every attempt ends, after rateLimit.maxWaits waits, in a TransientError carrying status and Retry-After', async () => {
  server = await startTestServer({ 'GET /x': { status: 429, headers: { 'retry-after': '0' }, json: { error: 'quota' } } });
  const err = await rejection(makeClient({ rateLimit: { maxWaits: 3 } }).getJson(`${server.url}/x`));
  expect(err).toBeInstanceOf(TransientError);
  expect(err).toBeInstanceOf(HttpError);
  expect(err.status).toBe(429);
  expect((err as TransientError).retryAfterMs).toBe(0);
  expect(err.message).toContain('HTTP 429: quota (still rate limited after 3 waits)');
  expect(server.requests).toHaveLength(4);
});

test('400 is not retried and is a PermanentError with the server text', async () => {
  server = await startTestServer({ 'POST /things': { status: 400, json: { detail: 'field "serial" is required' } } });
  const err = await rejection(makeClient().postJson(`${server.url}/things`, { a: 1 }));
  expect(err).toBeInstanceOf(PermanentError);
  expect(err).toBeInstanceOf(HttpError);
  expect(err.status).toBe(400);
  expect(err.message).toBe(`[jamf] POST ${server.url}/things failed: HTTP 400: field "serial" is required`);
  expect(server.requests).toHaveLength(1);
  expect(server.requests[0].headers['content-type']).toBe('application/json');
  expect(JSON.parse(server.requests[0].body)).toEqual({ a: 1 });
});

test('acceptStatus returns the response instead of throwing', async () => {
  server = await startTestServer({ 'GET /probe': { status: 404, body: 'nope' } });
  const response = await makeClient().request('GET', `${server.url}/probe`, { acceptStatus: [404] });
  expect(response.status).toBe(404);
  expect(response.text).toBe('nope');
});

test('connection refused is retried, then a clear TransientError', async () => {
  const probe = http.createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const logs = captureLogs();
  let err;
  try {
    err = await rejection(makeClient({ retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 5 } }).request('GET', `http://127.0.0.1:${port}/api?token=abc123456`));
  } finally {
    logs.stop();
  }
  expect(err).toBeInstanceOf(TransientError);
  expect(err.status).toBeUndefined();
  expect(err.message).toBe(`[jamf] GET http://127.0.0.1:${port}/api failed: connection refused (gave up after 3 attempts)`);
  expect(logs.lines.filter((l) => l.level === 'warn')).toHaveLength(2);
});

test('a slow server times out per request, is retried, then reports the timeout', async () => {
  server = await startTestServer({ 'GET /slow': { delayMs: 1000, json: {} } });
  const err = await rejection(makeClient({ timeoutMs: 100, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 } }).getJson(`${server.url}/slow`));
  expect(err).toBeInstanceOf(TransientError);
  expect(err.message).toBe(`[jamf] GET ${server.url}/slow failed: timed out after 100 ms (gave up after 2 attempts)`);
  expect(server.requests).toHaveLength(2);
});

test('error messages carry no query string, credentials or auth header values, even when the server echoes them', async () => {
  const token = 'tok-SECRET-9f8e7d';
  server = await startTestServer({
    'GET /users': (req) => ({
      status: 403,
      json: { error: `token ${String(req.headers.authorization2)} has no access; api_key=${req.query.api_key}` },
    }),
  });
  const err = await rejection(
    makeClient({ auth: tokenHeader('Authorization2', token) }).request('GET', `${server.url.replace('http://', 'http://admin:pw-hunter22@')}/users?api_key=qk-SECRET-555&page=2`),
  );
  expect(server.requests[0].headers.authorization2).toBe(token);
  expect(err.message).toBe(`[jamf] GET ${server.url}/users failed: HTTP 403: token *** has no access; api_key=***`);
  for (const secret of [token, 'qk-SECRET-555', 'pw-hunter22', 'page=2', '?']) expect(err.message).not.toContain(secret);
});

test('long server texts are cut at 300 characters; HTML pages are reduced to their text', async () => {
  server = await startTestServer({
    'GET /a': { status: 502, body: `<html><body><h1>Bad gateway</h1>${'x'.repeat(1000)}</body></html>` },
  });
  const err = await rejection(makeClient({ retry: { retries: 0 } }).request('GET', `${server.url}/a`));
  const said = err.message.split('HTTP 502: ')[1];
  expect(said.startsWith('Bad gateway xxx')).toBe(true);
  expect(said.length).toBe(303);
});

test('after a 401, invalidate() true means one retry with fresh headers; false means the 401 is thrown', async () => {
  let issued = 0;
  const refreshing: AuthProvider = { authorize: async (req) => void (req.headers.authorization = `Bearer t${++issued}`), invalidate: () => true };
  server = await startTestServer({
    'GET /me': (req) => (req.headers.authorization === 'Bearer t2' ? { json: { me: 1 } } : { status: 401, json: { error: 'expired' } }),
  });
  expect(await makeClient({ auth: refreshing }).getJson(`${server.url}/me`)).toEqual({ me: 1 });
  expect(server.requests.map((r) => r.headers.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  await client!.close();

  const fixed: AuthProvider = { authorize: async (req) => void (req.headers.authorization = 'Bearer t1'), invalidate: () => false };
  const err = await rejection(makeClient({ auth: fixed }).getJson(`${server.url}/me`));
  expect(err.status).toBe(401);
  expect(err).toBeInstanceOf(PermanentError);
  expect(server.requests).toHaveLength(3);
});

test('a second 401 after re-authenticating is thrown, not looped on', async () => {
  let calls = 0;
  const auth: AuthProvider = { authorize: async (req) => void (req.headers.authorization = `Bearer ${++calls}`), invalidate: () => true };
  server = await startTestServer({ 'GET /me': { status: 401, json: { error: 'no' } } });
  const err = await rejection(makeClient({ auth }).getJson(`${server.url}/me`));
  expect(err.status).toBe(401);
  expect(server.requests).toHaveLength(2);
});

test('query, form, default headers and per-request headers are sent', async () => {
  server = await startTestServer({ 'POST /token': { json: { ok: 1 } } });
  await makeClient({ headers: { 'X-Team': 'it' } }).request('POST', `${server.url}/token?fixed=1`, {
    query: { a: 'x y', n: 5, skip: undefined },
    form: { grant_type: 'client_credentials' },
    headers: { 'X-Extra': 'yes' },
  });
  const req = server.requests[0];
  expect(req.query).toEqual({ fixed: '1', a: 'x y', n: '5' });
  expect(req.body).toBe('grant_type=client_credentials');
  expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded');
  expect(req.headers['x-team']).toBe('it');
  expect(req.headers['x-extra']).toBe('yes');
});

test('a non-JSON body is a clear PermanentError from json()', async () => {
  server = await startTestServer({ 'GET /html': { body: '<html>login page</html>' } });
  const err = await rejection(makeClient().getJson(`${server.url}/html`));
  expect(err).toBeInstanceOf(PermanentError);
  expect(err.message).toBe(`[jamf] GET ${server.url}/html: the response (HTTP 200) is not JSON; it starts with "<html>login page</html>"`);
});

test('the signal cancels an in-flight request and a backoff wait', async () => {
  server = await startTestServer({ 'GET /slow': { delayMs: 3000, json: {} }, 'GET /busy': { status: 503, headers: { 'retry-after': '30' } } });
  const c = makeClient({ retry: { retries: 5, baseDelayMs: 1, maxDelayMs: 60_000 } });
  const started = Date.now();
  const err1 = await rejection(c.getJson(`${server.url}/slow`, { signal: AbortSignal.timeout(100) }));
  expect(err1.name).toBe('TimeoutError');
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const err2 = await rejection(c.getJson(`${server.url}/busy`, { signal: controller.signal }));
  expect(err2.name).toBe('AbortError');
  expect(server.requests.filter((r) => r.path === '/busy')).toHaveLength(1);
  expect(Date.now() - started).toBeLessThan(2000);
});

test('redirects are followed', async () => {
  server = await startTestServer({ 'GET /old': { status: 302, headers: { location: '/new' } }, 'GET /new': { json: { moved: true } } });
  expect(await makeClient().getJson(`${server.url}/old`)).toEqual({ moved: true });
});

test('instanceof HttpError narrows to a type with status', () => {
  const err: unknown = new Error('plain');
  const status = err instanceof HttpError ? err.status : 'not http';
  expect(status).toBe('not http');
});

test('a per-request auth provider replaces the client\'s: its values are secrets in messages; noAuth still wins', async () => {
  server = await startTestServer({
    'GET /a': (req) => ({ status: 403, json: { error: `key ${String(req.headers['x-api-key'])} refused` } }),
    'GET /b': { json: {} },
  });
  const clientAuth: AuthProvider = { authorize: async (req) => void (req.headers.authorization = 'Bearer client-token') };
  const callAuth: AuthProvider = { authorize: async (req) => void (req.headers['X-Api-Key'] = 'call-key-SECRET') };
  const c = makeClient({ auth: clientAuth });
  const err = await rejection(c.request('GET', `${server.url}/a`, { auth: callAuth }));
  expect(server.requests[0].headers['x-api-key']).toBe('call-key-SECRET');
  expect(server.requests[0].headers.authorization).toBeUndefined();
  expect(err.message).toBe(`[jamf] GET ${server.url}/a failed: HTTP 403: key *** refused`);
  await c.request('GET', `${server.url}/b`, { auth: callAuth, noAuth: true });
  expect(server.requests[1].headers['x-api-key']).toBeUndefined();
  expect(server.requests[1].headers.authorization).toBeUndefined();
});

test('a provider logs in through the client it is given without authentication; the caller\'s signal keeps no listener after a request', async () => {
  server = await startTestServer({ 'POST /login': { json: { token: 't-1' } }, 'GET /x': { json: {} } });
  let token: Promise<string> | undefined;
  const auth: AuthProvider = {
    async authorize(req, via) {
      token ??= via.request('POST', `${server!.url}/login`).then((r) => r.json<{ token: string }>().token);
      req.headers.authorization = `Bearer ${await token}`;
    },
  };
  const c = makeClient({ auth });
  const signal = new AbortController().signal;
  await Promise.all([1, 2, 3].map(() => c.request('GET', `${server!.url}/x`, { signal })));
  expect(server.requests.map((r) => `${r.path} ${r.headers.authorization ?? '-'}`).sort()).toEqual(['/login -', '/x Bearer t-1', '/x Bearer t-1', '/x Bearer t-1']);
  expect(getEventListeners(signal, 'abort')).toHaveLength(0);
});
