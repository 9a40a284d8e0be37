/**
 * `serve` against clients that mean harm (issue 11, #4, #5 and #25): forged log lines and log floods, idle
 * connections held open, probing for section names; and a Jamf that fails for a while.
 */
import net from 'node:net';
import { captureLogs } from '../http/logCapture.js';
import { startHarness, waitFor, webhook, type Harness } from './harness.js';

let h: Harness | undefined;
let logs: ReturnType<typeof captureLogs> | undefined;
afterEach(async () => {
  logs?.stop();
  logs = undefined;
  await h?.close();
  h = undefined;
});

const TOKEN = 'hostile-test-token-4c1d';
const FAKE_SUMMARY = '2024-01-01T00:00:00.000Z INFO connector: [casper] pulled 500, filtered out 0, skipped 0, pushed 500, failed 0';

/** Sends `count` requests, `parallel` at a time. */
async function flood(count: number, parallel: number, send: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < count) await send(next++);
  }));
}

test('#4 requests for unknown sections and refused requests reach the log escaped, capped and rate limited', async () => {
  h = await startHarness({ extra: { casper: `webhook_token = ${TOKEN}` }, tuning: { requestLogIntervalMs: 60_000 } });
  logs = captureLogs();
  const forged = `x\n${FAKE_SUMMARY}\u001b[2J\u001b[31m${'A'.repeat(4000)}`;
  await flood(300, 20, () => h!.post(`/hooks/${encodeURIComponent(forged)}`, webhook('ComputerAdded', 1)));
  await flood(50, 10, () => h!.post('/hooks/casper', webhook('ComputerAdded', 1), { 'X-Webhook-Token': 'wrong-token-guess' }));
  expect(await h.stop()).toBe(0);

  const messages = logs.lines.map((l) => l.message);
  // No line was forged or repainted, and no client value was written whole.
  expect(messages.some((m) => m.includes(`\n${FAKE_SUMMARY}`))).toBe(false);
  expect(messages.some((m) => m.includes('\u001b'))).toBe(false);
  const aboutUnknown = messages.filter((m) => m.includes('not a section served here'));
  const aboutRefused = messages.filter((m) => m.includes('wrong webhook credentials'));
  // One line each, then one count line at the end of the interval (here: at the stop).
  expect(aboutUnknown).toHaveLength(2);
  expect(aboutUnknown[0]).toContain(`"x\\n${FAKE_SUMMARY}\\u001b[2J`);
  expect(aboutUnknown[0]).toMatch(/\.\.\.\(\+\d+ chars\)"/);
  expect(aboutUnknown[1]).toMatch(/^299 more like this in the last \d+ s \(rate limited/);
  expect(aboutRefused).toHaveLength(2);
  expect(aboutRefused[0]).toMatch(/^\[casper\] webhook from 127\.0\.0\.1 refused: wrong webhook credentials$/);
  expect(aboutRefused[1]).toMatch(/^49 more like this/);
  expect(Math.max(...[...aboutUnknown, ...aboutRefused].map((m) => m.length))).toBeLessThan(1_000);
}, 20_000);

test('#4 an event name or a body a client chose is escaped in the log too', async () => {
  h = await startHarness({ tuning: { requestLogIntervalMs: 60_000 } });
  logs = captureLogs();
  const event = `Odd\n${FAKE_SUMMARY}`;
  expect((await h.post('/casper', JSON.stringify({ webhook: { webhookEvent: event }, event: {} }))).status).toBe(204);
  expect((await h.post('/casper', `not json\n${FAKE_SUMMARY}`)).status).toBe(400);
  expect((await h.post('/casper', JSON.stringify({ webhook: { webhookEvent: 'ComputerAdded' }, event: { jssID: `1\n${FAKE_SUMMARY}` } }))).status).toBe(400);
  expect(await h.stop()).toBe(0);
  const messages = logs.lines.map((l) => l.message);
  expect(messages.some((m) => m.includes(`\n${FAKE_SUMMARY}`))).toBe(false);
  expect(messages).toContainEqual(expect.stringContaining(`[casper] ignored webhook event "Odd\\n${FAKE_SUMMARY}"`));
});

/** Everything a client can tell apart in an answer. */
async function answer(url: string, init: RequestInit = {}): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, redirect: 'manual' });
  return {
    status: res.status, body: await res.text(), challenge: res.headers.get('www-authenticate'),
    allow: res.headers.get('allow'), connection: res.headers.get('connection'), type: res.headers.get('content-type'),
  };
}

test('#25 until a client is authenticated, known and unknown sections answer alike, /healthz included', async () => {
  h = await startHarness({ extra: { casper: `webhook_token = ${TOKEN}`, mdm: 'allowed_ips = 10.0.0.0/8' } });
  const body = webhook('ComputerAdded', 1);
  const unknown = await answer(`${h.url}/hooks/no-such-section`, { method: 'POST', body });
  expect(unknown.status).toBe(401);
  const probes: Array<[string, RequestInit]> = [
    ['/hooks/casper', { method: 'POST', body }],
    ['/hooks/casper', { method: 'POST', body, headers: { 'X-Webhook-Token': 'a-wrong-guess' } }],
    ['/hooks/casper', { method: 'GET' }],
    ['/hooks/casper', { method: 'PUT', body }],
    ['/hooks/casper.MDM', { method: 'POST', body }],
    ['/hooks/casper.MDM', { method: 'GET' }],
    ['/hooks/no-such-section', { method: 'GET' }],
    ['/hooks/CASPER', { method: 'POST', body }],
    ['/hooks/%E0%A4%A', { method: 'POST', body }],
    ['/', { method: 'GET' }],
  ];
  for (const [pathname, init] of probes) expect([pathname, init.method, await answer(`${h.url}${pathname}`, init)]).toEqual([pathname, init.method, unknown]);

  const stranger = await (await fetch(`${h.url}/healthz`)).text();
  expect(stranger).not.toContain('casper');
  const insider = await (await fetch(`${h.url}/healthz`, { headers: { 'X-Webhook-Token': TOKEN } })).json() as { sections: Record<string, unknown> };
  expect(Object.keys(insider.sections)).toEqual(['casper']);
  // Authenticated, the client learns the rest: the method, and then the webhook is taken.
  expect((await answer(`${h.url}/hooks/casper`, { headers: { 'X-Webhook-Token': TOKEN } })).status).toBe(405);
  expect((await h.post('/hooks/casper', body, { 'X-Webhook-Token': TOKEN })).status).toBe(204);
});

/** Opens a TCP connection that sends nothing; resolves when it is open, `closed` when the server ends it. */
function idleSocket(port: number): Promise<{ closed: Promise<number>; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    const closed = new Promise<number>((done) => socket.once('close', () => done(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.resume();
    socket.once('connect', () => resolve({ closed, socket }));
    socket.once('error', reject);
  });
}

test('#5 connections are capped and idle ones are closed, so webhooks get through again', async () => {
  // The windows leave room for a busy machine: over-cap sockets close at once (well within 1 s), held ones only after
  // the 1.5 s headers timeout.
  h = await startHarness({ tuning: { maxConnections: 5, headersTimeoutMs: 1_500, requestTimeoutMs: 3_000, keepAliveTimeoutMs: 200 } });
  const port = Number(new URL(h.url).port);
  const idle = await Promise.all(Array.from({ length: 20 }, () => idleSocket(port)));
  const closedBy = (ms: number) => Promise.all(idle.map((s) => Promise.race([s.closed, new Promise<number>((r) => setTimeout(() => r(Infinity), ms))])));
  // Over the cap, the server closes new connections at once; the 5 it holds are closed after the headers timeout.
  const early = (await closedBy(1_000)).filter((t) => t < 1_000).length;
  expect(early).toBe(15);
  const all = await closedBy(6_000);
  expect(all.every((t) => t < 6_000)).toBe(true);
  expect((await h.post('/casper', webhook('ComputerAdded', 1))).status).toBe(204);
  await waitFor(() => h!.oom.records('Casper').length === 1);
});

test('#5 a fetch that fails transiently is tried again later, with backoff; one that keeps failing is counted and named', async () => {
  h = await startHarness({ tuning: { fetchAttempts: 3, fetchRetryDelayMs: 30 } });
  logs = captureLogs();
  // The client waits out 10 rate limits (Retry-After: 0) per fetch, then gives up with a transient error:
  // 12 answers of 429 fail the first fetch and the retry's first request.
  h.jamf.throttleNext(12, 429, 0);
  expect((await h.post('/casper', webhook('ComputerAdded', 2))).status).toBe(204);
  await waitFor(async () => (await h!.health()).sections.casper.pushed === 1);
  expect(h.oom.records('Casper')).toHaveLength(1);
  expect((await h.health()).sections.casper).toMatchObject({ retried: 1, failed: 0, pushed: 1 });

  h.jamf.throttleNext(1_000, 429, 0);
  expect((await h.post('/casper', webhook('ComputerAdded', 3))).status).toBe(204);
  await waitFor(async () => (await h!.health()).sections.casper.failed === 1);
  expect((await h.health()).sections.casper).toMatchObject({ retried: 3, failed: 1, pushed: 1 });
  const messages = logs.lines.map((l) => l.message);
  expect(messages).toContainEqual(expect.stringMatching(/could not read computer 3 \(events: ComputerAdded; attempt 1 of 3\): .*trying again in 0\.0 s/));
  expect(messages).toContainEqual(expect.stringMatching(/could not read computer 3 \(events: ComputerAdded\) \(after 3 attempts\)/));
  expect(messages).toContainEqual(expect.stringMatching(/failed computer 3: .*\(after 3 attempts\)/));
  h.jamf.throttleNext(0);
  expect(await h.stop()).toBe(1);
}, 20_000);
