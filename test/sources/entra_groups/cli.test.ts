/** End to end: the built CLI reads group memberships from the Microsoft Graph test server and pushes users (or devices). */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeMicrosoftGraph, type FakeGraph } from '../../support/fakeMicrosoftGraph.js';

/** Each test runs the CLI once or twice; on a busy machine one run can take many seconds. */
const CLI_TIMEOUT_MS = 90_000;

const PERMISSIONS = ['GroupMember.Read.All', 'User.Read.All', 'Device.Read.All'];
let oom: FakeOomnitza;
let graph: FakeGraph;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ permissions: PERMISSIONS });
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

const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;

async function run(command: 'upload' | 'test', ini: string, sections: string[]) {
  return runCli([command, ...sections, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
}

test('users with their groups (nested ones too), default mappings and the memberOf converter; devices as assets', async () => {
  graph.throttle(1, { retryAfterSec: 1, afterPages: 3 });
  graph.expireTokensAfterPages(5);
  const users = `page_size = 2
transitive = True
concurrency = 1
default_role = 25
default_position = Employee
sync_field = USER
mapping.ROLE = {"source": "memberOf", "converter": "memberOf:IT Admins=Administrator|Sales=Sales|default=Staff"}
mapping.GROUPS = memberOf`;
  const devices = `member_type = devices
sync_field = NAME
mapping.NAME = displayName
mapping.GROUPS = memberOf`;
  const res = await run('upload', config(section('entra_groups', graph, users), section('entra_groups.devices', graph, devices)), ['entra_groups', 'entra_groups.devices']);
  expect(res.code).toBe(0);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 1 s as the server asks/);
  const user = (i: number, role: string, groups: string[]) => {
    const u = graph.user(i);
    return { USER: u.userPrincipalName, EMAIL: u.mail, FIRST_NAME: u.givenName, LAST_NAME: u.surname, PERMISSIONS_ID: '25', ROLE: role, GROUPS: groups, POSITION: 'Employee' };
  };
  const pushed = oom.records('EntraGroups');
  expect(pushed).toEqual([
    user(1, 'Administrator', ['IT Admins']),
    user(2, 'Administrator', ['IT Admins', 'Sales']),
    user(5, 'Administrator', ['IT Admins', 'Helpdesk']),
    user(3, 'Sales', ['Sales']),
    user(4, 'Sales', ['Sales']),
  ]);
  expect(oom.records('EntraGroups.Devices')).toEqual([
    { NAME: graph.device(1).displayName, GROUPS: ['IT Admins'] },
    { NAME: graph.device(2).displayName, GROUPS: ['Sales'] },
    { NAME: graph.device(3).displayName, GROUPS: ['Helpdesk'] },
  ]);
  const kinds = Object.fromEntries(oom.bulkRequests.map((b) => [b.connector_name, b.data_type]));
  expect(kinds).toEqual({ EntraGroups: 'users', 'EntraGroups.Devices': 'assets' });
  expect(graph.tokensIssued).toBeGreaterThanOrEqual(2);
}, CLI_TIMEOUT_MS);

test('a group whose members cannot be read stops the section, nothing sent, exit 1; connector test reads a group', async () => {
  graph.fail(new RegExp(`${String(graph.group(3).id)}/members$`), { status: 403 });
  const res = await run('upload', config(section('entra_groups', graph, 'default_role = 25\ndefault_position = Employee\nsync_field = USER')), ['entra_groups']);
  expect(res.code).toBe(1);
  expect(oom.records('EntraGroups')).toEqual([]);
  expect(res.stderr).toMatch(/may not read group members \(HTTP 403.*GroupMember\.Read\.All/);

  const check = await run('test', config(section('entra_groups', graph, 'default_role = 25\ndefault_position = Employee')), ['entra_groups']);
  expect(check.stdout).toContain(`OK     [entra_groups] authenticated to tenant "${graph.tenantId}" as application "${graph.clientId}"; read group ${String(graph.group(1).id)} "IT Admins" and its first member`);
  expect(check.code).toBe(0);
}, CLI_TIMEOUT_MS);
