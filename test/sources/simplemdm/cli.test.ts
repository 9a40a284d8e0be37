/** End to end: the built CLI reads the SimpleMDM test server as [simplemdm] and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeSimpleMdm, type FakeSimpleMdm } from '../../support/fakeSimpleMdm.js';

/** Three pages of devices (100, 100, 30). */
const N = 230;
let oom: FakeOomnitza;
let smdm: FakeSimpleMdm;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  smdm = await startFakeSimpleMdm({ devices: N, requestDelayMs: 1 });
});
afterEach(async () => {
  await oom.close();
  await smdm.close();
});

const MAPPINGS = `sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serial_number
mapping.NAME = name
mapping.MODEL = model_name
mapping.LAST_SEEN = last_seen_at
mapping.DEVICE_ID = id
`;
/** A section as written for the original (its host hard-coded there; `url` is new), plus `extra` lines. */
const section = (extra = '', key = smdm.key) => `[simplemdm]
enable = True
url = ${smdm.url}
secret_access_key = ${key}
${MAPPINGS}${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));

/** The payload of device i with the default mappings (APPLICATIONS <- software, timestamp on last_seen_at). */
const payload = (i: number, extra: Record<string, unknown> = {}) => {
  const d = smdm.device(i);
  return {
    SERIAL_NUMBER: d.attributes.serial_number,
    NAME: d.attributes.name,
    MODEL: d.attributes.model_name,
    LAST_SEEN: Date.parse(String(d.attributes.last_seen_at)) / 1000,
    DEVICE_ID: d.id,
    APPLICATIONS: smdm.isMobile(i) ? [] : range(smdm.appCount(i)).map((j) => ({ ...smdm.app(i, j), path: null })).map(({ name, short_version, path }) => ({ name, version: short_version, path })),
    ...extra,
  };
};

test('an original config: three pages of devices, two pages of apps for one computer, custom attributes, default mappings, exact payloads', async () => {
  const res = await run(config(section('custom_attributes = 1\nconcurrency = 3\nmapping.ASSET_TAG = custom_attributes.asset_tag\n')), 'upload', 'simplemdm');
  expect(res.stderr).toMatch(/\[simplemdm\] pulled 230, .*pushed 230, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('SimpleMDM'))).toEqual(range(N).map((i) => payload(i, { ASSET_TAG: `AT-${i}` })));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'SimpleMDM', data_type: 'assets' });
  const pages = smdm.log.filter((l) => l.startsWith('GET /api/v1/devices?'));
  expect(pages).toEqual(['GET /api/v1/devices?limit=100', 'GET /api/v1/devices?limit=100&starting_after=200', 'GET /api/v1/devices?limit=100&starting_after=300']);
  expect(smdm.log.filter((l) => l.includes('/api/v1/devices/101/installed_apps'))).toEqual(['GET /api/v1/devices/101/installed_apps?limit=100', 'GET /api/v1/devices/101/installed_apps?limit=100&starting_after=5099']);
  // Mobiles have no installed-apps call (the original read apps of computers only).
  expect(smdm.log.some((l) => l.startsWith('GET /api/v1/devices/103/installed_apps'))).toBe(false);
  expect(smdm.log.filter((l) => l.includes('/custom_attribute_values'))).toHaveLength(N);
  expect(smdm.maxInFlight).toBeLessThanOrEqual(3);
  expect(res.stdout + res.stderr).not.toContain(smdm.key);
}, 60_000);

test('device_types and device_groups filter as the original; custom_attributes off makes no attribute calls', async () => {
  const res = await run(config(section('device_types = MobileDevices\ndevice_groups = 11, 99\n')), 'upload', 'simplemdm');
  expect(res.code).toBe(0);
  const want = range(N).filter((i) => smdm.isMobile(i) && smdm.groupOf(i) === 11);
  expect(sorted(oom.records('SimpleMDM'))).toEqual(want.map((i) => payload(i)));
  expect(smdm.log.every((l) => l.startsWith('GET /api/v1/devices?'))).toBe(true);
});

test('a 429 mid-run is waited out as Retry-After asks and nothing is lost', async () => {
  smdm.throttle(1, 5);
  const res = await run(config(section('concurrency = 1\n')), 'upload', 'simplemdm');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('SimpleMDM'))).toEqual(range(N).map((i) => payload(i)));
  expect(smdm.statuses.filter((s) => s === 429)).toHaveLength(1);
  expect(res.stderr).toMatch(/\[simplemdm\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/devices\/\d+\/installed_apps: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('a device whose details fail is reported while the others arrive; exit 1', async () => {
  smdm.failDevice(7);
  const res = await run(config(section('custom_attributes = yes\n')), 'upload', 'simplemdm');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/device 107 \(serial "C02SM00007"\).*HTTP 404: object not found/);
  expect(res.stderr).toMatch(/\[simplemdm\] pulled 229, .*pushed 229, failed 1/);
  expect(sorted(oom.records('SimpleMDM')).map((r) => r.SERIAL_NUMBER)).toEqual(range(N).filter((i) => i !== 7).map((i) => smdm.device(i).attributes.serial_number));
}, 60_000);

test('a wrong API key: exit 1, the message names secret_access_key, never the key', async () => {
  const res = await run(config(section('', 'not-the-key-4242')), 'upload', 'simplemdm');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[simplemdm\] secret_access_key: SimpleMDM refused the API key \(HTTP 401: HTTP Basic: Access denied\.\): check secret_access_key/);
  expect(res.stdout + res.stderr).not.toContain('not-the-key-4242');
  expect(oom.records('SimpleMDM')).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const denied = await startFakeSimpleMdm({ deny: true });
  const empty = await startFakeSimpleMdm({ devices: 0 });
  const closed = await startFakeSimpleMdm();
  await closed.close();
  const on = (name: string, url: string, body: string) => body.replace('[simplemdm]', `[simplemdm.${name}]`).replaceAll(smdm.url, url);
  const sections = {
    ok: on('ok', smdm.url, section()),
    key: on('key', smdm.url, section('', 'wrong-key-7777')),
    permission: on('permission', denied.url, section().replace(smdm.key, denied.key)),
    empty: on('empty', empty.url, section().replace(smdm.key, empty.key)),
    unreachable: on('unreachable', closed.url, section()),
    tls: on('tls', smdm.url.replace('http:', 'https:'), section()),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `simplemdm.${k}`));
  } finally {
    await denied.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[simplemdm.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [simplemdm.ok] authenticated to ${smdm.url} with the API key; read device 101 (serial "C02SM00001") "Device 1"`);
  expect(line('key')).toMatch(/^FAILED \[simplemdm\.key\] .*secret_access_key: SimpleMDM refused the API key \(HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[simplemdm\.permission\] .*HTTP 403: api key does not have permission.*Devices read permission/);
  expect(line('empty')).toMatch(/^OK     \[simplemdm\.empty\] authenticated to .*; no devices$/);
  expect(line('unreachable')).toMatch(/^FAILED \[simplemdm\.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[simplemdm\.tls\] .*TLS/);
  expect(res.stdout + res.stderr).not.toContain('wrong-key-7777');
}, 60_000);
