/** End to end: the built CLI reads Entra ID devices (with registered owners) from the Microsoft Graph test server. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeMicrosoftGraph, type FakeGraph } from '../../support/fakeMicrosoftGraph.js';

/** Each test runs the CLI once or twice; on a busy machine one run can take many seconds. */
const CLI_TIMEOUT_MS = 90_000;

const PERMISSIONS = ['Device.Read.All', 'User.Read.All'];
let oom: FakeOomnitza;
let graph: FakeGraph;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ permissions: PERMISSIONS, devices: 5 });
});
afterEach(async () => {
  await oom.close();
  await graph.close();
});

function section(name: string, g: { url: string; tenantId: string; clientId: string; clientSecret: string }, extra = ''): string {
  return `[${name}]
enable = True
tenant_id = ${g.tenantId}
client_id = ${g.clientId}
client_secret = ${g.clientSecret}
url = ${g.url}
token_url = ${g.url}
${extra}`;
}

const MAPPINGS = `page_size = 2
load_owners = True
concurrency = 1
sync_field = NAME
mapping.NAME = displayName
mapping.ENTRA_DEVICE_ID = deviceId
mapping.OS = operatingSystem
mapping.OS_VERSION = operatingSystemVersion
mapping.COMPLIANT = isCompliant
mapping.LAST_SIGN_IN = approximateLastSignInDateTime
mapping.OWNER = owners.0.userPrincipalName
mapping.COST_CENTER = extensionAttributes.extensionAttribute1
`;

const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;

async function run(command: 'upload' | 'test', ini: string, sections: string[]) {
  return runCli([command, ...sections, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
}

function expected(i: number) {
  const d = graph.device(i);
  return {
    NAME: d.displayName, ENTRA_DEVICE_ID: d.deviceId, OS: d.operatingSystem, OS_VERSION: d.operatingSystemVersion, COMPLIANT: d.isCompliant,
    LAST_SIGN_IN: d.approximateLastSignInDateTime, OWNER: graph.user(i).userPrincipalName, COST_CENTER: (d.extensionAttributes as Record<string, unknown>).extensionAttribute1,
  };
}

test('three pages with owners, a 429 with Retry-After and a token expiry mid-run: every device once, exact payloads', async () => {
  graph.throttle(1, { retryAfterSec: 1, afterPages: 2 });
  graph.expireTokensAfterPages(5);
  const res = await run('upload', config(section('entra_devices', graph, MAPPINGS)), ['entra_devices']);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 1 s as the server asks/);
  expect(res.code).toBe(0);
  expect(oom.records('EntraDevices')).toEqual([1, 2, 3, 4, 5].map(expected));
  for (const bulk of oom.bulkRequests) expect(bulk).toMatchObject({ data_type: 'assets', connector_name: 'EntraDevices', sync_field: ['NAME'] });
  expect(graph.pages.filter((p) => p.path === '/v1.0/devices').map((p) => p.status)).toEqual([200, 200, 200]);
  expect(graph.pages.filter((p) => p.status === 429)).toHaveLength(1);
  expect(graph.pages.filter((p) => p.status === 401)).toHaveLength(1);
  expect(graph.tokensIssued).toBe(2);
}, CLI_TIMEOUT_MS);

test('a device whose owners cannot be read is reported, exit 1; a wrong client id is named', async () => {
  graph.fail(new RegExp(`${String(graph.device(2).id)}/registeredOwners$`), { status: 404 });
  const res = await run('upload', config(section('entra_devices', graph, MAPPINGS)), ['entra_devices']);
  expect(res.code).toBe(1);
  expect(oom.records('EntraDevices').map((r) => r.NAME)).toEqual([1, 3, 4, 5].map((i) => graph.device(i).displayName));
  expect(res.stderr).toMatch(/\[entra_devices\] pulled 4, .*failed 1/);

  const bad = await run('upload', config(section('entra_devices', { ...graph, clientId: '0b0b0b0b-1111-2222-3333-444444444444' }, 'sync_field = NAME\nmapping.NAME = displayName')), ['entra_devices']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('[entra_devices] client_id: Microsoft Entra ID refused the sign-in: tenant');
}, CLI_TIMEOUT_MS);

test('connector test: owners, a missing permission, an empty directory', async () => {
  const noPermission = await startFakeMicrosoftGraph({ permissions: ['User.Read.All'] });
  const empty = await startFakeMicrosoftGraph({ permissions: PERMISSIONS, devices: 0 });
  try {
    const res = await run('test', config(
      section('entra_devices', graph, 'load_owners = True'),
      section('entra_devices.permission', noPermission),
      section('entra_devices.empty', empty),
    ), ['entra_devices', 'entra_devices.permission', 'entra_devices.empty']);
    const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
    expect(line('entra_devices')).toBe(`OK     [entra_devices] authenticated to tenant "${graph.tenantId}" as application "${graph.clientId}"; read device ${String(graph.device(1).id)} "${String(graph.device(1).displayName)}"; 1 registered owner(s)`);
    expect(line('entra_devices.permission')).toMatch(/^FAILED .*may not read devices \(HTTP 403, Authorization_RequestDenied: .*Device\.Read\.All/);
    expect(line('entra_devices.empty')).toMatch(/^OK .*the directory has no devices the application can see$/);
    expect(res.code).toBe(1);
  } finally {
    await Promise.all([noPermission.close(), empty.close()]);
  }
}, CLI_TIMEOUT_MS);
