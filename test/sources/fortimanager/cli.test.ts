/** End to end: the built CLI reads the FortiManager JSON-RPC test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { makeFortiDevice, startFakeFortiManager, type FakeFortiManager } from '../../support/fakeFortiManager.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let fmg: FakeFortiManager;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  fmg = await startFakeFortiManager({ devices: 25 });
});
afterEach(async () => {
  await Promise.all([oom.close(), fmg.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = 'mapping.NAME = name\nmapping.SERIAL_NUMBER = sn\nmapping.IP = ip\nmapping.MODEL = platform_str\nmapping.VDOM = vdom.0.name\n';
const section = (name: string, url: string, user: string, password: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\nuser = ${user}\npassword = ${password}\nsync_field = SERIAL_NUMBER\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const expected = (i: number) => {
  const d = makeFortiDevice(i);
  return { NAME: d.name, SERIAL_NUMBER: d.sn, IP: d.ip, MODEL: d.platform_str, VDOM: 'root' };
};

test('one login, the device list, one logout; /jsonrpc appended; a 429 from the proxy waited out; exact payloads', async () => {
  fmg.throttle(1, '0.1');
  const res = await upload(config(section('fortimanager', fmg.url, fmg.user, fmg.password)), 'fortimanager');
  expect(res.stderr).toMatch(/\[fortimanager\] pulled 25, .*pushed 25, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('Fortimanager')).toEqual(range(25).map(expected));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Fortimanager', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(fmg.calls).toEqual(['exec /sys/login/user', 'get /dvmdb/device', 'exec /sys/logout']);
  expect(fmg.bodies[0]).toEqual({ id: 1, method: 'exec', params: [{ data: [{ passwd: fmg.password, user: fmg.user }], url: '/sys/login/user' }], session: null, verbose: 1 });
  expect(fmg.bodies[1]).toEqual({ method: 'get', params: [{ fields: [], url: '/dvmdb/device' }], session: fmg.issued[0], verbose: 1, id: 1 });
  expect(fmg.issued).toHaveLength(1);
  expect(fmg.open()).toEqual([]);
  const out = res.stdout + res.stderr;
  for (const secret of [fmg.password, fmg.issued[0]]) expect(out).not.toContain(secret);
});

test('filter_fields: only those fields are asked for; a session expired before use is renewed once (status -11)', async () => {
  const idle = await startFakeFortiManager({ devices: 3, firstSessionUses: 0 });
  closers.push(() => idle.close());
  const res = await upload(config(section('fortimanager', `${idle.url}/jsonrpc`, idle.user, idle.password, 'filter_fields = ["name", "sn", "ip"]\n')), 'fortimanager');
  expect(res.code).toBe(0);
  expect(oom.records('Fortimanager')).toEqual(range(3).map((i) => ({ ...expected(i), MODEL: null, VDOM: null })));
  expect(idle.calls).toEqual(['exec /sys/login/user', 'get /dvmdb/device', 'exec /sys/login/user', 'get /dvmdb/device', 'exec /sys/logout']);
  expect((idle.bodies[3].params as Array<{ fields: string[] }>)[0].fields).toEqual(['name', 'sn', 'ip']);
  expect(idle.issued).toHaveLength(2);
  expect(idle.open()).toEqual([idle.issued[0]]); // the expired one: nothing to log out
});

test('bad credentials, an administrator without Device Manager access, an unknown field: exit 1, clear messages, no secret', async () => {
  const noAccess = await startFakeFortiManager({ noDeviceAccess: true });
  closers.push(() => noAccess.close());
  const res = await upload(config(
    section('fortimanager', fmg.url, fmg.user, 'not-the-password-123'),
    section('fortimanager.access', noAccess.url, noAccess.user, noAccess.password),
    section('fortimanager.fields', fmg.url, fmg.user, fmg.password, 'filter_fields = ["name", "serial"]\n'),
  ), 'fortimanager', 'fortimanager.access', 'fortimanager.fields');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[fortimanager\] password: FortiManager refused the login of "oomnitza-api" \(status -22: Login fail\): check user and password/);
  expect(out).toMatch(/\[fortimanager\.access\] .*FortiManager: administrator "oomnitza-api" may not read the managed devices \(\/dvmdb\/device, status -11: No permission for the resource\)/);
  expect(out).toMatch(/\[fortimanager\.fields\] .*status -10: The data is invalid for selected url\); check filter_fields/);
  expect(oom.records('Fortimanager')).toHaveLength(0);
  // -11 also means "session ended": one login more, whose session is logged out; the first one is left to time out.
  expect(noAccess.issued).toHaveLength(2);
  expect(noAccess.open()).toEqual([noAccess.issued[0]]);
  expect(out).not.toContain('not-the-password-123');
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeFortiManager({ devices: 0 });
  const noAccess = await startFakeFortiManager({ noDeviceAccess: true });
  const closed = await startFakeFortiManager();
  await closed.close();
  closers.push(() => empty.close(), () => noAccess.close());
  const as = (f: FakeFortiManager) => [f.user, f.password] as const;
  const sections = {
    ok: section('fortimanager.ok', fmg.url, ...as(fmg)),
    credentials: section('fortimanager.credentials', fmg.url, fmg.user, 'bad-password-4444'),
    permission: section('fortimanager.permission', noAccess.url, ...as(noAccess)),
    url: section('fortimanager.url', `${fmg.url}/api/v2`, ...as(fmg)),
    empty: section('fortimanager.empty', empty.url, ...as(empty)),
    unreachable: section('fortimanager.unreachable', closed.url, ...as(fmg)),
    tls: section('fortimanager.tls', fmg.url.replace('http:', 'https:'), ...as(fmg)),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `fortimanager.${k}`), '--ini', 'config.ini'], {
    cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }),
  });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[fortimanager.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [fortimanager.ok] authenticated to ${fmg.url}/jsonrpc as administrator "oomnitza-api"; read device "FGT-branch-001" (FGT60FTK22090001)`);
  expect(line('credentials')).toMatch(/^FAILED \[fortimanager.credentials\] .*password: FortiManager refused the login of "oomnitza-api" \(status -22: Login fail\)/);
  expect(line('permission')).toMatch(/^FAILED \[fortimanager.permission\] .*may not read the managed devices/);
  expect(line('url')).toMatch(/^FAILED \[fortimanager.url\] .*url: no FortiManager JSON-RPC API at http:\/\/127\.0\.0\.1:\d+\/api\/v2\/jsonrpc \(HTTP 404\)/);
  expect(line('empty')).toBe(`OK     [fortimanager.empty] authenticated to ${empty.url}/jsonrpc as administrator "oomnitza-api"; no managed devices`);
  expect(line('unreachable')).toMatch(/^FAILED \[fortimanager.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[fortimanager.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-password-4444');
  expect(fmg.open()).toEqual([]);
}, 60_000);
