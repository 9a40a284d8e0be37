/** End to end: the built CLI reads the Workspace ONE UEM test server as [workspaceone_devicesoftware]. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeWorkspaceOne, type FakeWorkspaceOne } from '../../support/fakeWorkspaceOne.js';

/** Two device pages of 100; device 5 has 130 installed apps (two pages of them). */
const N = 130;
const installed = (i: number) => (i === 5 ? 130 : (i % 4) + 1);
let oom: FakeOomnitza;
let uem: FakeWorkspaceOne;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  uem = await startFakeWorkspaceOne({ devices: N, installed, pageDelayMs: 20, requestDelayMs: 2 });
});
afterEach(async () => {
  await oom.close();
  await uem.close();
});

/** A section as written for the original (region and url), with the token URL pointed at the test server. */
const section = (extra = '', secret = uem.clientSecret) => `[workspaceone_devicesoftware]
enable = True
client_id = ${uem.clientId}
client_secret = ${secret}
url = ${uem.url}
region = na
token_url = ${uem.tokenUrl}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = SerialNumber
${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
/** Oomnitza receives batches from parallel workers: compare in serial number order. */
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));

interface Flags { ignoreApple?: boolean; defaultVersioning?: boolean }
const version = (v: unknown, f: Flags) => (f.defaultVersioning && !v ? '0.0' : v);
function managed(i: number, f: Flags = {}) {
  return uem.managedAppsOf(i).map((k) => uem.catalogueApp(k) as { ApplicationName: string; AppVersion: string; BundleId: string })
    .filter((a) => !(f.ignoreApple && a.BundleId.startsWith('com.apple.')))
    .map((a) => ({ name: a.ApplicationName, version: version(a.AppVersion, f), bundle_id: a.BundleId, path: null }));
}
function installedSoftware(i: number, f: Flags = {}) {
  return range(uem.installedCount(i)).map((j) => uem.installedApp(i, j) as { name: string; installed_version: string; bundle_id: string })
    .filter((a) => !(f.ignoreApple && a.bundle_id.includes('com.apple.')))
    .map((a) => ({ version: version(a.installed_version, f), name: a.name, bundle_id: a.bundle_id, path: null }));
}
const expected = (software: (i: number) => unknown[]) => range(N).map((i) => ({ APPLICATIONS: software(i), SERIAL_NUMBER: uem.device(i).SerialNumber }));

test('apps_scope = all (the default): two device pages, managed then installed apps, exact payloads with the default APPLICATIONS mapping', async () => {
  const res = await run(config(section('concurrency = 4\n')), 'upload', 'workspaceone_devicesoftware');
  expect(res.stderr).toMatch(/\[workspaceone_devicesoftware\] pulled 130, .*pushed 130, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('workspaceone_devicesoftware'))).toEqual(expected((i) => [...managed(i), ...installedSoftware(i)]));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'workspaceone_devicesoftware', data_type: 'assets' });
  const calls = (re: RegExp) => uem.log.filter((l) => re.test(l));
  expect(calls(/^GET \/api\/mam\/apps\/search/).slice(0, 2)).toEqual(['GET /api/mam/apps/search?pageSize=100&page=0', 'GET /api/mam/apps/search?pageSize=100&page=1']);
  expect(calls(/^GET \/api\/mam\/apps\/[^/]+\/devices\?isinstalled=true$/)).toHaveLength(4);
  expect(calls(/^GET \/api\/mdm\/devices\/search\?pageSize=100&page=[012]$/)).toHaveLength(3);
  // One page of apps per device (the 200 with an empty app_items after it ends the list), two for device 5.
  expect(calls(/\/apps\/search\?/).filter((l) => l.includes(uem.deviceUuid(5)))).toHaveLength(3);
  expect(calls(/^GET \/api\/mdm\/devices\/[^/]+\/apps\/search/)).toHaveLength(2 * N + 1);
  expect(uem.maxInFlight).toBeLessThanOrEqual(4);
  expect(uem.tokensIssued).toBe(1);
  expect(res.stdout + res.stderr).not.toContain(uem.clientSecret);
}, 60_000);

test('managed and installed scopes with ignore_apple and default_versioning; Basic auth for on-premise UEM', async () => {
  const flags = { ignoreApple: true, defaultVersioning: true };
  const filters = 'ignore_apple = True\ndefault_versioning = True\n';
  const basic = section(`apps_scope = installed\n${filters}`).replace(/client_id = .*\nclient_secret = .*\n/, `username = ${uem.username}\npassword = ${uem.password}\napi_token = ${uem.tenantCode}\n`)
    .replace('[workspaceone_devicesoftware]', '[workspaceone_devicesoftware.installed]');
  const ini = config(`${section(`apps_scope = managed\n${filters}`)}\n${basic}`);
  const res = await run(ini, 'upload', 'workspaceone_devicesoftware', 'workspaceone_devicesoftware.installed');
  expect(res.code).toBe(0);
  const records = oom.records('workspaceone_devicesoftware');
  const mine = (portion: string) => oom.bulkRequests.filter((b) => b.portion === portion).flatMap((b) => b.records);
  const portions = [...new Set(oom.bulkRequests.map((b) => b.portion))];
  expect(portions).toHaveLength(2);
  const [a, b] = portions.map((p) => sorted(mine(p)));
  const managedOnly = expected((i) => managed(i, flags));
  const installedOnly = expected((i) => installedSoftware(i, flags));
  expect([a, b]).toEqual(expect.arrayContaining([managedOnly, installedOnly]));
  expect(records).toHaveLength(2 * N);
  expect(uem.tokensIssued).toBe(1); // the Basic section asked for none
}, 60_000);

test('a 429 mid-run is waited out until X-RateLimit-Reset and nothing is lost', async () => {
  uem.throttle(2, 10);
  const res = await run(config(section('concurrency = 2\n')), 'upload', 'workspaceone_devicesoftware');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('workspaceone_devicesoftware'))).toEqual(expected((i) => [...managed(i), ...installedSoftware(i)]));
  expect(uem.statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('a token that expires mid-run is renewed once and nothing is lost', async () => {
  uem.expireTokens(20);
  const res = await run(config(section('concurrency = 1\n')), 'upload', 'workspaceone_devicesoftware');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('workspaceone_devicesoftware'))).toEqual(expected((i) => [...managed(i), ...installedSoftware(i)]));
  expect(uem.tokensIssued).toBe(2);
  expect(uem.statuses.filter((s) => s === 401)).toHaveLength(1);
}, 60_000);

test('a device whose apps cannot be read is reported while the others arrive; exit 1', async () => {
  uem.failDevice(9, 400);
  const res = await run(config(section()), 'upload', 'workspaceone_devicesoftware');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(new RegExp(`device ${uem.deviceUuid(9)} \\(serial "C02WS10009"\\).*HTTP 400: Unable to retrieve the apps of the device\\. \\(errorCode 400\\)`));
  expect(res.stderr).toMatch(/pulled 129, .*pushed 129, failed 1/);
  expect(sorted(oom.records('workspaceone_devicesoftware')).map((r) => r.SERIAL_NUMBER)).toEqual(range(N).filter((i) => i !== 9).map((i) => uem.device(i).SerialNumber));
}, 60_000);

test('apps_scope = all with Uuid objects: installed apps are read by the device Uuid (the original sent Id.Value)', async () => {
  const old = await startFakeWorkspaceOne({ devices: 3, uuidObjects: true });
  try {
    const res = await run(config(section().replaceAll(uem.url, old.url)), 'upload', 'workspaceone_devicesoftware');
    expect(res.code).toBe(0);
    expect(old.log.filter((l) => l.includes('/apps/search?')).map((l) => l.split('/')[4])).toEqual(
      expect.arrayContaining([1, 2, 3].map((i) => old.deviceUuid(i))),
    );
    expect(sorted(oom.records('workspaceone_devicesoftware')).map((r) => (r.APPLICATIONS as unknown[]).length)).toEqual(
      [1, 2, 3].map((i) => old.managedAppsOf(i).length + old.installedCount(i)),
    );
  } finally {
    await old.close();
  }
}, 60_000);

test('bad credentials: exit 1, the message names client_secret and quotes the token service, never the secret', async () => {
  const res = await run(config(section('', 'not-the-secret-42')), 'upload', 'workspaceone_devicesoftware');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[workspaceone_devicesoftware\] client_secret: the Workspace ONE token service http:\/\/127\.0\.0\.1:\d+\/connect\/token refused OAuth client "e1b2c3d4oomnitza" \(HTTP 400: invalid_client\): check client_id and client_secret, and that region \(or token_url\)/);
  expect(res.stdout + res.stderr).not.toContain('not-the-secret-42');
  expect(oom.records('workspaceone_devicesoftware')).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const noMam = await startFakeWorkspaceOne({ deny: ['mam'] });
  const empty = await startFakeWorkspaceOne({ devices: 0 });
  const closed = await startFakeWorkspaceOne();
  await closed.close();
  const on = (name: string, url: string, body: string) => body.replace('[workspaceone_devicesoftware]', `[workspaceone_devicesoftware.${name}]`).replaceAll(uem.url, url);
  const sections = {
    ok: on('ok', uem.url, section()),
    credentials: on('credentials', uem.url, section('', 'wrong-secret-77')),
    permission: on('permission', noMam.url, section()),
    installed: on('installed', noMam.url, section('apps_scope = installed\n')),
    empty: on('empty', empty.url, section()),
    unreachable: on('unreachable', closed.url, section()),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `workspaceone_devicesoftware.${k}`));
  } finally {
    await noMam.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[workspaceone_devicesoftware.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [workspaceone_devicesoftware.ok] authenticated to ${uem.url} as OAuth client "e1b2c3d4oomnitza"; read device ${uem.deviceUuid(1)} (serial "C02WS10001"); the app catalogue answers`);
  expect(line('credentials')).toMatch(/^FAILED \[workspaceone_devicesoftware\.credentials\] .*client_secret: .*refused OAuth client "e1b2c3d4oomnitza" \(HTTP 400: invalid_client\)/);
  expect(line('permission')).toMatch(/^FAILED \[workspaceone_devicesoftware\.permission\] Workspace ONE UEM: OAuth client "e1b2c3d4oomnitza" may not read \/api\/mam\/apps\/search \(HTTP 403: .*\): give its admin role the permission REST API > Apps \(read\)/);
  expect(line('installed')).toMatch(/^OK     \[workspaceone_devicesoftware\.installed\] .*; read device /);
  expect(line('empty')).toMatch(/^OK     \[workspaceone_devicesoftware\.empty\] .*; no devices; the app catalogue answers$/);
  expect(line('unreachable')).toMatch(/^FAILED \[workspaceone_devicesoftware\.unreachable\] .*POST http:\/\/127\.0\.0\.1:\d+\/connect\/token failed: connection refused/);
  expect(res.stdout + res.stderr).not.toContain('wrong-secret-77');
}, 60_000);
