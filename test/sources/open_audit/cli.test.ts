/** End to end: the built CLI reads the Open-AudIT test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeOpenAudit, type FakeOpenAudit } from '../../support/fakeOpenAudit.js';

let oom: FakeOomnitza;
let oa: FakeOpenAudit;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  oa = await startFakeOpenAudit({ devices: 6, withoutNetwork: [3] });
});
afterEach(async () => {
  await Promise.all([oom.close(), oa.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = `sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = hardware.serial
mapping.NAME = hardware.name
mapping.MAC_ADDRESS = hardware.mac
mapping.NIC_VENDOR = hardware.mac_vendor
mapping.LAST_SEEN = hardware.last_seen
`;
const section = (name: string, s: FakeOpenAudit, extra = '', password = s.password) =>
  `[${name}]\nenable = True\nurl = ${s.url}\nusername = ${s.username}\npassword = ${password}\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const bySerial = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));

/** The payload of device i: APPLICATIONS (default mapping), the INI mappings, last_seen through date_format (a default converter). */
function expected(s: FakeOpenAudit, i: number) {
  const nic = s.network(i)[0]?.attributes as { mac?: string; manufacturer?: string } | undefined;
  return {
    APPLICATIONS: s.software(i).map(({ attributes }) => {
      const a = attributes as Record<string, unknown>;
      return { name: a.name, version: a.version, publisher: a.publisher, path: a.location };
    }),
    SERIAL_NUMBER: `SN${1000 + i}`, NAME: `pc-${String(i).padStart(3, '0')}`,
    // No network card: '' as in the original.
    MAC_ADDRESS: nic ? nic.mac : '', NIC_VENDOR: nic ? nic.manufacturer : '',
    LAST_SEEN: Date.UTC(2024, 6, 8, 9, 10, 11) / 1000,
  };
}

test('an original config: logon with the session cookie, the device list, detail, network and software per device, exact payloads; a 429 and an ended session mid-run', async () => {
  oa.throttle(1, '0.1');
  oa.expireSessions(7);
  const res = await upload(config(section('open_audit', oa, 'concurrency = 3\n')), 'open_audit');
  expect(res.stderr).toMatch(/\[open_audit\] pulled 6, .*pushed 6, failed 0/);
  expect(res.code).toBe(0);
  expect(bySerial(oom.records('Open_Audit'))).toEqual(range(6).map((i) => expected(oa, i)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Open_Audit', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(oa.statuses).toContain(401);
  expect(oa.logins).toBe(2);
  expect([...new Set(oa.log.filter((l) => l.includes('/devices?')))]).toEqual(['GET /open-audit/index.php/devices?limit=1000&offset=0']);
  expect(oa.log).toContain('GET /open-audit/index.php/devices/4?sub_resource=software');
  expect(res.stdout + res.stderr).not.toContain(oa.password);
});

test('a device that fails or has no data is reported; the others arrive', async () => {
  const flaky = await startFakeOpenAudit({ devices: 6, emptyDetail: [5] });
  closers.push(() => flaky.close());
  flaky.failDevice(2, 404, 5);
  const res = await upload(config(section('open_audit', flaky)), 'open_audit');
  const out = res.stdout + res.stderr;
  expect(bySerial(oom.records('Open_Audit')).map((r) => r.SERIAL_NUMBER)).toEqual(['SN1001', 'SN1003', 'SN1004', 'SN1006']);
  expect(res.stderr).toMatch(/\[open_audit\] pulled 4, .*failed 2/);
  expect(out).toMatch(/device 2 "pc-002".*HTTP 404: Injected failure: device 2/);
  expect(out).toMatch(/device 5 "pc-005".*Open-AudIT returned no data for device 5/);
  expect(res.code).toBe(1);
});

test('bad credentials: exit 1 with a message naming the setting to check, no secret', async () => {
  const res = await upload(config(section('open_audit', oa, '', 'wrong-password-1234')), 'open_audit');
  expect(res.code).toBe(1);
  expect(res.stdout + res.stderr).toMatch(/\[open_audit\] password: Open-AudIT refused the logon of "admin" \(HTTP 401: HTTP\/1\.1 401 Unauthorized\): check username and password/);
  expect(res.stdout + res.stderr).not.toContain('wrong-password-1234');
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeOpenAudit({ devices: 0 });
  const forbidden = await startFakeOpenAudit({ forbidden: true });
  const closed = await startFakeOpenAudit();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const sections = {
    ok: section('open_audit.ok', oa),
    credentials: section('open_audit.credentials', oa, '', 'bad-secret-4444'),
    permission: section('open_audit.permission', forbidden),
    path: section('open_audit.path', oa).replace(`url = ${oa.url}`, `url = ${oa.url}/open-audit`),
    empty: section('open_audit.empty', empty),
    unreachable: section('open_audit.unreachable', closed),
    tls: section('open_audit.tls', oa).replace(oa.url, oa.url.replace('http:', 'https:')),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `open_audit.${k}`), '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[open_audit.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [open_audit.ok] authenticated to ${oa.url} as "admin"; read device 1 "pc-001" with 2 software item(s)`);
  expect(line('credentials')).toMatch(/^FAILED \[open_audit.credentials\] .*password: Open-AudIT refused the logon of "admin"/);
  expect(line('permission')).toMatch(/^FAILED \[open_audit.permission\] Open-AudIT: "admin" may not read \/open-audit\/index.php\/devices \(HTTP 403: Forbidden: You do not have permission to read devices\.\): the user needs a role/);
  expect(line('path')).toMatch(/^FAILED \[open_audit.path\] .*url: no Open-AudIT logon at .* \(HTTP 404\)/);
  expect(line('empty')).toBe(`OK     [open_audit.empty] authenticated to ${empty.url} as "admin"; no devices`);
  expect(line('unreachable')).toMatch(/^FAILED \[open_audit.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[open_audit.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-secret-4444');
}, 60_000);
