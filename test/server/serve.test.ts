/** The webhook server end to end, in-process: Jamf webhook in, fake Jamf read, fake Oomnitza written. */
import http from 'node:http';
import { makeComputer, makeMobileDevice } from '../support/fakeJamf.js';
import { COMPUTER_EVENTS, MOBILE_EVENTS, serials, startHarness, waitFor, webhook, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const computerSerial = (id: number) => (makeComputer(id).general as { serial_number: string }).serial_number;
const mobileSerial = (id: number) => (makeMobileDevice(id).general as { serial_number: string }).serial_number;

test('each of the 10 events syncs its device to Oomnitza with the section mappings and converters', async () => {
  h = await startHarness();
  const sent = await Promise.all([
    ...COMPUTER_EVENTS.map((event, i) => h!.post('/hooks/casper', webhook(event, i + 1, { nested: event === 'ComputerCheckIn' || event === 'ComputerPolicyFinished' }))),
    ...MOBILE_EVENTS.map((event, i) => h!.post('/any/path/casper.MDM', webhook(event, i + 1))),
  ]);
  expect(sent.map((r) => r.status)).toEqual(Array(10).fill(204));
  // Every portion sent is finalized (how many portions depends on timing: the 10 devices may take several flushes).
  await waitFor(() => h!.oom.records().length === 10 && h!.oom.bulkRequests.every((b) => h!.oom.finalized.includes(b.portion)));

  expect(serials(h.oom.records('Casper'))).toEqual([1, 2, 3, 4, 5].map(computerSerial).sort());
  expect(serials(h.oom.records('Casper.MDM'))).toEqual([1, 2, 3, 4, 5].map(mobileSerial).sort());
  const c2 = h.oom.records('Casper').find((r) => r.SERIAL_NUMBER === computerSerial(2));
  // Exact payload: mappings, the default date converter on report_date, the extension attribute converter,
  // and the default APPLICATIONS mapping of computers.
  expect(c2).toEqual({
    SERIAL_NUMBER: computerSerial(2),
    MODEL: 'MacBook Pro (14-inch, 2023)',
    REPORT_DATE: expect.any(Number),
    COST_CENTER: 'CC-2',
    APPLICATIONS: [
      { name: 'Safari.app', path: '/Applications/Safari.app', version: '17.4.1' },
      { name: 'Slack.app', path: '/Applications/Slack.app', version: '4.38.121' },
    ],
  });
  const m3 = h.oom.records('Casper.MDM').find((r) => r.SERIAL_NUMBER === mobileSerial(3));
  expect(m3).toEqual({ SERIAL_NUMBER: mobileSerial(3), IMEI: '353' });
  const bulk = h.oom.bulkRequests.find((b) => b.connector_name === 'Casper.MDM')!;
  expect(bulk).toMatchObject({ data_type: 'assets', sync_field: ['SERIAL_NUMBER'], insert_only: false, update_only: false });
  expect(h.oom.finalized).toEqual(expect.arrayContaining(h.oom.bulkRequests.map((b) => b.portion)));
  // Only the subsets the mappings need are fetched, as JSON detail requests by Jamf id.
  const details = h.jamf.requests.filter((r) => /\/id\/\d+/.test(r.path));
  expect(details).toHaveLength(10);
  expect(details.every((r) => r.path.includes('/subset/'))).toBe(true);
  expect(await h.stop()).toBe(0);
});

test('a device whose fetch fails is counted and the others still arrive', async () => {
  h = await startHarness();
  h.jamf.failDevice('computers', 3, 404);
  for (const id of [2, 3, 4]) expect((await h.post('/casper', webhook('ComputerInventoryCompleted', id))).status).toBe(204);
  await waitFor(async () => (await h!.health()).sections.casper.failed === 1 && h!.oom.records().length === 2);
  expect(serials(h.oom.records('Casper'))).toEqual([computerSerial(2), computerSerial(4)].sort());
});

test.each([
  ['garbage', 400, 'not json{'],
  ['JSON that is not a webhook', 400, '{"hello": 1}'],
  ['a device event without jssID', 400, JSON.stringify({ webhook: { webhookEvent: 'ComputerAdded' }, event: { udid: 'x' } })],
  ['an unknown event (ignored)', 204, JSON.stringify({ webhook: { webhookEvent: 'RestAPIOperation' }, event: { jssID: 1 } })],
])('%s answers %i and syncs nothing', async (_name, status, body) => {
  h = await startHarness();
  const res = await h.post('/casper', body);
  expect(res.status).toBe(status);
  await new Promise((r) => setTimeout(r, 150));
  expect(h.oom.bulkRequests).toHaveLength(0);
  expect(h.jamf.requests.filter((r) => r.path.startsWith('/JSSResource'))).toHaveLength(0);
  if (status === 204) expect((await h.health()).ignored).toBe(1);
});

test('a mobile device event sent to a computers section is ignored, not fetched as a computer', async () => {
  h = await startHarness();
  expect((await h.post('/casper', webhook('MobileDeviceEnrolled', 1))).status).toBe(204);
  expect((await h.health()).ignored).toBe(1);
  await new Promise((r) => setTimeout(r, 150));
  expect(h.jamf.requests.filter((r) => r.path.startsWith('/JSSResource'))).toHaveLength(0);
});

test('routing: unknown or non-Jamf section 401 (as if unauthenticated), GET on a section 405, /healthz 200', async () => {
  h = await startHarness();
  expect((await h.post('/hooks/casper.other', webhook('ComputerAdded', 1))).status).toBe(401);
  expect((await h.post('/hooks/ldap', webhook('ComputerAdded', 1))).status).toBe(401);
  expect((await h.post('/hooks/CASPER', webhook('ComputerAdded', 1))).status).toBe(401);
  expect((await fetch(`${h.url}/hooks/casper`)).status).toBe(405);
  const health = await fetch(`${h.url}/healthz`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', received: 0, waiting: 0, sections: { casper: { pushed: 0 }, 'casper.MDM': { pushed: 0 } } });
});

/** Sends a raw request with node:http so an early 413 can be observed even while the body is still being written. */
function rawPost(url: string, body: Buffer, chunked: boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/casper`, { method: 'POST', headers: chunked ? { 'Transfer-Encoding': 'chunked' } : { 'Content-Length': String(body.length) } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.subarray(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

test('a body over the limit answers 413, declared or streamed', async () => {
  h = await startHarness({ tuning: { bodyLimitBytes: 64 * 1024 } });
  const big = Buffer.alloc(200 * 1024, 'a');
  expect(await rawPost(h.url, big, false)).toBe(413);
  expect(await rawPost(h.url, big, true)).toBe(413);
  // Just under the limit is read (and rejected as not JSON, proving it was parsed).
  expect(await rawPost(h.url, Buffer.alloc(60 * 1024, 'a'), false)).toBe(400);
  expect((await h.post('/casper', webhook('ComputerAdded', 1))).status).toBe(204);
});

describe('authentication', () => {
  const token = 'wh-token-5f2a9c7e1b';
  test('webhook_token: header, bearer or query; wrong or missing answers 401', async () => {
    h = await startHarness({ extra: { casper: `webhook_token = ${token}` } });
    const body = webhook('ComputerAdded', 1);
    expect((await h.post('/casper', body)).status).toBe(401);
    expect((await h.post('/casper', body, { 'X-Webhook-Token': 'wrong-token-value' })).status).toBe(401);
    expect((await h.post('/casper', body, { Authorization: `Bearer ${token}x` })).status).toBe(401);
    expect((await h.post('/casper', body, { 'X-Webhook-Token': token })).status).toBe(204);
    expect((await h.post('/casper', webhook('ComputerAdded', 2), { Authorization: `Bearer ${token}` })).status).toBe(204);
    expect((await h.post(`/casper?token=${token}`, webhook('ComputerAdded', 3))).status).toBe(204);
    // The token guards [casper] only.
    expect((await h.post('/casper.MDM', webhook('MobileDeviceEnrolled', 1))).status).toBe(204);
    await waitFor(() => h!.oom.records('Casper').length === 3);
  });

  test('HTTP Basic as Jamf Pro sends it; a wrong password answers 401 with a challenge', async () => {
    h = await startHarness({ extra: { mdm: 'webhook_username = jamf\nwebhook_password = b4sic-Secret' } });
    const basic = (u: string, p: string) => ({ Authorization: `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}` });
    const refused = await h.post('/casper.MDM', webhook('MobileDeviceCheckIn', 1), basic('jamf', 'nope-nope'));
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await h.post('/casper.MDM', webhook('MobileDeviceCheckIn', 1), basic('jamf', 'b4sic-Secret'))).status).toBe(204);
    await waitFor(() => h!.oom.records('Casper.MDM').length === 1);
  });

  test('allowed_ips: a client outside the list is refused (401, as for an unknown section), inside is accepted', async () => {
    h = await startHarness({ extra: { casper: 'allowed_ips = 10.0.0.0/8, 192.168.1.7', mdm: 'allowed_ips = 10.0.0.0/8, 127.0.0.0/8' } });
    expect((await h.post('/casper', webhook('ComputerAdded', 1))).status).toBe(401);
    expect((await h.post('/casper.MDM', webhook('MobileDeviceEnrolled', 1))).status).toBe(204);
  });

  test('a bad allowed_ips entry is a config error naming the setting and line', async () => {
    await expect(startHarness({ extra: { casper: 'allowed_ips = 10.0.0.0/33' } })).rejects.toThrow(/config\.ini:\d+: \[casper\] allowed_ips: "10\.0\.0\.0\/33" is not an IP address/);
  });
});
