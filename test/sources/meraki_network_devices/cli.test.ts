/** End to end: the built CLI reads the Meraki test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeMeraki, type FakeMeraki } from '../../support/fakeMerakiNetwork.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let meraki: FakeMeraki;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  meraki = await startFakeMeraki({ pageCap: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), meraki.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = 'mapping.NAME = name\nmapping.SERIAL_NUMBER = serial\nmapping.IP = lanIp\nmapping.ORDER = orderNumber\nmapping.NETWORK = networkId\nmapping.MODEL = model\n';
const section = (name: string, url: string, key: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\nmeraki_api_key = ${key}\nsync_field = SERIAL_NUMBER\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

/** What the mappings make of device k of network n: the network's view joined with the inventory's order number. */
const device = (n: number, k: number) => {
  const d = meraki.networkDevice(n, k);
  return { NAME: d.name, SERIAL_NUMBER: d.serial, IP: d.lanIp, ORDER: `4C${n}0${k}`, NETWORK: d.networkId, MODEL: d.model };
};
const spare = (j: number) => ({ NAME: '', SERIAL_NUMBER: `Q2SP-ARE0-00${j}`, IP: null, ORDER: `4CSP${j}`, NETWORK: null, MODEL: 'MR36' });
const all = (skipNetwork = 0) => [1, 2, 3].filter((n) => n !== skipNetwork).flatMap((n) => [1, 2, 3].map((k) => device(n, k)));

test('Link-header pages of inventory and networks, devices per network joined with the inventory, no duplicates; a 429 waited out', async () => {
  meraki.throttle('/inventory/devices', 1, '0.1');
  const res = await upload(config(section('meraki_network_devices', meraki.url, meraki.apiKey, `org_id = ${meraki.orgId}\n`)), 'meraki_network_devices');
  expect(res.stderr).toMatch(/\[meraki_network_devices\] pulled 11, .*pushed 11, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('meraki_network_devices')).toEqual([...all(), spare(1), spare(2)]);
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'meraki_network_devices', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  const inventory = meraki.log.filter((l) => l.includes('/inventory/devices'));
  // The first request twice (429, then served), then one request per next link: 11 devices at 2 a page.
  expect(inventory).toHaveLength(7);
  expect(inventory[0]).toBe(`GET /api/v1/organizations/${meraki.orgId}/inventory/devices?perPage=1000`);
  expect(inventory[2]).toMatch(/startingAfter=c\d+:Q2BB-0001-002$/);
  expect(meraki.log.filter((l) => l.includes('/networks?'))).toHaveLength(2);
  expect(meraki.log.filter((l) => /\/networks\/L_\d+\/devices$/.test(l))).toHaveLength(3);
  expect(meraki.log.some((l) => l.includes('inventoryDevices'))).toBe(false);
  expect(res.stdout + res.stderr).not.toContain(meraki.apiKey);
});

test('next links naming another host (a proxy in url) are followed on the configured host only', async () => {
  const proxied = await startFakeMeraki({ pageCap: 2, linkOrigin: 'https://n149.meraki.com' });
  closers.push(() => proxied.close());
  const res = await upload(config(section('meraki_network_devices', proxied.url, proxied.apiKey, `org_id = ${proxied.orgId}\n`)), 'meraki_network_devices');
  expect(res.code).toBe(0);
  expect(oom.records('meraki_network_devices')).toHaveLength(11);
  expect(proxied.log.filter((l) => l.includes('startingAfter='))).toHaveLength(5 + 1);
});

test('a network whose device list fails is reported and its devices left out; the other networks and the spares arrive', async () => {
  meraki.failNetwork(2, 403, 5);
  const res = await upload(config(section('meraki_network_devices', meraki.url, meraki.apiKey, `org_id = ${meraki.orgId}\n`)), 'meraki_network_devices');
  expect(oom.records('meraki_network_devices')).toEqual([...all(2), spare(1), spare(2)]);
  expect(res.stderr).toMatch(/\[meraki_network_devices\] pulled 8, .*pushed 8, failed 1/);
  expect(res.stdout + res.stderr).toMatch(/network L_64650002 "Acme Corp site 2".*may not read \/api\/v1\/networks\/L_64650002\/devices \(HTTP 403: You don't have permission to do that\.\)/);
  expect(res.code).toBe(1);
});

test('no org_id: every organization the key can access', async () => {
  const two = await startFakeMeraki({ twoOrganizations: true });
  closers.push(() => two.close());
  const res = await upload(config(section('meraki_network_devices', two.url, two.apiKey)), 'meraki_network_devices');
  expect(res.code).toBe(0);
  const serials = oom.records('meraki_network_devices').map((r) => r.SERIAL_NUMBER);
  expect(serials).toHaveLength(12);
  expect(serials.slice(-1)).toEqual(['Q3LB-0000-001']);
  expect(two.log[0]).toBe('GET /api/v1/organizations?perPage=1000');
});

test('a wrong key, an unknown org_id and a key revoked mid-run: exit 1, a message naming the setting, no secret', async () => {
  const revoked = await startFakeMeraki({ pageCap: 2 });
  closers.push(() => revoked.close());
  revoked.revokeKeyAfter(4);
  const res = await upload(config(
    section('meraki_network_devices', meraki.url, 'wrong-key-0000111122223333', `org_id = ${meraki.orgId}\n`),
    section('meraki_network_devices.org', meraki.url, meraki.apiKey, 'org_id = 1234\n'),
    section('meraki_network_devices.revoked', revoked.url, revoked.apiKey, `org_id = ${revoked.orgId}\n`),
  ), 'meraki_network_devices', 'meraki_network_devices.org', 'meraki_network_devices.revoked');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[meraki_network_devices\] meraki_api_key: Meraki refused the API key \(HTTP 401: Invalid API key\): check meraki_api_key/);
  expect(out).toMatch(/\[meraki_network_devices\.org\] org_id: Meraki has no organization "1234" that this API key can access \(HTTP 404: Not found\)/);
  expect(out).toMatch(/\[meraki_network_devices\.revoked\] pulled 0, .*FAILED: .*meraki_api_key: Meraki refused the API key \(HTTP 401/);
  expect(oom.records('meraki_network_devices')).toHaveLength(0);
  for (const secret of ['wrong-key-0000111122223333', meraki.apiKey]) expect(out).not.toContain(secret);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeMeraki({ networks: 0, spares: 0 });
  const two = await startFakeMeraki({ twoOrganizations: true });
  const closed = await startFakeMeraki();
  await closed.close();
  closers.push(() => empty.close(), () => two.close());
  const org = `org_id = ${meraki.orgId}\n`;
  const sections = {
    ok: section('meraki_network_devices.ok', meraki.url, meraki.apiKey, org),
    all: section('meraki_network_devices.all', two.url, two.apiKey),
    key: section('meraki_network_devices.key', meraki.url, 'bad-key-4444555566667777', org),
    org: section('meraki_network_devices.org', meraki.url, meraki.apiKey, 'org_id = 42\n'),
    empty: section('meraki_network_devices.empty', empty.url, empty.apiKey, org),
    unreachable: section('meraki_network_devices.unreachable', closed.url, meraki.apiKey, org),
    tls: section('meraki_network_devices.tls', meraki.url.replace('http:', 'https:'), meraki.apiKey, org),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `meraki_network_devices.${k}`), '--ini', 'config.ini'], {
    cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }),
  });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[meraki_network_devices.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [meraki_network_devices.ok] authenticated to ${meraki.url} with the API key; organization "Acme Corp" (549236); read device Q2AB-0001-001 "hq-1-1" (MX68)`);
  expect(line('all')).toBe(`OK     [meraki_network_devices.all] authenticated to ${two.url} with the API key; 2 organization(s): "Acme Corp" (549236), "Acme Labs" (881100); read device Q2AB-0001-001 "hq-1-1" (MX68)`);
  expect(line('key')).toMatch(/^FAILED \[meraki_network_devices.key\] .*meraki_api_key: Meraki refused the API key \(HTTP 401/);
  expect(line('org')).toMatch(/^FAILED \[meraki_network_devices.org\] .*org_id: Meraki has no organization "42"/);
  expect(line('empty')).toBe(`OK     [meraki_network_devices.empty] authenticated to ${empty.url} with the API key; organization "Acme Corp" (549236); no devices in the inventory`);
  expect(line('unreachable')).toMatch(/^FAILED \[meraki_network_devices.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[meraki_network_devices.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-key-4444555566667777');
}, 60_000);
