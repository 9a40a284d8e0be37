/** End to end: the built CLI reads the MobileIron test server as [mobileiron] (API v1 and v2) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeMobileIron, type FakeMobileIron } from '../../support/fakeMobileIron.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let mi: FakeMobileIron;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  mi = await startFakeMobileIron();
});
afterEach(async () => {
  await oom.close();
  await mi.close();
});

const V1_MAPPINGS = `sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber
mapping.MODEL = model
mapping.DEVICE_ID = id
mapping.CPU = primaryProcessorName
mapping.RAM = primaryMemoryCapacity
`;
/** A section as written for the original's latest release (v1), plus `extra` lines. */
const v1 = (extra = '', password = mi.password) => `[mobileiron]
enable = True
url = ${mi.url}
username = ${mi.username}
password = ${password}
partitions = ["Drivers"]
${V1_MAPPINGS}${extra}`;
const v2 = (extra = '') => `[mobileiron]
enable = True
url = ${mi.url}
username = ${mi.username}
password = ${mi.password}
api_version = 2
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = common.SerialNumber
mapping.EMAIL = user.email_address
mapping.NAME = ios.DeviceName
${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number, from = 1) => Array.from({ length: n }, (_, k) => k + from);
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));

const v1Payload = (pid: number, k: number) => {
  const d = mi.device(pid, k);
  const windows = mi.isWindows(k);
  return {
    SERIAL_NUMBER: windows ? `HW${pid}-${k}` : d.serialNumber,
    MODEL: d.model,
    DEVICE_ID: d.id,
    CPU: windows ? 'Intel(R) Core(TM) i7-1265U' : null,
    RAM: windows ? 17179869184 : null,
  };
};

test('API v1, an original config: newest first, the stale page ends the partition, Windows hardware, exact payloads', async () => {
  const res = await run(config(v1('concurrency = 3\n')), 'upload', 'mobileiron');
  expect(res.stderr).toMatch(/\[mobileiron\] pulled 500, .*pushed 500, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('MobileIron'))).toEqual(sorted(range(500).map((k) => v1Payload(1001, k))));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'MobileIron', data_type: 'assets' });
  const pages = mi.log.filter((l) => l.startsWith('GET /api/v1/device?'));
  // Page 2 (devices 501-1000) holds only stale devices: the walk stops there, without page 3.
  expect(pages.map((l) => new URL(l.slice(4), 'http://x').searchParams.get('start'))).toEqual(['0', '500']);
  expect(pages.every((l) => l.includes('dmPartitionId=1001') && l.includes('rows=500'))).toBe(true);
  expect(mi.log.filter((l) => l.endsWith('/hardwareinventory'))).toHaveLength(125);
  expect(mi.maxInFlight).toBeLessThanOrEqual(3);
  expect(res.stdout + res.stderr).not.toContain(mi.password);
}, 60_000);

test('API v1: include_checkin_devices_only = False reads every device of every partition with partitions = All', async () => {
  const res = await run(config(v1('include_checkin_devices_only = False\n').replace('partitions = ["Drivers"]', 'partitions = All')), 'upload', 'mobileiron');
  expect(res.code).toBe(0);
  const want = [...range(1100).map((k) => v1Payload(1001, k)), ...range(2).map((k) => v1Payload(1002, k)), ...range(5).map((k) => v1Payload(1003, k))];
  expect(sorted(oom.records('MobileIron'))).toEqual(sorted(want));
  expect(mi.log.filter((l) => l.startsWith('GET /api/v1/device?dmPartitionId=1001'))).toHaveLength(3);
}, 60_000);

test('API v2 (Core): every space with its own fields, offset/limit until hasMore is false, flat dotted keys', async () => {
  const res = await run(config(v2()), 'upload', 'mobileiron');
  expect(res.code).toBe(0);
  const want = [
    ...range(120).map((k) => ({ SERIAL_NUMBER: `CORE1-${String(k).padStart(4, '0')}`, EMAIL: `core${k}@example.com`, NAME: null })),
    ...range(3).map((k) => ({ SERIAL_NUMBER: `CORE4-${String(k).padStart(4, '0')}`, EMAIL: null, NAME: `iPad ${k}` })),
  ];
  expect(sorted(oom.records('MobileIron'))).toEqual(sorted(want));
  const pages = mi.log.filter((l) => l.startsWith('GET /api/v2/devices?'));
  expect(pages).toEqual([0, 50, 100].map((o) => `GET /api/v2/devices?adminDeviceSpaceId=1&fields=common.id%2Ccommon.SerialNumber%2Ccommon.model%2Cuser.email_address&labelId=-1&limit=50&offset=${o}`)
    .concat(['GET /api/v2/devices?adminDeviceSpaceId=4&fields=common.id%2Ccommon.SerialNumber%2Cios.DeviceName&labelId=-1&limit=50&offset=0']));
}, 60_000);

test('a 429 mid-run is waited out as Retry-After asks and nothing is lost', async () => {
  mi.throttle(1, 3);
  const res = await run(config(v1('concurrency = 1\n')), 'upload', 'mobileiron');
  expect(res.code).toBe(0);
  expect(oom.records('MobileIron')).toHaveLength(500);
  expect(mi.statuses.filter((s) => s === 429)).toHaveLength(1);
  expect(res.stderr).toMatch(/\[mobileiron\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/device.*: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('a Windows device whose hardware inventory fails is reported while the others arrive; exit 1', async () => {
  mi.failHardware(1001, 8);
  const res = await run(config(v1()), 'upload', 'mobileiron');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/device 100100008 \(serial "MI1001S0008"\).*HTTP 400: Unable to read the hardware inventory of the device/);
  expect(res.stderr).toMatch(/\[mobileiron\] pulled 499, .*pushed 499, failed 1/);
}, 60_000);

test('bad credentials: exit 1, the message names the settings, never the password', async () => {
  const res = await run(config(v1('', 'wrong-Pass-5150')), 'upload', 'mobileiron');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[mobileiron\] password: MobileIron refused user "mi-api@example.com" on \/api\/v1\/tenant\/partition\/device \(HTTP 401: Authentication failed\): check username and password/);
  expect(res.stdout + res.stderr).not.toContain('wrong-Pass-5150');
  expect(oom.records('MobileIron')).toEqual([]);
});

test('connector test: OK (v1 and v2), and a distinct message per failure kind', async () => {
  const denied = await startFakeMobileIron({ deny: true });
  const closed = await startFakeMobileIron();
  await closed.close();
  const on = (name: string, url: string, body: string) => body.replace('[mobileiron]', `[mobileiron.${name}]`).replaceAll(mi.url, url);
  const sections = {
    ok: on('ok', mi.url, v1()),
    core: on('core', mi.url, v2()),
    nomatch: on('nomatch', mi.url, v1().replace('["Drivers"]', '["Nobody"]')),
    credentials: on('credentials', mi.url, v1('', 'wrong-Pass-6262')),
    permission: on('permission', denied.url, v1()),
    unreachable: on('unreachable', closed.url, v1()),
    tls: on('tls', mi.url.replace('http:', 'https:'), v1()),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `mobileiron.${k}`));
  } finally {
    await denied.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[mobileiron.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [mobileiron.ok] authenticated to ${mi.url} (API v1) as user "mi-api@example.com"; partitions read: "Drivers"; read device 100100001 (serial "MI1001S0001")`);
  expect(line('core')).toBe(`OK     [mobileiron.core] authenticated to ${mi.url} (API v2) as user "mi-api@example.com"; 2 device space(s); read device 10001 (serial "CORE1-0001")`);
  expect(line('nomatch')).toMatch(/^OK     \[mobileiron\.nomatch\] .*partitions read: none \(MobileIron has "Drivers", "Default Partition", "Sales"\)$/);
  expect(line('credentials')).toMatch(/^FAILED \[mobileiron\.credentials\] .*password: MobileIron refused .*HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[mobileiron\.permission\] MobileIron: user "mi-api@example.com" may not read \/api\/v1\/device \(HTTP 403: .*\): give the account Device Read Only/);
  expect(line('unreachable')).toMatch(/^FAILED \[mobileiron\.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[mobileiron\.tls\] .*TLS/);
}, 60_000);
