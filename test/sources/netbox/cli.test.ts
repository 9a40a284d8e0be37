/** End to end: the built CLI reads the NetBox test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeNetBox, type FakeNetBox } from '../../support/fakeNetBox.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { unordered } from '../../helpers/unordered.js';

let oom: FakeOomnitza;
let nb: FakeNetBox;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await Promise.all([oom.close(), nb?.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = [
  'mapping.NAME = name', 'mapping.SERIAL_NUMBER = serial', 'mapping.MODEL = device_type.model', 'mapping.VENDOR = device_type.manufacturer.name',
  'mapping.SITE = site.name', 'mapping.IP = primary_ip.address', 'mapping.STATUS = status.label', 'mapping.WARRANTY = custom_fields.warranty_end',
].join('\n');
const section = (name: string, url: string, token: string, extra = '') => `[${name}]\nenable = True\nurl = ${url}\nauth_token = ${token}\nsync_field = NAME\n${MAPPINGS}\n${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const expected = (i: number) => ({
  NAME: `sw-${i}`, SERIAL_NUMBER: i % 5 ? `FOC${2000 + i}X` : '', MODEL: 'C9300-48P', VENDOR: 'Cisco', SITE: `DC${(i % 3) + 1}`,
  IP: i % 6 ? `10.20.0.${i % 250}/24` : null, STATUS: i % 9 ? 'Active' : 'Offline', WARRANTY: i % 3 ? '2027-03-31' : null,
});

test('v2 token: three pages of 200 in id order via next (rebased from the proxy\'s http:// origin), a 429 waited out, exact payloads', async () => {
  nb = await startFakeNetBox({ devices: 450, nextOrigin: 'http://netbox.internal:8000' });
  nb.throttle(2, '0.1');
  const res = await upload(config(section('netbox', nb.url, nb.v2Token, 'page_size = 200\n')), 'netbox');
  expect(res.stderr).toMatch(/\[netbox\] pulled 450, .*pushed 450, failed 0/);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(res.code).toBe(0);
  expect(unordered(oom.records('Netbox'))).toEqual(unordered(range(450).map(expected)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Netbox', data_type: 'assets', sync_field: ['NAME'] });
  expect(nb.log).toEqual([
    'GET /api/dcim/devices/?limit=200&ordering=id [Bearer]',
    'GET /api/dcim/devices/?limit=200&ordering=id&offset=200 [Bearer]',
    'GET /api/dcim/devices/?limit=200&ordering=id&offset=200 [Bearer]',
    'GET /api/dcim/devices/?limit=200&ordering=id&offset=400 [Bearer]',
  ]);
  expect(res.stdout + res.stderr).not.toContain(nb.v2Token);
}, 60_000);

test('a wrong token, and a token that expires mid-run: exit 1, a message naming auth_token, no secret; what was read is sent', async () => {
  nb = await startFakeNetBox({ devices: 450 });
  const expiring = await startFakeNetBox({ devices: 450 });
  closers.push(() => expiring.close());
  expiring.expireTokensAfter(1);
  const res = await upload(config(
    section('netbox', nb.url, 'ffffffffffffffffffffffffffffffffffffffff'),
    section('netbox.expiring', expiring.url, expiring.v1Token, 'page_size = 200\n'),
  ), 'netbox', 'netbox.expiring');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[netbox\] auth_token: NetBox refused a v1 token \(HTTP 403: Invalid token\): check auth_token/);
  expect(out).toMatch(/\[netbox\.expiring\] pulled 200, .*FAILED: .*auth_token: NetBox refused a v1 token \(HTTP 403: Token expired\)/);
  expect(oom.records('Netbox')).toHaveLength(200);
  for (const secret of ['ffffffffffffffffffffffffffffffffffffffff', expiring.v1Token]) expect(out).not.toContain(secret);
}, 60_000);

test('connector test: OK, and a distinct message per failure kind', async () => {
  nb = await startFakeNetBox({ devices: 3 });
  const empty = await startFakeNetBox({ devices: 0 });
  const forbidden = await startFakeNetBox({ viewDevices: false });
  const closed = await startFakeNetBox();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const sections = {
    ok: section('netbox.ok', nb.url, nb.v2Token),
    credentials: section('netbox.credentials', nb.url, `Token ${nb.v2Token}`),
    permission: section('netbox.permission', forbidden.url, forbidden.v1Token),
    path: section('netbox.path', `${nb.url}/netbox`, nb.v1Token),
    empty: section('netbox.empty', empty.url, empty.v1Token),
    unreachable: section('netbox.unreachable', closed.url, nb.v1Token),
    tls: section('netbox.tls', nb.url.replace('http:', 'https:'), nb.v1Token),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `netbox.${k}`), '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[netbox.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [netbox.ok] connected to NetBox 4.5.2 at ${nb.url} with a v2 token; read device 1 "sw-1"`);
  expect(line('credentials')).toMatch(/^FAILED \[netbox.credentials\] .*auth_token: NetBox refused a v1 token \(HTTP 403: Invalid v1 token\).*nbt_<key>\.<token>$/);
  expect(line('permission')).toMatch(/^FAILED \[netbox.permission\] NetBox: the token's user may not read \/api\/dcim\/devices\/ \(HTTP 403: You do not have permission to perform this action\.\): it needs the permission to view devices \(dcim\.view_device\)$/);
  expect(line('path')).toMatch(/^FAILED \[netbox.path\] .*url: no NetBox API at http:\/\/127\.0\.0\.1:\d+\/netbox\/api\/dcim\/devices\/ \(HTTP 404\)/);
  expect(line('empty')).toBe(`OK     [netbox.empty] connected to NetBox 4.5.2 at ${empty.url} with a v1 token; no devices`);
  expect(line('unreachable')).toMatch(/^FAILED \[netbox.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[netbox.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain(nb.v2Token);
}, 60_000);
