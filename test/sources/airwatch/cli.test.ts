/** End to end: the built CLI reads the Workspace ONE UEM test server as [airwatch] and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeWorkspaceOne, type FakeWorkspaceOne } from '../../support/fakeWorkspaceOne.js';

/** Two pages of 250 and the 204 after them. */
const N = 260;
let oom: FakeOomnitza;
let uem: FakeWorkspaceOne;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  uem = await startFakeWorkspaceOne({ devices: N, pageDelayMs: 30, requestDelayMs: 3 });
});
afterEach(async () => {
  await oom.close();
  await uem.close();
});

const MAPPINGS = `sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = SerialNumber
mapping.NAME = DeviceFriendlyName
mapping.MODEL = Model
mapping.USER = UserName
mapping.DEVICE_ID = Id.Value
`;
const NETWORK = 'mapping.WIFI_IP = network.IPAddress.WifiIPAddress\n';
const DEP = 'mapping.DEP_PROFILE = dep.profileName\n';

/** A section as written for the original (Basic with the tenant code), plus `extra` lines. */
const basic = (extra = '', password = uem.password) => `[airwatch]
enable = True
url = ${uem.url}
username = ${uem.username}
password = ${password}
api_token = ${uem.tenantCode}
${MAPPINGS}${extra}`;
const oauth = (extra = '', secret = uem.clientSecret) => `[airwatch]
enable = True
url = ${uem.url}
client_id = ${uem.clientId}
client_secret = ${secret}
token_url = ${uem.tokenUrl}
${MAPPINGS}${extra}`;
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

const base = (i: number) => {
  const d = uem.device(i) as { SerialNumber: string; DeviceFriendlyName: string; Model: string; UserName: string; Id: { Value: number } };
  return { SERIAL_NUMBER: d.SerialNumber, NAME: d.DeviceFriendlyName, MODEL: d.Model, USER: d.UserName, DEVICE_ID: d.Id.Value };
};
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
/** Oomnitza receives batches from parallel workers: compare in serial number order. */
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));

test('an original config: two pages of 250 read 3 at a time with the 204 after them, network and DEP details, exact payloads', async () => {
  const res = await run(config(basic(`dep_uuid = ${uem.depGroup}\nconcurrency = 3\n${NETWORK}${DEP}`)), 'upload', 'airwatch');
  expect(res.stderr).toMatch(/\[airwatch\] pulled 260, .*pushed 260, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AirWatch'))).toEqual(range(N).map((i) => ({
    ...base(i),
    WIFI_IP: `10.20.0.${i}`,
    DEP_PROFILE: i % 2 === 0 ? 'Corporate iPads' : null,
  })));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'AirWatch', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });
  const pages = uem.log.filter((l) => l.startsWith('GET /api/mdm/devices/search'));
  // Pages 0-1 hold devices; page 2 is the 204 that ends the list; a page or two beyond may be asked for in parallel.
  expect(pages.slice(0, 3)).toEqual([0, 1, 2].map((p) => `GET /api/mdm/devices/search?pagesize=250&page=${p}`));
  expect(pages.length).toBeLessThanOrEqual(5);
  expect(uem.log.filter((l) => l.endsWith('/network'))).toHaveLength(N);
  expect(uem.log.filter((l) => l.includes('/api/mdm/dep/groups/'))).toEqual([`GET /api/mdm/dep/groups/${uem.depGroup}/devices`]);
  // Pages in parallel, and pages plus network calls within the section's concurrency.
  expect(uem.maxPagesInFlight).toBeGreaterThan(1);
  expect(uem.maxInFlight).toBeLessThanOrEqual(3);
  expect(res.stdout + res.stderr).not.toContain(uem.password);
  expect(res.stdout + res.stderr).not.toContain(uem.tenantCode);
}, 60_000);

test('no mapping reads network.*: no network call; no dep_uuid: no DEP call', async () => {
  const res = await run(config(basic()), 'upload', 'airwatch');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AirWatch'))).toEqual(range(N).map(base));
  expect(uem.log.every((l) => l.startsWith('GET /api/mdm/devices/search?'))).toBe(true);
});

test('a 429 mid-run is waited out until X-RateLimit-Reset and nothing is lost', async () => {
  uem.throttle(2, 1);
  const res = await run(config(basic('concurrency = 1\n')), 'upload', 'airwatch');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AirWatch'))).toEqual(range(N).map(base));
  expect(uem.statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
  expect(res.stderr).toMatch(/\[airwatch\] GET http:\/\/127\.0\.0\.1:\d+\/api\/mdm\/devices\/search: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('an OAuth client: a token that expires mid-run is renewed once and nothing is lost', async () => {
  uem.expireTokens(2);
  const res = await run(config(oauth('concurrency = 1\n')), 'upload', 'airwatch');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AirWatch'))).toEqual(range(N).map(base));
  expect(uem.tokensIssued).toBe(2);
  expect(uem.statuses.filter((s) => s === 401)).toHaveLength(1);
  expect(res.stdout + res.stderr).not.toContain(uem.clientSecret);
}, 60_000);

test('a device whose network details fail is reported while the others arrive; exit 1', async () => {
  uem.failDevice(7, 400);
  const res = await run(config(basic(NETWORK)), 'upload', 'airwatch');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/device 1007 \(serial "C02WS10007"\).*HTTP 400: The device network information could not be retrieved\. \(errorCode 400\)/);
  expect(res.stderr).toMatch(/\[airwatch\] pulled 259, .*pushed 259, failed 1/);
  expect(sorted(oom.records('AirWatch')).map((r) => r.SERIAL_NUMBER)).toEqual(range(N).filter((i) => i !== 7).map((i) => base(i).SERIAL_NUMBER));
}, 60_000);

test('bad credentials: exit 1, the message names the settings and quotes UEM, never the secret', async () => {
  const wrongPassword = await run(config(basic('', 'not-the-password-42')), 'upload', 'airwatch');
  expect(wrongPassword.code).toBe(1);
  expect(wrongPassword.stderr).toMatch(/\[airwatch\] password: Workspace ONE UEM refused user "uem-api-admin" with the tenant code on \/api\/mdm\/devices\/search \(HTTP 401: User credentials are incorrect\. \(errorCode 1005\)\): check username, password and api_token/);
  expect(wrongPassword.stdout + wrongPassword.stderr).not.toContain('not-the-password-42');
  const wrongSecret = await run(config(oauth('', 'not-the-secret-42')), 'upload', 'airwatch');
  expect(wrongSecret.code).toBe(1);
  expect(wrongSecret.stderr).toMatch(/\[airwatch\] client_secret: the Workspace ONE token service http:\/\/127\.0\.0\.1:\d+\/connect\/token refused OAuth client "e1b2c3d4oomnitza" \(HTTP 400: invalid_client\): check client_id and client_secret/);
  expect(wrongSecret.stdout + wrongSecret.stderr).not.toContain('not-the-secret-42');
  expect(oom.records('AirWatch')).toEqual([]);
}, 60_000);

test('connector test: OK, and a distinct message per failure kind', async () => {
  const denied = await startFakeWorkspaceOne({ deny: ['mdm'] });
  const empty = await startFakeWorkspaceOne({ devices: 0 });
  const closed = await startFakeWorkspaceOne();
  await closed.close();
  const on = (name: string, url: string, body: string) => body.replace('[airwatch]', `[airwatch.${name}]`).replaceAll(uem.url, url);
  const sections = {
    ok: on('ok', uem.url, basic(`dep_uuid = ${uem.depGroup}\n`)),
    oauth: on('oauth', uem.url, oauth()),
    credentials: on('credentials', uem.url, basic('', 'wrong-password-77')),
    tenant: on('tenant', uem.url, basic().replace(uem.tenantCode, 'WrongTenantCode')),
    dep: on('dep', uem.url, basic('dep_uuid = no-such-group\n')),
    permission: on('permission', denied.url, basic()),
    empty: on('empty', empty.url, basic()),
    unreachable: on('unreachable', closed.url, basic()),
    tls: on('tls', uem.url.replace('http:', 'https:'), basic()),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `airwatch.${k}`));
  } finally {
    await denied.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[airwatch.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [airwatch.ok] authenticated to ${uem.url} as user "uem-api-admin" with the tenant code; read device 1001 (serial "C02WS10001") "user1 iPad iOS 17.4 C02WS10001"; DEP group "${uem.depGroup}" lists 131 device(s)`);
  expect(line('oauth')).toMatch(/^OK     \[airwatch\.oauth\] authenticated to .* as OAuth client "e1b2c3d4oomnitza"; read device 1001/);
  expect(line('credentials')).toMatch(/^FAILED \[airwatch\.credentials\] .*password: .*HTTP 401: User credentials are incorrect\. \(errorCode 1005\)/);
  expect(line('tenant')).toMatch(/^FAILED \[airwatch\.tenant\] .*HTTP 401: Unable to validate the tenant code \(aw-tenant-code\)\. \(errorCode 1001\)\): check username, password and api_token/);
  expect(line('dep')).toMatch(/^FAILED \[airwatch\.dep\] .*dep_uuid: Workspace ONE UEM has no DEP group "no-such-group"/);
  expect(line('permission')).toMatch(/^FAILED \[airwatch\.permission\] Workspace ONE UEM: user "uem-api-admin" with the tenant code may not read \/api\/mdm\/devices\/search \(HTTP 403: .*\): give its admin role the permission REST API > Devices \(read\)/);
  expect(line('empty')).toMatch(/^OK     \[airwatch\.empty\] authenticated to .*; no devices$/);
  expect(line('unreachable')).toMatch(/^FAILED \[airwatch\.unreachable\] .*GET http:\/\/127\.0\.0\.1:\d+\/api\/mdm\/devices\/search failed: connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[airwatch\.tls\] .*TLS/);
  expect(res.stdout + res.stderr).not.toContain('wrong-password-77');
}, 60_000);
