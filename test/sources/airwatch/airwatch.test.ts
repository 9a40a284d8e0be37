/** [airwatch] in-process, on small servers: when the network call is made, what a device gets when it has no details, DEP matching. */
import { createAirwatchSource } from '../../../src/sources/airwatch/index.js';
import { wantsNetwork } from '../../../src/sources/airwatch/devices.js';
import { airwatchSettings } from '../../../src/sources/airwatch/settings.js';
import type { RawRecord } from '../../../src/sources/types.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startTestServer, type Routes, type TestServer } from '../../support/httpTestServer.js';
import { startFakeWorkspaceOne } from '../../support/fakeWorkspaceOne.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function read(routes: Routes, fields: string[], extra: Record<string, string> = {}) {
  const server = await startTestServer(routes);
  servers.push(server);
  const ctx = recordingContext('airwatch');
  const s = settingsFrom(airwatchSettings, { url: server.url, username: 'admin', password: 'pw', api_token: 'key', ...extra });
  const out: RawRecord[] = [];
  for await (const r of createAirwatchSource(s, ctx).read({ fields, allFields: false })) out.push(r);
  await ctx.http.close();
  return { out, ctx, server };
}

const page = (devices: unknown[]) => ({ json: { Devices: devices, Page: 0, PageSize: 250, Total: devices.length } });

test('the network call is made when a mapping source contains "network." (as the original scanned them) or is "network"', () => {
  expect(wantsNetwork(['SerialNumber', 'network.IPAddress.WifiIPAddress'])).toBe(true);
  expect(wantsNetwork(['network'])).toBe(true);
  expect(wantsNetwork(['dep.network.name'])).toBe(true);
  expect(wantsNetwork(['SerialNumber', 'networkName', 'Network'])).toBe(false);
});

test('a device without an id, or one UEM has no network details for (404, 204), gets network {}; the others their details', async () => {
  const { out, ctx, server } = await read({
    'GET /api/mdm/devices/search': [page([{ Id: { Value: 1 }, SerialNumber: 'A' }, { SerialNumber: 'B' }, { Id: { Value: 3 } }, { Id: { Value: 4 } }]), { status: 204 }],
    'GET /api/mdm/devices/1/network': { json: { IPAddress: { WifiIPAddress: '10.0.0.1' } } },
    'GET /api/mdm/devices/3/network': { status: 404, json: { errorCode: 404, message: 'Device not found.' } },
    'GET /api/mdm/devices/4/network': { status: 204 },
  }, ['network.IPAddress.WifiIPAddress']);
  expect(out).toEqual([
    { Id: { Value: 1 }, SerialNumber: 'A', network: { IPAddress: { WifiIPAddress: '10.0.0.1' } } },
    { SerialNumber: 'B', network: {} },
    { Id: { Value: 3 }, network: {} },
    { Id: { Value: 4 }, network: {} },
  ]);
  expect(ctx.failures).toEqual([]);
  expect(server.requests.filter((r) => r.path.endsWith('/network')).map((r) => r.path)).toEqual([1, 3, 4].map((i) => `/api/mdm/devices/${i}/network`));
});

test('an empty Devices list ends the read as a 204 does (the original stopped at either)', async () => {
  const { out, server } = await read({ 'GET /api/mdm/devices/search': [page([{ Id: { Value: 1 }, SerialNumber: 'A' }]), page([]), page([{ Id: { Value: 9 } }])] }, ['SerialNumber'], { concurrency: '1' });
  expect(out).toEqual([{ Id: { Value: 1 }, SerialNumber: 'A' }]);
  expect(server.requests.map((r) => r.url)).toEqual(['/api/mdm/devices/search?pagesize=250&page=0', '/api/mdm/devices/search?pagesize=250&page=1']);
});

test('dep: the entry whose deviceSerialNumber matches; none for the other devices; a 204 group is empty', async () => {
  const uem = await startFakeWorkspaceOne({ devices: 3 });
  servers.push(uem.server);
  const ctx = recordingContext('airwatch');
  const s = settingsFrom(airwatchSettings, { url: uem.url, username: uem.username, password: uem.password, api_token: uem.tenantCode, dep_uuid: uem.depGroup });
  const out: RawRecord[] = [];
  for await (const r of createAirwatchSource(s, ctx).read({ fields: ['dep.profileName'], allFields: false })) out.push(r);
  expect(out).toEqual([uem.device(1), { ...uem.device(2), dep: uem.depEntry(2) }, uem.device(3)]);
  await ctx.http.close();

  const empty = await read({
    'GET /api/mdm/dep/groups/g1/devices': { status: 204 },
    'GET /api/mdm/devices/search': [page([{ Id: { Value: 1 }, SerialNumber: 'A' }]), { status: 204 }],
  }, ['dep.profileName'], { dep_uuid: 'g1' });
  expect(empty.out).toEqual([{ Id: { Value: 1 }, SerialNumber: 'A' }]);
});
