/** End to end: the built CLI reads Intune managed devices from the Microsoft Graph test server and pushes them to the fake Oomnitza. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeMicrosoftGraph, type FakeGraph } from '../../support/fakeMicrosoftGraph.js';
import { makeSelfSignedCert, startTestServer } from '../../support/httpTestServer.js';

/** Each test runs the CLI once or twice; on a busy machine one run can take many seconds. */
const CLI_TIMEOUT_MS = 90_000;

const INTUNE = ['DeviceManagementManagedDevices.Read.All'];
let oom: FakeOomnitza;
let graph: FakeGraph;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ permissions: INTUNE, managedDevices: 5, intunePageSize: 2 });
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

const MAPPINGS = `load_software = True
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber
mapping.MODEL = model
mapping.MANUFACTURER = manufacturer
mapping.OS = operatingSystem
mapping.OS_VERSION = osVersion
mapping.COMPLIANCE = complianceState
mapping.LAST_SYNC = lastSyncDateTime
mapping.ASSIGNED_TO = userPrincipalName
mapping.MAC_ADDRESS = ethernetMacAddress
`;

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;
}

/** The default APPLICATIONS mapping first, then the INI mappings, for managed device i. */
function expected(i: number) {
  const d = graph.managedDevice(i);
  return {
    APPLICATIONS: graph.detectedApps(i).map((a) => ({ name: a.displayName, version: a.version, path: null, publisher: a.publisher })),
    SERIAL_NUMBER: d.serialNumber, MODEL: d.model, MANUFACTURER: d.manufacturer, OS: d.operatingSystem, OS_VERSION: d.osVersion,
    COMPLIANCE: d.complianceState, LAST_SYNC: d.lastSyncDateTime, ASSIGNED_TO: d.userPrincipalName, MAC_ADDRESS: d.ethernetMacAddress,
  };
}

async function run(command: 'upload' | 'test', ini: string, sections: string[], files: Record<string, string> = {}) {
  const dir = tempDir({ 'config.ini': ini, ...files });
  return runCli([command, ...sections, '--ini', 'config.ini'], { cwd: dir });
}

test('three pages, apps per device, a 429 without Retry-After and a token expiry mid-run: every device once, exact payloads', async () => {
  graph.throttle(1, { afterPages: 4 });
  graph.expireTokensAfterPages(6);
  // One request at a time, so that exactly one request meets the throttle and one the expired token.
  const res = await run('upload', config(section('intune_devices', graph, `${MAPPINGS}concurrency = 1\n`)), ['intune_devices']);
  expect(res.stderr).toContain(`reading Intune managed devices of tenant "${graph.tenantId}" from ${graph.url}, with ethernetMacAddress (per device) and detected apps`);
  expect(res.code).toBe(0);
  expect(oom.records('IntuneDevices')).toEqual([1, 2, 3, 4, 5].map(expected));
  for (const bulk of oom.bulkRequests) expect(bulk).toMatchObject({ data_type: 'assets', connector_name: 'IntuneDevices', sync_field: ['SERIAL_NUMBER'] });
  expect(graph.pages.filter((p) => p.status === 429)).toHaveLength(1);
  expect(graph.pages.filter((p) => p.status === 401)).toHaveLength(1);
  expect(graph.tokensIssued).toBe(2);
  expect(res.stderr + res.stdout).not.toContain(graph.clientSecret);
}, CLI_TIMEOUT_MS);

test('a device whose apps cannot be read is reported and not sent, exit 1; the others arrive', async () => {
  // Deleted since it was listed: a 404 (not retried), reported for that device alone.
  graph.fail(new RegExp(`${String(graph.managedDevice(4).id)}/detectedApps$`), { status: 404 });
  const res = await run('upload', config(section('intune_devices', graph, MAPPINGS)), ['intune_devices']);
  expect(res.code).toBe(1);
  expect(oom.records('IntuneDevices').map((r) => r.SERIAL_NUMBER)).toEqual([1, 2, 3, 5].map((i) => graph.managedDevice(i).serialNumber));
  expect(res.stderr).toContain(`managed device ${String(graph.managedDevice(4).id)} "${String(graph.managedDevice(4).deviceName)}"`);
  expect(res.stderr).toMatch(/\[intune_devices\] pulled 4, .*failed 1/);
}, CLI_TIMEOUT_MS);

test('a certificate signs in (the file relative to the INI); a wrong secret stops the section with exit 1 and a message naming it', async () => {
  const dir = tempDir();
  const cert = makeSelfSignedCert(path.join(dir, 'certs'), 'connector-intune');
  const withCert = await startFakeMicrosoftGraph({ permissions: INTUNE, managedDevices: 3, certificates: [cert.cert] });
  try {
    const ini = config(`[intune_devices]
enable = True
tenant_id = ${withCert.tenantId}
client_id = ${withCert.clientId}
certificate_file = app.pem
url = ${withCert.url}
token_url = ${withCert.url}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber`);
    const good = await run('upload', ini, ['intune_devices'], { 'app.pem': fs.readFileSync(cert.pemFile, 'utf8') });
    expect(good.code).toBe(0);
    expect(oom.records('IntuneDevices').map((r) => r.SERIAL_NUMBER)).toEqual([1, 2, 3].map((i) => withCert.managedDevice(i).serialNumber));
    expect(withCert.assertions).toHaveLength(1);
    expect(good.stderr + good.stdout).not.toContain('PRIVATE KEY');
  } finally {
    await withCert.close();
  }
  const bad = await run('upload', config(section('intune_devices', { ...graph, clientSecret: 'Wr0ng~secret.value' }, 'sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serialNumber')), ['intune_devices']);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('[intune_devices] client_secret: Microsoft Entra ID refused the sign-in: the client secret is wrong');
  expect(bad.stderr + bad.stdout).not.toContain('Wr0ng~secret.value');
}, CLI_TIMEOUT_MS);

test('connector test: a distinct message per failure kind', async () => {
  const dir = tempDir();
  const tls = await startFakeMicrosoftGraph({ permissions: INTUNE, tls: makeSelfSignedCert(path.join(dir, 'certs')) });
  const noPermission = await startFakeMicrosoftGraph({ permissions: ['User.Read.All'] });
  const noIntune = await startFakeMicrosoftGraph({ permissions: INTUNE, intune: false });
  const empty = await startFakeMicrosoftGraph({ permissions: INTUNE, managedDevices: 0 });
  const closed = await startTestServer(() => ({}));
  await closed.close();
  try {
    const names = ['intune_devices', 'intune_devices.secret', 'intune_devices.permission', 'intune_devices.licence', 'intune_devices.empty', 'intune_devices.tls', 'intune_devices.down'];
    const res = await run('test', config(
      section(names[0], graph, 'load_software = True'),
      section(names[1], { ...graph, clientSecret: 'not-the-secret' }),
      section(names[2], noPermission),
      section(names[3], noIntune),
      section(names[4], empty),
      section(names[5], tls),
      section(names[6], { ...graph, url: closed.url }),
    ), names);
    const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
    const d = graph.managedDevice(1);
    expect(line(names[0])).toBe(`OK     [intune_devices] authenticated to tenant "${graph.tenantId}" as application "${graph.clientId}"; read managed device ${String(d.id)} "${String(d.deviceName)}" (serial number "${String(d.serialNumber)}"); ${graph.detectedApps(1).length} detected app(s)`);
    expect(line(names[1])).toMatch(/^FAILED \[intune_devices\.secret\] client_secret: Microsoft Entra ID refused the sign-in: the client secret is wrong/);
    expect(line(names[2])).toMatch(/^FAILED .*may not read Intune managed devices \(HTTP 403, Forbidden: .*permission DeviceManagementManagedDevices\.Read\.All/);
    expect(line(names[3])).toMatch(/^FAILED .*has no Intune service .*need an active Intune licence/);
    expect(line(names[4])).toMatch(/^OK .*Intune has no managed devices the application can see$/);
    expect(line(names[5])).toMatch(/^FAILED .*TLS: the server's certificate is self-signed \(check verify_ssl, cacert_file and ssl_protocol\)/);
    expect(line(names[6])).toMatch(/^FAILED .*connection refused/);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).not.toContain(graph.clientSecret);
  } finally {
    await Promise.all([tls.close(), noPermission.close(), noIntune.close(), empty.close()]);
  }
}, CLI_TIMEOUT_MS);
