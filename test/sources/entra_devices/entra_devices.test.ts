/** [entra_devices] against the Microsoft Graph test server, in process. */
import { PermanentError } from '../../../src/errors.js';
import { createEntraDevicesSource, entraDevices } from '../../../src/sources/entra_devices/index.js';
import { BASE_PROPERTIES, MORE_PROPERTIES } from '../../../src/sources/entra_devices/fields.js';
import { entraDevicesSettings } from '../../../src/sources/entra_devices/settings.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { captureLogs } from '../../http/logCapture.js';
import { DEVICE_PROPERTIES } from '../../support/fakeGraphData.js';
import { startFakeMicrosoftGraph, type FakeGraph, type FakeGraphOptions } from '../../support/fakeMicrosoftGraph.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const servers: FakeGraph[] = [];
async function graph(opts: FakeGraphOptions = {}) {
  const g = await startFakeMicrosoftGraph({ permissions: ['Device.Read.All', 'User.Read.All'], devices: 5, owners: { 2: ['user:2', 'sp:1'], 4: [] }, ...opts });
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGraph, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(entraDevicesSettings, {
    tenant_id: g.tenantId, client_id: g.clientId, client_secret: g.clientSecret, url: g.url, token_url: g.url, page_size: '2', ...raw,
  });
  const ctx = sourceContext('entra_devices', { clock });
  return { src: createEntraDevicesSource(settings, ctx), ctx, clock };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

const listRequests = (g: FakeGraph) => g.pages.filter((p) => p.path === '/v1.0/devices');
const owner = (o: Record<string, unknown>) => ({ '@odata.type': o['@odata.type'], id: o.id, displayName: o.displayName ?? null, userPrincipalName: o.userPrincipalName ?? null, mail: o.mail ?? null });

test('every page of devices with $top and $select; the record is the Graph device', async () => {
  const g = await graph();
  const records = await collect(source(g).src, { fields: ['displayName', 'extensionAttributes.extensionAttribute1', 'owners.0.userPrincipalName'], allFields: false });
  expect(records.map((r) => r.deviceId)).toEqual([1, 2, 3, 4, 5].map((i) => g.device(i).deviceId));
  expect(listRequests(g).map((p) => Object.keys(p.query).sort())).toEqual([['$select', '$top'], ['$select', '$skiptoken', '$top'], ['$select', '$skiptoken', '$top']]);
  const select = listRequests(g)[0].query.$select.split(',');
  // owners is the source's own key, not a Graph property.
  expect(select).toEqual([...BASE_PROPERTIES, 'extensionAttributes']);
  expect(records[0]).toEqual(Object.fromEntries(select.map((p) => [p, g.device(1)[p] ?? null])));
  expect(g.pages).toHaveLength(3);
  const all = await graph();
  await collect(source(all).src, { fields: [], allFields: true });
  expect(listRequests(all)[0].query.$select.split(',')).toEqual([...BASE_PROPERTIES, ...MORE_PROPERTIES]);
  expect([...BASE_PROPERTIES, ...MORE_PROPERTIES].filter((p) => !DEVICE_PROPERTIES.includes(p))).toEqual([]);
});

test('a filter is sent as an advanced query (ConsistencyLevel: eventual, $count=true), so endsWith works', async () => {
  const g = await graph();
  const records = await collect(source(g, { filter: "endswith(displayName,'-0003')" }).src);
  expect(records.map((r) => r.displayName)).toEqual([g.device(3).displayName]);
  const request = g.requests.find((r) => r.path === '/v1.0/devices')!;
  expect(request.headers.consistencylevel).toBe('eventual');
  expect(request.query).toMatchObject({ $filter: "endswith(displayName,'-0003')", $count: 'true' });
});

test('load_owners: each device\'s registered owners, mixed types, paged', async () => {
  const g = await graph();
  const { src, ctx } = source(g, { load_owners: 'true', concurrency: '3' });
  const records = await collect(src, { fields: ['owners'], allFields: false });
  expect(records.map((r) => r.owners)).toEqual([
    [owner(g.object('user:1'))],
    [owner(g.object('user:2')), { ...owner(g.object('sp:1')), displayName: null }],
    [owner(g.object('user:3'))],
    [],
    [owner(g.object('user:5'))],
  ]);
  // Without Application.Read.All a service principal owner is "limited information": its type and id.
  expect((records[1].owners as Array<Record<string, unknown>>)[1]).toEqual({ '@odata.type': '#microsoft.graph.servicePrincipal', id: g.object('sp:1').id, displayName: null, userPrincipalName: null, mail: null });
  const owners = g.pages.filter((p) => p.path.endsWith('/registeredOwners'));
  expect(owners).toHaveLength(5);
  expect(owners[0].query).toEqual({ $select: 'id,displayName,userPrincipalName,mail' });
  expect(ctx.failures).toEqual([]);
  expect(entraDevices.defaultMappings(settingsFrom(entraDevicesSettings, {}))).toEqual({});
});

test('owners without User.Read.All come back as ids only: a warning names the permission', async () => {
  const g = await graph({ permissions: ['Device.Read.All'] });
  const logs = captureLogs();
  try {
    const records = await collect(source(g, { load_owners: 'true' }).src);
    expect(records[0].owners).toEqual([{ '@odata.type': '#microsoft.graph.user', id: g.user(1).id, displayName: null, userPrincipalName: null, mail: null }]);
  } finally {
    logs.stop();
  }
  const warnings = logs.lines.filter((l) => l.level === 'warn' && l.message.includes('registered owners'));
  expect(warnings.map((w) => w.message)).toEqual(['registered owners come back without their names (only "@odata.type" and id): give the app registration the Microsoft Graph application permission User.Read.All']);
});

test('a device whose owners cannot be read is reported; the others arrive; a 429 mid-run is waited out', async () => {
  const g = await graph();
  g.fail(new RegExp(`${String(g.device(3).id)}/registeredOwners$`));
  g.throttle(1, { retryAfterSec: 3, afterPages: 2 });
  const { src, ctx, clock } = source(g, { load_owners: 'true', concurrency: '1' });
  const records = await collect(src);
  expect(records.map((r) => r.id)).toEqual([1, 2, 4, 5].map((i) => g.device(i).id));
  expect(ctx.failures.map((f) => f.id)).toEqual([`device ${String(g.device(3).id)} "${String(g.device(3).displayName)}"`]);
  expect(clock.sleeps).toContain(3000);
});

test('without Device.Read.All: the message names it, and the fan-out stops at once instead of failing every device', async () => {
  const g = await graph({ permissions: ['User.Read.All'] });
  const error = await failureOf(collect(source(g).src));
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.message).toBe(`Microsoft Graph: application "${g.clientId}" may not read devices (HTTP 403, Authorization_RequestDenied: Insufficient privileges to complete the operation.): give the app registration the Microsoft Graph application permission Device.Read.All (API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent`);
});

test('a 403 on one device\'s owners stops the read: a missing permission would fail every device alike', async () => {
  const g = await graph();
  g.fail(/registeredOwners$/, { status: 403 });
  const { src, ctx } = source(g, { load_owners: 'true', concurrency: '2' });
  const error = await failureOf(collect(src));
  expect(error.message).toMatch(/may not read the registered owners of devices \(HTTP 403, UnknownError\): give the app registration the Microsoft Graph application permission Device\.Read\.All/);
  expect(ctx.failures).toEqual([]);
});

test('check() reads one device (with its owners under load_owners); an empty directory says so', async () => {
  const g = await graph();
  const d = g.device(1);
  expect(await source(g).src.check()).toBe(`authenticated to tenant "${g.tenantId}" as application "${g.clientId}"; read device ${String(d.id)} "${String(d.displayName)}"`);
  expect(await source(g, { load_owners: 'true' }).src.check()).toMatch(/; 1 registered owner\(s\)$/);
  const empty = await graph({ devices: 0 });
  expect(await source(empty).src.check()).toMatch(/; the directory has no devices the application can see$/);
});
