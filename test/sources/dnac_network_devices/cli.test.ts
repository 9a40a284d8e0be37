/** End to end: the built CLI reads the Catalyst Center test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { makeDnacDevice, startFakeDnac, type FakeDnac } from '../../support/fakeDnac.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { unordered } from '../../helpers/unordered.js';

let oom: FakeOomnitza;
let dnac: FakeDnac;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  dnac = await startFakeDnac({ devices: 600, tokenUses: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), dnac.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = 'mapping.NAME = hostname\nmapping.SERIAL_NUMBER = serialNumber\nmapping.IP = managementIpAddress\nmapping.MODEL = platformId\nmapping.STATUS = reachabilityStatus\n';
const section = (name: string, url: string, user: string, password: string, extra = '') =>
  `[${name}]\nenable = True\nbase_url = ${url}\nusername = ${user}\npassword = ${password}\nsync_field = SERIAL_NUMBER\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const expected = (i: number) => {
  const d = makeDnacDevice(i);
  return { NAME: d.hostname, SERIAL_NUMBER: d.serialNumber, IP: d.managementIpAddress, MODEL: d.platformId, STATUS: d.reachabilityStatus };
};
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

test('pages of 500 from offset 1 until an empty page, the token renewed after it expires mid-run, a 429 waited out; exact payloads', async () => {
  dnac.throttleOffset(501, 1, '0.1');
  const res = await upload(config(section('dnac_network_devices', dnac.url, dnac.username, dnac.password)), 'dnac_network_devices');
  expect(res.stderr).toMatch(/\[dnac_network_devices\] pulled 600, .*pushed 600, failed 0/);
  expect(res.code).toBe(0);
  expect(unordered(oom.records('dnac_network_devices'))).toEqual(unordered(range(600).map(expected)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'dnac_network_devices', data_type: 'assets' });
  expect(dnac.log).toEqual([
    'POST /dna/system/api/v1/auth/token',
    'GET /dna/intent/api/v1/network-device?limit=500&offset=1',
    'GET /dna/intent/api/v1/network-device?limit=500&offset=501',
    // The 429 was the first token's second and last request (a real one lives 60 minutes): 401, a new login, the page again.
    'GET /dna/intent/api/v1/network-device?limit=500&offset=501',
    'POST /dna/system/api/v1/auth/token',
    'GET /dna/intent/api/v1/network-device?limit=500&offset=501',
    'GET /dna/intent/api/v1/network-device?limit=500&offset=1001',
  ]);
  expect(dnac.tokens).toHaveLength(2);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  const out = res.stdout + res.stderr;
  for (const secret of [dnac.password, ...dnac.tokens]) expect(out).not.toContain(secret);
});

test('bad credentials, a password changed mid-run and a user without inventory access: exit 1, clear messages, no secret', async () => {
  const rotated = await startFakeDnac({ devices: 1200, tokenUses: 1 });
  const forbidden = await startFakeDnac({ forbidden: true });
  closers.push(() => rotated.close(), () => forbidden.close());
  rotated.changePasswordAfterLogins(1);
  const res = await upload(config(
    section('dnac_network_devices', dnac.url, dnac.username, 'not-the-password-123'),
    section('dnac_network_devices.rotated', rotated.url, rotated.username, rotated.password),
    section('dnac_network_devices.forbidden', forbidden.url, forbidden.username, forbidden.password),
  ), 'dnac_network_devices', 'dnac_network_devices.rotated', 'dnac_network_devices.forbidden');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[dnac_network_devices\] username: Catalyst Center refused user "oomnitza-ro" \(HTTP 401: Authentication has failed\. Please provide valid credentials\.\): check username and password/);
  expect(out).toMatch(/\[dnac_network_devices\.rotated\] pulled 500, .*FAILED: .*Catalyst Center refused user "oomnitza-ro" \(HTTP 401/);
  expect(out).toMatch(/\[dnac_network_devices\.forbidden\] .*may not read \/dna\/intent\/api\/v1\/network-device \(HTTP 403: Access denied: The user does not have the permission to access the resource\): the user needs read access to Inventory Management/);
  expect(oom.records('dnac_network_devices')).toHaveLength(500);
  for (const secret of ['not-the-password-123', dnac.password]) expect(out).not.toContain(secret);
});

test('authorization_settings instead of username/password (the managed form)', async () => {
  const basic = Buffer.from(`${dnac.username}:${dnac.password}`).toString('base64');
  const ini = config(`[dnac_network_devices]\nenable = True\nbase_url = ${dnac.url}\nauthorization_settings = {"Authorization": "Basic ${basic}"}\nsync_field = SERIAL_NUMBER\n${MAPPINGS}`);
  const res = await upload(ini, 'dnac_network_devices', '--record-count', '3');
  expect(res.code).toBe(0);
  expect(oom.records('dnac_network_devices')).toEqual(range(3).map(expected));
  expect(res.stdout + res.stderr).not.toContain(basic);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeDnac({ devices: 0 });
  const forbidden = await startFakeDnac({ forbidden: true });
  const closed = await startFakeDnac();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const user = (d: FakeDnac) => [d.username, d.password] as const;
  const sections = {
    ok: section('dnac_network_devices.ok', dnac.url, ...user(dnac)),
    credentials: section('dnac_network_devices.credentials', dnac.url, dnac.username, 'bad-password-4444'),
    permission: section('dnac_network_devices.permission', forbidden.url, ...user(forbidden)),
    path: section('dnac_network_devices.path', `${dnac.url}/wrong`, ...user(dnac)),
    empty: section('dnac_network_devices.empty', empty.url, ...user(empty)),
    unreachable: section('dnac_network_devices.unreachable', closed.url, ...user(dnac)),
    tls: section('dnac_network_devices.tls', dnac.url.replace('http:', 'https:'), ...user(dnac)),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `dnac_network_devices.${k}`), '--ini', 'config.ini'], {
    cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }),
  });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[dnac_network_devices.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [dnac_network_devices.ok] authenticated to ${dnac.url} as user "oomnitza-ro"; read device d0010a1b-2c3d-4e5f-6789-0abcdef01234 "sw-1.campus.example.com" (C9300-48U)`);
  expect(line('credentials')).toMatch(/^FAILED \[dnac_network_devices.credentials\] .*username: Catalyst Center refused user "oomnitza-ro" \(HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[dnac_network_devices.permission\] .*\(HTTP 403: Access denied/);
  expect(line('path')).toMatch(/^FAILED \[dnac_network_devices.path\] .*base_url: no Catalyst Center token API at http:\/\/127\.0\.0\.1:\d+\/wrong\/dna\/system\/api\/v1\/auth\/token \(HTTP 404/);
  expect(line('empty')).toBe(`OK     [dnac_network_devices.empty] authenticated to ${empty.url} as user "oomnitza-ro"; no network devices`);
  expect(line('unreachable')).toMatch(/^FAILED \[dnac_network_devices.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[dnac_network_devices.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-password-4444');
}, 60_000);
