/** End to end: the built CLI reads the vCenter test server (/api and /rest) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeVcenter, type FakeVcenter, type FakeVm } from '../../support/fakeVcenter.js';

let oom: FakeOomnitza;
let vc: FakeVcenter;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  // 2 datacenters x 2 hosts x 3 VMs.
  vc = await startFakeVcenter({ datacenters: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), vc.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = `sync_field = UUID
mapping.UUID = identity.bios_uuid
mapping.NAME = name
mapping.MAC = mac_address
mapping.IP = ip_address
mapping.NIC_IP = nics.0.value.ip_address
mapping.NIC_KEY = nics.0.key
mapping.DISK = disks.0.value.capacity
mapping.HOST = host.name
mapping.DC = datacenter.name
mapping.POWER = vm.power_state
mapping.TOOLS = tools.run_state
mapping.OS = guest_identity.full_name.default_message
`;
const section = (name: string, s: FakeVcenter, legacy: boolean, extra = '', password = s.password) =>
  `[${name}]\nenable = True\nurl = ${s.url}\nusername = ${s.username}\npassword = ${password}\nuse_legacy_apis = ${legacy ? 'True' : 'False'}\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const byName = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.NAME).localeCompare(String(b.NAME)));

const HOSTS: Record<string, string> = { 'host-10': 'esx1-1.example.com', 'host-11': 'esx1-2.example.com', 'host-20': 'esx2-1.example.com', 'host-21': 'esx2-2.example.com' };
/** The payload of one VM: addresses from the guest (VMware Tools), none without Tools. */
const expected = (v: FakeVm) => ({
  UUID: `4214-${v.id}`, NAME: v.name, MAC: v.mac, IP: v.ip ?? null, NIC_IP: v.ip ?? null, NIC_KEY: '4000', DISK: 42949672960,
  HOST: HOSTS[v.host], DC: v.datacenter === 'datacenter-1' ? 'DC1' : 'DC2', POWER: v.powerState,
  TOOLS: v.ip ? 'RUNNING' : 'NOT_RUNNING', OS: v.ip ? 'Ubuntu Linux (64-bit)' : null,
});

test('/api: datacenters, hosts, VMs with detail, tools, identity and guest NICs, exact payloads; a 429 and an ended session mid-run', async () => {
  vc.throttle(1, '0.1', 3);
  vc.expireSessions(20);
  const res = await upload(config(section('vcenter', vc, false, 'concurrency = 3\n')), 'vcenter');
  expect(res.stderr).toMatch(/\[vcenter\] pulled 12, .*pushed 12, failed 0/);
  expect(res.code).toBe(0);
  expect(byName(oom.records('vCenter'))).toEqual(vc.vms.map(expected));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'vCenter', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(vc.statuses).toContain(401);
  expect(vc.logins).toBe(2);
  // The session is ended when the run is over.
  expect(vc.logouts).toBe(1);
  expect(vc.log).toContain('GET /api/vcenter/host?datacenters=datacenter-2');
  expect(vc.log).toContain('GET /api/vcenter/vm?hosts=host-21');
  expect(res.stdout + res.stderr).not.toContain(vc.password);
});

test('/rest: filter.* names, {value} bodies; a host over the list cap is read by power state, then by folder; one failed VM reported', async () => {
  const capped = await startFakeVcenter({ cap: 2, only: 'rest', noNvme: true });
  closers.push(() => capped.close());
  capped.failVm('vm-105', 403, 5);
  const res = await upload(config(section('vcenter', capped, true)), 'vcenter');
  const out = res.stdout + res.stderr;
  expect(byName(oom.records('vCenter'))).toEqual(capped.vms.filter((v) => v.id !== 'vm-105').map(expected));
  expect(res.stderr).toMatch(/\[vcenter\] pulled 5, .*failed 1/);
  expect(out).toMatch(/VM vm-105 "web-005".*may not read \/rest\/vcenter\/vm\/vm-105 \(HTTP 403: UNAUTHORIZED: Injected failure\)/);
  expect(res.code).toBe(1);
  expect(capped.log.filter((l) => l.startsWith('GET /rest/vcenter/vm?'))).toEqual([
    'GET /rest/vcenter/vm?filter.hosts=host-10',
    'GET /rest/vcenter/vm?filter.hosts=host-10&filter.power_states=POWERED_ON',
    'GET /rest/vcenter/vm?filter.hosts=host-10&filter.power_states=POWERED_ON&filter.folders=group-v1',
    'GET /rest/vcenter/vm?filter.hosts=host-10&filter.power_states=POWERED_ON&filter.folders=group-v2',
    'GET /rest/vcenter/vm?filter.hosts=host-10&filter.power_states=POWERED_OFF',
    'GET /rest/vcenter/vm?filter.hosts=host-10&filter.power_states=SUSPENDED',
    'GET /rest/vcenter/vm?filter.hosts=host-11',
    'GET /rest/vcenter/vm?filter.hosts=host-11&filter.power_states=POWERED_ON',
    'GET /rest/vcenter/vm?filter.hosts=host-11&filter.power_states=POWERED_OFF',
    'GET /rest/vcenter/vm?filter.hosts=host-11&filter.power_states=SUSPENDED',
  ]);
  // UNABLE_TO_ALLOCATE_RESOURCE is not retried.
  expect(capped.statuses.filter((s) => s === 500)).toHaveLength(3);
});

test('a host whose VMs cannot be listed even narrowed is reported; the other hosts arrive', async () => {
  const tiny = await startFakeVcenter({ cap: 1 });
  closers.push(() => tiny.close());
  const res = await upload(config(section('vcenter', tiny, false)), 'vcenter');
  const out = res.stdout + res.stderr;
  expect(out).toMatch(/host host-10 "esx1-1\.example\.com" \(power_states=POWERED_ON, folders=group-v1\).*too many VMs/);
  expect(out).toMatch(/host host-11 "esx1-2\.example\.com" \(power_states=POWERED_ON, folders=group-v2\).*too many VMs/);
  expect(res.stderr).toMatch(/\[vcenter\] pulled 2, .*failed 2/);
  expect(res.code).toBe(1);
  expect(oom.records('vCenter').map((r) => r.NAME).sort()).toEqual(['web-002', 'web-005']);
});

test('bad credentials: exit 1 with a message naming the setting to check, no secret', async () => {
  const res = await upload(config(section('vcenter', vc, false, '', 'wrong-password-1234'), section('vcenter.old', vc, true, '', 'wrong-password-1234')), 'vcenter', 'vcenter.old');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[vcenter\] password: vCenter refused the login of "administrator@vsphere\.local" \(HTTP 401: UNAUTHENTICATED: Authentication required\.\): check username and password/);
  expect(out).toMatch(/\[vcenter\.old\] password: vCenter refused the login .*\(HTTP 401: UNAUTHENTICATED: Authentication required\.\)/);
  expect(out).not.toContain('wrong-password-1234');
  expect(oom.records()).toEqual([]);
});

test('connector test: OK on both APIs, and a distinct message per failure kind', async () => {
  const empty = await startFakeVcenter({ vmsPerHost: 0 });
  const forbidden = await startFakeVcenter({ forbidden: true });
  const old = await startFakeVcenter({ only: 'rest' });
  const closed = await startFakeVcenter();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close(), () => old.close());
  const sections = {
    api: section('vcenter.api', vc, false),
    rest: section('vcenter.rest', vc, true),
    credentials: section('vcenter.credentials', vc, false, '', 'bad-secret-4444'),
    permission: section('vcenter.permission', forbidden, false),
    old: section('vcenter.old', old, false),
    empty: section('vcenter.empty', empty, true),
    unreachable: section('vcenter.unreachable', closed, false),
    tls: section('vcenter.tls', vc, false).replace(vc.url, vc.url.replace('http:', 'https:')),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `vcenter.${k}`), '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[vcenter.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('api')).toBe(`OK     [vcenter.api] authenticated to ${vc.url} (/api API) as "administrator@vsphere.local"; 2 datacenter(s); read VM vm-101 "web-001" on host "esx1-1.example.com" (POWERED_ON)`);
  expect(line('rest')).toBe(`OK     [vcenter.rest] authenticated to ${vc.url} (/rest API) as "administrator@vsphere.local"; 2 datacenter(s); read VM vm-101 "web-001" on host "esx1-1.example.com" (POWERED_ON)`);
  expect(line('credentials')).toMatch(/^FAILED \[vcenter.credentials\] .*password: vCenter refused the login/);
  expect(line('permission')).toMatch(/^FAILED \[vcenter.permission\] vCenter: "administrator@vsphere\.local" may not read \/api\/vcenter\/datacenter \(HTTP 403: UNAUTHORIZED: Permission denied\.\): give the user a role with System\.View/);
  expect(line('old')).toMatch(/^FAILED \[vcenter.old\] .*use_legacy_apis: vCenter has no \/api\/session \(HTTP 404\): vCenter before 7\.0U2 needs use_legacy_apis = True/);
  expect(line('empty')).toBe(`OK     [vcenter.empty] authenticated to ${empty.url} (/rest API) as "administrator@vsphere.local"; 1 datacenter(s); no VMs`);
  expect(line('unreachable')).toMatch(/^FAILED \[vcenter.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[vcenter.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-secret-4444');
}, 60_000);
