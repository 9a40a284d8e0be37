/** [intune_devices] against the Microsoft Graph test server, in process (a fake clock makes waits instant). */
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { BASE_PROPERTIES, MORE_PROPERTIES } from '../../../src/sources/intune_devices/fields.js';
import { createIntuneSource, intuneDevices } from '../../../src/sources/intune_devices/index.js';
import { intuneSettings } from '../../../src/sources/intune_devices/settings.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { MANAGED_DEVICE_LIST_PROPERTIES } from '../../support/fakeGraphData.js';
import { startFakeMicrosoftGraph, type FakeGraph, type FakeGraphOptions } from '../../support/fakeMicrosoftGraph.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const INTUNE = ['DeviceManagementManagedDevices.Read.All'];
const servers: FakeGraph[] = [];
async function graph(opts: FakeGraphOptions = {}) {
  const g = await startFakeMicrosoftGraph({ permissions: INTUNE, managedDevices: 5, intunePageSize: 2, ...opts });
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGraph, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(intuneSettings, {
    tenant_id: g.tenantId, client_id: g.clientId, client_secret: g.clientSecret, url: g.url, token_url: g.url, ...raw,
  });
  const ctx = sourceContext('intune_devices', { clock });
  return { src: createIntuneSource(settings, ctx), ctx, clock };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

const LIST = '/v1.0/deviceManagement/managedDevices';
const listRequests = (g: FakeGraph) => g.pages.filter((p) => p.path === LIST);
const appRequests = (g: FakeGraph) => g.pages.filter((p) => p.path.endsWith('/detectedApps'));
const software = (g: FakeGraph, i: number) => g.detectedApps(i).map((a) => ({ name: a.displayName, version: a.version, path: null, publisher: a.publisher }));

test('every page of managed devices, with $select of the base fields and what mappings read', async () => {
  const g = await graph();
  const { src } = source(g);
  const records = await collect(src, { fields: ['serialNumber', 'imei', 'deviceName', 'wiFiMacAddress'], allFields: false });
  expect(records.map((r) => r.serialNumber)).toEqual([1, 2, 3, 4, 5].map((i) => g.managedDevice(i).serialNumber));
  // Intune pages by itself (2 per page here): three pages through @odata.nextLink; no $top, no $count.
  expect(listRequests(g).map((p) => Object.keys(p.query).sort())).toEqual([['$select'], ['$select', '$skiptoken'], ['$select', '$skiptoken']]);
  const select = listRequests(g)[0].query.$select.split(',');
  expect(select).toEqual([...BASE_PROPERTIES, 'imei', 'wiFiMacAddress']);
  // The record is the Graph object as selected, nothing else; no request per device.
  expect(records[2]).toEqual(Object.fromEntries(select.map((p) => [p, g.managedDevice(3)[p] ?? null])));
  expect(g.pages).toHaveLength(3);
  expect(g.tokensIssued).toBe(1);
});

test('a record filter or custom converter gets every list property', async () => {
  const g = await graph();
  await collect(source(g).src, { fields: [], allFields: true });
  const select = listRequests(g)[0].query.$select.split(',');
  expect(select).toEqual([...BASE_PROPERTIES, ...MORE_PROPERTIES]);
  // All of them are real list properties of the v1.0 managedDevice (the test server lists them independently).
  expect(select.filter((p) => !MANAGED_DEVICE_LIST_PROPERTIES.includes(p))).toEqual([]);
});

test('a mapped property that only a single-device GET returns is read per device; the list would give null', async () => {
  const g = await graph();
  const records = await collect(source(g).src, { fields: ['serialNumber', 'ethernetMacAddress', 'physicalMemoryInBytes'], allFields: false });
  expect(listRequests(g)[0].query.$select.split(',')).not.toContain('ethernetMacAddress');
  const details = g.pages.filter((p) => /managedDevices\/[^/]+$/.test(p.path));
  expect(details).toHaveLength(5);
  expect(details[0].query).toEqual({ $select: 'ethernetMacAddress,physicalMemoryInBytes' });
  expect(records.map((r) => [r.serialNumber, r.ethernetMacAddress, r.physicalMemoryInBytes])).toEqual(
    [1, 2, 3, 4, 5].map((i) => [g.managedDevice(i).serialNumber, g.managedDevice(i).ethernetMacAddress, g.managedDevice(i).physicalMemoryInBytes]),
  );
  expect(records.some((r) => r.ethernetMacAddress !== null)).toBe(true);
});

test('load_software: detected apps per device (paged, bounded concurrency) as software', async () => {
  const g = await graph();
  const { src, ctx } = source(g, { load_software: 'true', concurrency: '2' });
  const records = await collect(src, { fields: ['serialNumber', 'software'], allFields: false });
  expect(records.map((r) => r.serialNumber)).toEqual([1, 2, 3, 4, 5].map((i) => g.managedDevice(i).serialNumber));
  expect(records.map((r) => r.software)).toEqual([1, 2, 3, 4, 5].map((i) => software(g, i)));
  // Device 3 has 4 apps: two pages of 2 on beta, with $select.
  const device3 = appRequests(g).filter((p) => p.path.includes(String(g.managedDevice(3).id)));
  expect(device3.map((p) => p.path.startsWith('/beta/'))).toEqual([true, true]);
  expect(device3[0].query).toEqual({ $select: 'displayName,version,publisher' });
  expect(ctx.failures).toEqual([]);
  expect(intuneDevices.defaultMappings(settingsFrom(intuneSettings, { load_software: 'true' }))).toEqual({ APPLICATIONS: { source: 'software' } });
  expect(intuneDevices.defaultMappings(settingsFrom(intuneSettings, {}))).toEqual({});
});

test('detectedApps throttled without Retry-After: retried with backoff, nothing lost', async () => {
  const g = await graph();
  // The list pages and the first app requests pass, then two 429s without Retry-After.
  g.throttle(2, { afterPages: 3 });
  const { src, ctx, clock } = source(g, { load_software: 'true', concurrency: '1' });
  const records = await collect(src, { fields: ['software'], allFields: false });
  expect(records.map((r) => r.software)).toEqual([1, 2, 3, 4, 5].map((i) => software(g, i)));
  expect(g.pages.filter((p) => p.status === 429)).toHaveLength(2);
  // Backoff delays of the retry policy (5 ms base in tests), not rate-limit waits.
  expect(clock.sleeps).toHaveLength(2);
  expect(ctx.failures).toEqual([]);
});

test('a 429 with Retry-After on the list is waited out as asked', async () => {
  const g = await graph();
  g.throttle(1, { retryAfterSec: 7, afterPages: 1 });
  const { src, clock } = source(g);
  expect(await collect(src)).toHaveLength(5);
  expect(clock.sleeps).toEqual([7000]);
  expect(listRequests(g).map((p) => p.status)).toEqual([200, 429, 200, 200]);
});

test('a device whose apps cannot be read is reported and not sent; the others arrive', async () => {
  const g = await graph();
  g.fail(new RegExp(`${String(g.managedDevice(2).id)}/detectedApps$`));
  const { src, ctx } = source(g, { load_software: 'true' });
  const records = await collect(src, { fields: ['serialNumber', 'software'], allFields: false });
  expect(records.map((r) => r.serialNumber)).toEqual([1, 3, 4, 5].map((i) => g.managedDevice(i).serialNumber));
  expect(ctx.failures.map((f) => f.id)).toEqual([`managed device ${String(g.managedDevice(2).id)} "${String(g.managedDevice(2).deviceName)}"`]);
  expect(String(ctx.failures[0].error)).toMatch(/HTTP 500/);
});

test('a token that expires mid-run is replaced and the request sent again', async () => {
  const g = await graph();
  g.expireTokensAfterPages(1);
  const { src } = source(g, { load_software: 'true', concurrency: '1' });
  expect(await collect(src)).toHaveLength(5);
  expect(g.tokensIssued).toBe(2);
  expect(g.pages.filter((p) => p.status === 401)).toHaveLength(1);
});

test('without the Intune permission: a message naming DeviceManagementManagedDevices.Read.All, from Intune\'s own error text', async () => {
  const g = await graph({ permissions: ['User.Read.All'] });
  const error = await failureOf(source(g).src.check());
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.message).toBe(`Microsoft Graph: application "${g.clientId}" may not read Intune managed devices (HTTP 403, Forbidden: Application is not authorized to perform this operation. Application must have one of the following scopes: DeviceManagementManagedDevices.Read.All, DeviceManagementManagedDevices.ReadWrite.All): give the app registration the Microsoft Graph application permission DeviceManagementManagedDevices.Read.All (API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent`);
});

test('a tenant without Intune, and a mapping of a property managed devices do not have, are named', async () => {
  const none = await graph({ intune: false });
  const error = await failureOf(collect(source(none).src));
  expect(error.message).toBe(`Microsoft Graph: tenant "${none.tenantId}" has no Intune service (HTTP 400, BadRequest: Request not applicable to target tenant.): Intune managed devices need an active Intune licence in the tenant`);
  const g = await graph();
  const unknown = await failureOf(collect(source(g).src, { fields: ['serial_number'], allFields: false }));
  expect(unknown.message).toBe('Intune managed devices have no property "serial_number", which a mapping reads: correct the mapping (fields are the Graph managedDevice properties, e.g. serialNumber, osVersion)');
});

test('filter goes to Graph as $filter', async () => {
  const g = await graph();
  const records = await collect(source(g, { filter: "operatingSystem eq 'macOS'" }).src);
  expect(records.map((r) => r.serialNumber)).toEqual([1, 5].map((i) => g.managedDevice(i).serialNumber));
  expect(records.map((r) => r.operatingSystem)).toEqual(['macOS', 'macOS']);
  expect(listRequests(g)[0].query.$filter).toBe("operatingSystem eq 'macOS'");
});

test('check() reads one device (and its apps with load_software); an empty Intune says so', async () => {
  const g = await graph();
  const d = g.managedDevice(1);
  expect(await source(g).src.check()).toBe(`authenticated to tenant "${g.tenantId}" as application "${g.clientId}"; read managed device ${String(d.id)} "${String(d.deviceName)}" (serial number "${String(d.serialNumber)}")`);
  expect(listRequests(g)[0].query).toEqual({ $select: 'id,deviceName,serialNumber', $top: '1' });
  expect(await source(g, { load_software: 'true' }).src.check()).toMatch(/; 2 detected app\(s\)$/);
  const empty = await graph({ managedDevices: 0 });
  expect(await source(empty).src.check()).toBe(`authenticated to tenant "${empty.tenantId}" as application "${empty.clientId}"; Intune has no managed devices the application can see`);
});

test.each([
  [{ client_secret: 'wrong-secret-value' }, 'client_secret', "the client secret is wrong: use the secret's Value"],
  [{ tenant_id: 'nope.onmicrosoft.com' }, 'tenant_id', 'tenant "nope.onmicrosoft.com" was not found'],
])('a refused sign-in names the setting: %j', async (raw, key, message) => {
  const g = await graph();
  const error = await failureOf(collect(source(g, raw).src));
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).location.key).toBe(key);
  expect(error.message).toContain(`[intune_devices] ${key}: Microsoft Entra ID refused the sign-in: ${message}`);
  expect(error.message).not.toContain('wrong-secret-value');
});
