/** [entra_groups] against the Microsoft Graph test server (mixed member types, a nested group), in process. */
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { createEntraGroupsSource, entraGroups } from '../../../src/sources/entra_groups/index.js';
import { entraGroupsSettings } from '../../../src/sources/entra_groups/settings.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { captureLogs } from '../../http/logCapture.js';
import { startFakeMicrosoftGraph, type FakeGraph, type FakeGraphOptions } from '../../support/fakeMicrosoftGraph.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const PERMISSIONS = ['GroupMember.Read.All', 'User.Read.All', 'Device.Read.All'];
const servers: FakeGraph[] = [];
async function graph(opts: FakeGraphOptions = {}) {
  const g = await startFakeMicrosoftGraph({ permissions: PERMISSIONS, ...opts });
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGraph, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(entraGroupsSettings, {
    tenant_id: g.tenantId, client_id: g.clientId, client_secret: g.clientSecret, url: g.url, token_url: g.url, page_size: '2',
    default_role: '25', default_position: 'Employee', ...raw,
  });
  const ctx = sourceContext('entra_groups', { clock });
  return { src: createEntraGroupsSource(settings, ctx), ctx, clock };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

const entry = (g: FakeGraph, i: number) => ({ id: g.group(i).id, displayName: g.group(i).displayName, mail: g.group(i).mail });

test('users, each once with every group it is directly in; other member types skipped; members paged', async () => {
  const g = await graph();
  const logs = captureLogs();
  let records;
  try {
    records = await collect(source(g).src, { fields: ['userPrincipalName', 'memberOf', 'usageLocation'], allFields: false });
  } finally {
    logs.stop();
  }
  expect(records.map((r) => [r.userPrincipalName, r.memberOf])).toEqual([
    [g.user(1).userPrincipalName, ['IT Admins']],
    [g.user(2).userPrincipalName, ['IT Admins', 'Sales']],
    [g.user(3).userPrincipalName, ['Sales']],
    [g.user(4).userPrincipalName, ['Sales']],
    [g.user(5).userPrincipalName, ['Helpdesk']],
  ]);
  expect(records[1].groups).toEqual([entry(g, 1), entry(g, 2)]);
  // The member's Graph properties as selected (+ @odata.type), then memberOf and groups.
  const members = g.pages.filter((p) => p.path.endsWith('/members'));
  const select = members[0].query.$select.split(',');
  expect(select).toEqual(['id', 'userPrincipalName', 'displayName', 'mail', 'givenName', 'surname', 'accountEnabled', 'jobTitle', 'department', 'employeeId', 'usageLocation']);
  expect(records[0]).toEqual({
    '@odata.type': '#microsoft.graph.user', ...Object.fromEntries(select.map((p) => [p, g.user(1)[p] ?? null])), memberOf: ['IT Admins'], groups: [entry(g, 1)],
  });
  // Pages of 2 (requests of two groups interleave): IT Admins and Sales have 5 members each, Helpdesk 2, Empty none.
  const perGroup = (i: number) => members.filter((p) => p.path.includes(String(g.group(i).id))).length;
  expect([1, 2, 3, 4].map(perGroup)).toEqual([3, 3, 1, 1]);
  expect(logs.lines.map((l) => l.message)).toContain('4 group(s): 5 user(s) to send; other members skipped: 3 device, 1 servicePrincipal, 1 group, 1 orgContact');
  expect(entraGroups.variant(settingsFrom(entraGroupsSettings, {}))).toEqual({ mappingName: 'EntraGroups', dataType: 'users' });
  expect(entraGroups.defaultMappings(settingsFrom(entraGroupsSettings, {}))).toMatchObject({ USER: { source: 'userPrincipalName' }, PERMISSIONS_ID: { setting: 'default_role' } });
});

test('transitive: members of nested groups are members of the outer group too', async () => {
  const g = await graph();
  const records = await collect(source(g, { transitive: 'true' }).src);
  expect(records.map((r) => [r.id, r.memberOf])).toEqual([
    [g.user(1).id, ['IT Admins']],
    [g.user(2).id, ['IT Admins', 'Sales']],
    [g.user(5).id, ['IT Admins', 'Helpdesk']],
    [g.user(3).id, ['Sales']],
    [g.user(4).id, ['Sales']],
  ]);
  expect(g.pages.filter((p) => p.path.endsWith('/transitiveMembers'))).not.toHaveLength(0);
});

test('member_type = devices: devices as assets, with their groups; default_role not needed', async () => {
  const g = await graph();
  const { src } = source(g, { member_type: 'devices', default_role: '', default_position: '' });
  const records = await collect(src, { fields: ['displayName', 'memberOf'], allFields: false });
  expect(records.map((r) => [r.deviceId, r.memberOf])).toEqual([
    [g.device(1).deviceId, ['IT Admins']],
    [g.device(2).deviceId, ['Sales']],
    [g.device(3).deviceId, ['Helpdesk']],
  ]);
  expect(entraGroups.variant(settingsFrom(entraGroupsSettings, { member_type: 'devices' }))).toEqual({ mappingName: 'EntraGroups.Devices', dataType: 'assets' });
  expect(entraGroups.defaultMappings(settingsFrom(entraGroupsSettings, { member_type: 'devices' }))).toEqual({});
});

test('a filter chooses the groups (as an advanced query)', async () => {
  const g = await graph();
  const records = await collect(source(g, { filter: 'securityEnabled eq true' }).src);
  expect(records.map((r) => r.memberOf)).toEqual([['IT Admins'], ['IT Admins'], ['Helpdesk']]);
  const groups = g.requests.find((r) => r.path === '/v1.0/groups')!;
  expect(groups.headers.consistencylevel).toBe('eventual');
  expect(groups.query).toMatchObject({ $filter: 'securityEnabled eq true', $count: 'true', $select: 'id,displayName,mail,securityEnabled,groupTypes' });
});

test('a group whose members cannot be read stops the section before anything is sent; a deleted group is skipped', async () => {
  const g = await graph();
  g.fail(new RegExp(`${String(g.group(2).id)}/members$`));
  const error = await failureOf(collect(source(g).src));
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.message).toMatch(new RegExp(`^group ${String(g.group(2).id)} "Sales": its members cannot be read \\(.*HTTP 500.*\\); nothing is sent, as memberships would be incomplete$`));

  const g2 = await graph();
  g2.fail(new RegExp(`${String(g2.group(2).id)}/members$`), { status: 404 });
  const records = await collect(source(g2).src);
  expect(records.map((r) => r.memberOf)).toEqual([['IT Admins'], ['IT Admins'], ['Helpdesk']]);
});

test('members of a type the app may not read: a warning names the permission; a 429 is waited out', async () => {
  const g = await graph({ permissions: ['GroupMember.Read.All'] });
  g.throttle(1, { retryAfterSec: 2, afterPages: 1 });
  const logs = captureLogs();
  const { src, clock } = source(g);
  try {
    const records = await collect(src);
    expect(records[0]).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: g.user(1).id, userPrincipalName: null, memberOf: ['IT Admins'] });
  } finally {
    logs.stop();
  }
  expect(clock.sleeps).toEqual([2000]);
  expect(logs.lines.filter((l) => l.level === 'warn').map((l) => l.message)).toContain('group members of type user come back without their properties (only "@odata.type" and id): give the app registration the Microsoft Graph application permission User.Read.All');
});

test('without GroupMember.Read.All the message names it; member_type = users needs default_role', async () => {
  const g = await graph({ permissions: ['User.Read.All'] });
  expect((await failureOf(source(g).src.check())).message).toMatch(/may not read groups \(HTTP 403.*permission GroupMember\.Read\.All/);
  let error: unknown;
  try {
    source(g, { default_role: '' });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe('[entra_groups] default_role: is empty: member_type = users sends users to Oomnitza, which need a role id (e.g. 25)');
});

test('check() reads one group and its first member; no groups says so', async () => {
  const g = await graph();
  expect(await source(g).src.check()).toBe(`authenticated to tenant "${g.tenantId}" as application "${g.clientId}"; read group ${String(g.group(1).id)} "IT Admins" and its first member (#microsoft.graph.user ${String(g.user(1).id)})`);
  const empty = await graph({ groups: [] });
  expect(await source(empty).src.check()).toMatch(/; the directory has no groups the application can see$/);
});
