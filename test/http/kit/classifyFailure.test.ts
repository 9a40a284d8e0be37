/** classifyFailure: a status that does not say what failed (SOAP faults all come as HTTP 500). */
import { PermanentError } from '../../../src/errors.js';
import { HttpClient } from '../../../src/http/client.js';
import type { FailureKind, HttpClientOptions } from '../../../src/http/types.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';
import { fakeClock, type FakeClock } from './fakeClock.js';

let server: TestServer;
let client: HttpClient;
let clock: FakeClock;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

const fault = (code: string) => `<Envelope><Body><Fault><faultcode>Client</faultcode><faultstring>${code}</faultstring></Fault></Body></Envelope>`;
const kindOf = (body: string): FailureKind | undefined => (body.includes('429001') ? 'rate-limited' : body.includes('401001') ? 'fail' : body.includes('500001') ? 'retry' : undefined);

function makeClient(extra: Partial<HttpClientOptions> = {}): HttpClient {
  clock = fakeClock();
  client = new HttpClient({
    section: 'soap', tls: { verify: true }, retry: { retries: 1, baseDelayMs: 100, maxDelayMs: 1000 }, clock,
    classifyFailure: (res) => kindOf(res.text), ...extra,
  });
  return client;
}
/** Answers `bodies` in order with `status` (a body may bring headers), then 200 "ok". */
function answers(...bodies: Array<string | { body: string; headers: Record<string, string> }>) {
  return answersWith(500, ...bodies);
}
function answersWith(status: number, ...bodies: Array<string | { body: string; headers: Record<string, string> }>) {
  let n = 0;
  return () => {
    const next = bodies[n++];
    if (next === undefined) return { body: 'ok' };
    return typeof next === 'string' ? { status, body: next } : { status, ...next };
  };
}

test('a rate-limit fault in an HTTP 500 is waited out outside the retry budget: backoff, or what the headers ask', async () => {
  makeClient();
  server = await startTestServer({ 'POST /svc': answers(fault('429001'), fault('429001'), { body: fault('429001'), headers: { 'retry-after': '7' } }) });
  // Three waits although the retry budget is one.
  expect((await client.request('POST', `${server.url}/svc`, { body: 'x' })).text).toBe('ok');
  expect(server.requests).toHaveLength(4);
  expect(clock.sleeps).toHaveLength(3);
  expect(clock.sleeps[0]).toBeLessThan(100);
  expect(clock.sleeps[1]).toBeLessThan(200);
  expect(clock.sleeps[2]).toBe(7_000);
});

test("a 'fail' fault is not retried and explainFailure turns it into the admin's error", async () => {
  makeClient({ explainFailure: (f) => (f.status === 500 ? new PermanentError(`refused: ${f.said}`) : undefined), errorText: (b) => /<faultstring>(.*)<\/faultstring>/.exec(b)?.[1] });
  server = await startTestServer({ 'POST /svc': answers(fault('401001')) });
  await expect(client.request('POST', `${server.url}/svc`)).rejects.toThrow(new PermanentError('refused: 401001'));
  expect(server.requests).toHaveLength(1);
});

test("'retry' retries a status that would not be; undefined leaves it to the status", async () => {
  makeClient();
  server = await startTestServer({
    'POST /busy': answersWith(400, fault('500001')),
    'POST /bad': answersWith(400, '<html>Bad Request</html>'),
    'POST /html': answers('<html>Internal Server Error</html>'),
  });
  expect((await client.request('POST', `${server.url}/busy`)).text).toBe('ok');
  await expect(client.request('POST', `${server.url}/bad`)).rejects.toThrow(/HTTP 400: Bad Request$/);
  expect((await client.request('POST', `${server.url}/html`)).text).toBe('ok');
  expect(server.requests.map((r) => r.path)).toEqual(['/busy', '/busy', '/bad', '/html', '/html']);
});
