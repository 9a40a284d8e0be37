/** End to end: the built CLI reads the Control Center test server over SOAP and pushes to the fake Oomnitza. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { ACTION, startFakeJasper, type FakeJasper } from '../../support/fakeJasper.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { unordered } from '../../helpers/unordered.js';

let oom: FakeOomnitza;
let cc: FakeJasper;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  cc = await startFakeJasper({ terminals: 120, pageSize: 50 });
});
afterEach(async () => {
  await oom.close();
  await cc.close();
});

const STATE = 'state/jasper-watermark.txt';
const section = (o: { password?: string; key?: string; extra?: string } = {}) => `[jasper]
enable = True
wsdl_path = ${cc.wsdlUrl}
username = ${cc.username}
password = ${o.password ?? cc.password}
api_token = ${o.key ?? cc.licenseKey}
storage = ${STATE}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = iccid
mapping.STATUS = status
mapping.MSISDN = _msisdn
mapping.IMEI = imei
mapping.MODIFIED = dateModified
mapping.ACTIVATED = dateActivated
mapping.SHIPPED = dateShipped
mapping.USAGE = monthToDateUsage
mapping.OVERAGE = overageLimitReached
mapping.TERM_START = rating.termStartDate
mapping.DATA_LEFT = rating.primaryDataRemaining
mapping.FIXED_IP = fixedIpAddress
mapping.NOTES = simNotes
mapping.ACCOUNT = accountId
${o.extra ?? ''}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}`;
async function run(ini: string, args: string[], dir = tempDir({ 'config.ini': ini })) {
  const res = await runCli([...args, '--ini', 'config.ini'], { cwd: dir });
  return { ...res, dir, state: () => (fs.existsSync(path.join(dir, STATE)) ? fs.readFileSync(path.join(dir, STATE), 'utf8') : undefined) };
}

/** Terminal i as Oomnitza must receive it: the original's record shape (suds types, isoformat dates) through the mappings. */
function expected(i: number): Record<string, unknown> {
  const hours = String(i % 24).padStart(2, '0');
  const day = String(1 + Math.floor(i / 24)).padStart(2, '0');
  return {
    SERIAL_NUMBER: cc.iccid(i),
    STATUS: i % 5 === 0 ? 'DEACTIVATED' : 'ACTIVATED',
    MSISDN: `1555010${String(i).padStart(4, '0')}`,
    IMEI: `3520990000${String(i).padStart(5, '0')}`,
    MODIFIED: `2026-01-${day}T${hours}:00:00+00:00`,
    ACTIVATED: `2025-06-${String((i % 28) + 1).padStart(2, '0')}T08:30:00.123000-07:00`,
    // Terminal 3's dateShipped is no date at all: kept as sent, the record still arrives.
    SHIPPED: i === 3 ? '0000-00-00T00:00:00' : i % 3 === 0 ? null : '2025-05-20T16:00:00',
    USAGE: i + 0.25,
    OVERAGE: i % 4 === 0,
    TERM_START: '2025-06-01T00:00:00+00:00',
    DATA_LEFT: 5 - i / 10,
    FIXED_IP: null,
    NOTES: i === 2 ? 'Note with <markup> & "quotes"' : null,
    ACCOUNT: 100020620,
  };
}
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

test('every page of modified terminals, details 50 ICCIDs a request, exact payloads; the watermark saved where storage says', async () => {
  const res = await run(config(section()), ['upload', 'jasper']);
  expect(res.stderr).toMatch(/\[jasper\] pulled 120, .*pushed 120, failed 0/);
  expect(res.code).toBe(0);
  expect(unordered(oom.records('Jasper'))).toEqual(unordered(range(1, 120).map(expected)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Jasper', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });

  const listings = cc.calls.filter((c) => c.op === 'GetModifiedTerminals');
  expect(listings.map((c) => [c.since, c.pageNumber])).toEqual([['2015-03-04T00:00:00Z', 1], ['2015-03-04T00:00:00Z', 2], ['2015-03-04T00:00:00Z', 3]]);
  expect(cc.calls.filter((c) => c.op === 'GetTerminalDetails').map((c) => c.iccids!.length)).toEqual([50, 50, 20]);
  expect(cc.calls.every((c) => c.soapAction === `"${ACTION(c.op)}"`)).toBe(true);
  // The password's < & > travel escaped, inside a UsernameToken; the license key in the request element.
  const sent = cc.server.requests.find((r) => r.method === 'POST')!.body;
  expect(sent).toContain('<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">J4sper&lt;&amp;&gt;&quot;pass</wsse:Password>');
  expect(sent).toContain(`<licenseKey>${cc.licenseKey}</licenseKey>`);

  // The server's clock when the listing began, in the file the setting names (relative to the INI), nowhere else.
  expect(res.state()).toBe(listings[0].timestamp);
  expect(fs.readdirSync(path.join(res.dir, 'state'))).toEqual(['jasper-watermark.txt']);
  expect(fs.existsSync(path.join(res.dir, 'storage.db')) || fs.existsSync(path.join(res.dir, '..', 'storage.db'))).toBe(false);
  expect(res.stdout + res.stderr).not.toContain(cc.licenseKey);
});

test('the next run asks only for what changed since the watermark and moves it on; a purged SIM is named, not failed', async () => {
  const first = await run(config(section()), ['upload', 'jasper']);
  expect(first.code).toBe(0);
  const watermark = first.state()!;
  cc.modify(77, '2026-05-02T08:00:00.000Z');
  cc.modify(5, '2026-05-02T09:00:00.000Z');
  cc.modify(9, '2026-05-02T10:00:00.000Z');
  cc.vanish(9);
  oom.bulkRequests.length = 0;
  cc.calls.length = 0;

  const second = await run(config(section()), ['upload', 'jasper'], first.dir);
  expect(second.code).toBe(0);
  expect(cc.calls.filter((c) => c.op === 'GetModifiedTerminals').map((c) => c.since)).toEqual([watermark]);
  expect(oom.records('Jasper').map((r) => r.SERIAL_NUMBER)).toEqual([cc.iccid(77), cc.iccid(5)]);
  expect(oom.records('Jasper')[0].MODIFIED).toBe('2026-05-02T08:00:00+00:00');
  expect(second.stderr).toContain(`1 listed terminal(s) have no details in Control Center (deleted or moved to another account since they were listed): ${cc.iccid(9)}`);
  expect(second.state()).toBe(cc.calls[0].timestamp);
  expect(second.state()).not.toBe(watermark);
});

test('a terminal Control Center refuses is reported while the others arrive; the watermark stays', async () => {
  const dir = tempDir({ 'config.ini': config(section()), [STATE]: '2015-12-31T00:00:00Z' });
  cc.refuse(cc.iccid(60));
  const res = await run('', ['upload', 'jasper'], dir);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(new RegExp(`failed terminal ICCID ${cc.iccid(60)}: .*SOAP fault 400201: Access violation error`));
  expect(unordered(oom.records('Jasper').map((r) => r.SERIAL_NUMBER))).toEqual(range(1, 120).filter((i) => i !== 60).map((i) => cc.iccid(i)));
  // The batch holding it was asked for again ICCID by ICCID, so only that one failed.
  expect(cc.calls.filter((c) => c.op === 'GetTerminalDetails' && c.iccids!.length === 1)).toHaveLength(50);
  expect(res.state()).toBe('2015-12-31T00:00:00Z');
  expect(cc.calls.find((c) => c.op === 'GetModifiedTerminals')!.since).toBe('2015-12-31T00:00:00Z');
});

test("the license's rate limit (fault 400101) is waited out with nothing lost", async () => {
  cc.throttle(3);
  const res = await run(config(section()), ['upload', 'jasper']);
  expect(res.code).toBe(0);
  expect(cc.calls.filter((c) => c.fault === '400101')).toHaveLength(3);
  expect(res.stderr).toMatch(/rate limited \(HTTP 500: SOAP fault 400101: License has exceeded the rate limit for API calls\.\); waiting/);
  expect(unordered(oom.records('Jasper'))).toEqual(unordered(range(1, 120).map(expected)));
  expect(res.state()).toBe(cc.calls.find((c) => c.op === 'GetModifiedTerminals' && !c.fault)!.timestamp);
});

test('a wrong password: exit 1 after one request, the message names the setting and quotes Control Center', async () => {
  const res = await run(config(section({ password: 'wrong-password-4711' })), ['upload', 'jasper']);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[jasper\] password: Control Center refused user "api-user@example\.com" or its password \(SOAP fault 400200: Security validation error\. Your username or password is incorrect\.\); check username and password/);
  expect(cc.calls).toHaveLength(1);
  expect(oom.records('Jasper')).toEqual([]);
  expect(res.state()).toBeUndefined();
  expect(res.stdout + res.stderr).not.toContain('wrong-password-4711');
});

test('a wrong license key names api_token', async () => {
  const res = await run(config(section({ key: 'not-the-license-key' })), ['upload', 'jasper']);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[jasper\] api_token: Control Center refused the API license key \(SOAP fault 400100: Invalid license key/);
  expect(res.stdout + res.stderr).not.toContain('not-the-license-key');
});

test('--testmode prints the records and leaves the watermark alone', async () => {
  const res = await run(config(section()), ['upload', 'jasper', '--testmode']);
  expect(res.code).toBe(0);
  expect(res.stdout).toContain(cc.iccid(120));
  expect(res.state()).toBeUndefined();
});

test('a state file that holds no date-time is refused, not overwritten', async () => {
  const dir = tempDir({ 'config.ini': config(section()), [STATE]: 'SQLite format 3\u0000 not ours' });
  const res = await run('', ['upload', 'jasper'], dir);
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[jasper\] storage: the state file ".*jasper-watermark\.txt" does not hold a date-time/);
  expect(res.state()).toBe('SQLite format 3\u0000 not ours');
});

test('connector test jasper: authenticates and reads one terminal; a wrong password says which setting', async () => {
  const ok = await run(config(section()), ['test', 'jasper']);
  expect(ok.stdout).toMatch(new RegExp(`OK +\\[jasper\\] authenticated to ${cc.url}/ws/service/terminal as user "api-user@example.com"; read terminal ICCID ${cc.iccid(1)} \\(status ACTIVATED\\); state file .*jasper-watermark.txt: no sync yet`));
  expect(ok.code).toBe(0);
  expect(cc.calls.map((c) => c.op)).toEqual(['GetModifiedTerminals', 'GetTerminalDetails']);

  const bad = await run(config(section({ password: 'nope-nope-123' })), ['test', 'jasper']);
  expect(bad.stdout).toMatch(/FAILED \[jasper\] password: Control Center refused user "api-user@example\.com" or its password \(SOAP fault 400200/);
  expect(bad.code).toBe(1);
});
