/**
 * Microsoft Graph sources with sync_mode = incremental, in process (upload() against the Graph test server): the
 * delta function lists everything once, its deltaLink is the watermark, the next run GETs it and reads only the
 * changed objects (removed ones are left out), a failed run keeps the old link, an expired link starts over,
 * full_sweep_every starts a new delta round, and [entra_devices] with a filter is a config error.
 */
import { loadConfig } from '../../src/config/loadConfig.js';
import { isConfigError } from '../../src/errors.js';
import { uploadInProcess } from '../helpers/uploadInProcess.js';
import { startFakeMicrosoftGraph, type FakeGraph } from '../support/fakeMicrosoftGraph.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let graph: FakeGraph;
afterEach(async () => {
  await Promise.all([oom?.close(), graph?.close()]);
});

const app = (g: FakeGraph, secretKey: string) =>
  `enable = True\ntenant_id = ${g.tenantId}\nclient_id = ${g.clientId}\n${secretKey} = ${g.clientSecret}\nurl = ${g.url}\ntoken_url = ${g.url}\n`;
const users = (g: FakeGraph, extra = '') => `${app(g, 'secret')}default_role = 25\ndefault_position = Employee\nsync_field = USER\n` +
  `mapping.USER = user_principal_name\nmapping.JOB_TITLE = additional_properties.jobTitle\nsync_mode = incremental\nfull_sweep_every = 3\n${extra}`;
const deltaPages = (from: number) => graph.pages.slice(from).filter((p) => p.path.endsWith('/delta'));

test('[azureusers]: the first run reads /users/delta in full, the second GETs the deltaLink and reads only the changes', async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ users: 5, deltaPageSize: 2 });
  const up = uploadInProcess(oom, 'azureusers', users(graph));
  let from = graph.pages.length;
  expect(await up.run()).toBe(0);
  const first = deltaPages(from);
  expect(first.map((p) => p.path)).toEqual(['/v1.0/users/delta', '/v1.0/users/delta', '/v1.0/users/delta']);
  expect(first[0].query.$select).toBeDefined();
  expect(first[0].query.$top).toBeUndefined();
  expect(oom.records('Azureusers')).toHaveLength(5);
  const saved = up.state()!;
  expect(saved.watermark).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\.0\/users\/delta\?\$deltatoken=/);

  graph.change('user', 2, { jobTitle: 'CFO' });
  graph.remove('user', 4);
  from = graph.pages.length;
  expect(await up.run()).toBe(0);
  expect(deltaPages(from)).toEqual([{ path: '/v1.0/users/delta', query: { $deltatoken: new URL(saved.watermark).searchParams.get('$deltatoken') }, status: 200 }]);
  expect(oom.records('Azureusers')).toEqual([expect.objectContaining({ USER: graph.user(2).userPrincipalName, JOB_TITLE: 'CFO' })]);
  expect(up.state()!.watermark).not.toBe(saved.watermark);
  expect(up.state()!.incrementalRuns).toBe(1);
});

test('[azureusers]: a failed push keeps the old deltaLink; the 4th run is a full sweep (full_sweep_every = 3); an expired deltaLink starts a new round', async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ users: 3 });
  const up = uploadInProcess(oom, 'azureusers', users(graph));
  expect(await up.run()).toBe(0);
  const saved = up.state()!;
  graph.change('user', 1, { jobTitle: 'CTO' });
  oom.failBulk(500, 1);
  expect(await up.run()).toBe(1);
  expect(up.state()).toEqual(saved);

  // The same change is read again from the old link.
  expect(await up.run()).toBe(0);
  expect(oom.records('Azureusers').map((r) => r.JOB_TITLE)).toEqual(['CTO']);
  // Complete run 3 reads the changes; run 4 (full_sweep_every = 3: one in three) a new delta round without a token.
  expect(await up.run()).toBe(0);
  expect(up.state()!.incrementalRuns).toBe(2);
  let from = graph.pages.length;
  expect(await up.run()).toBe(0);
  expect(deltaPages(from)[0].query.$deltatoken).toBeUndefined();
  expect(oom.records('Azureusers')).toHaveLength(3);

  graph.expireDeltaTokens();
  from = graph.pages.length;
  expect(await up.run()).toBe(0);
  expect(deltaPages(from).map((p) => p.status)).toEqual([410, 200]);
  expect(oom.records('Azureusers')).toHaveLength(3);
});

test('the test server refuses a malformed delta token and a $filter on delta', async () => {
  graph = await startFakeMicrosoftGraph({ users: 1, permissions: ['User.Read.All'] });
  oom = await startFakeOomnitza();
  const up = uploadInProcess(oom, 'azureusers', users(graph));
  expect(await up.run()).toBe(0);
  const token = await fetch(`${graph.url}/${graph.tenantId}/oauth2/v2.0/token`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: graph.clientId, client_secret: graph.clientSecret, scope: 'https://graph.microsoft.com/.default' }),
  }).then((r) => r.json() as Promise<{ access_token: string }>);
  const get = (q: string) => fetch(`${graph.url}/v1.0/users/delta?${q}`, { headers: { authorization: `Bearer ${token.access_token}` } });
  expect((await get('$deltatoken=not-ours')).status).toBe(400);
  expect((await get('$filter=accountEnabled%20eq%20true')).status).toBe(400);
});

test('[entra_devices]: /devices/delta, only changed devices (with their owners) the second time', async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({ devices: 4, permissions: ['Device.Read.All', 'User.Read.All'] });
  const up = uploadInProcess(oom, 'entra_devices', `${app(graph, 'client_secret')}load_owners = True\nsync_field = NAME\n` +
    'mapping.NAME = displayName\nmapping.OS_VERSION = operatingSystemVersion\nmapping.OWNER = owners.0.userPrincipalName\nsync_mode = incremental\n');
  expect(await up.run()).toBe(0);
  expect(oom.records('EntraDevices')).toHaveLength(4);
  graph.change('device', 3, { operatingSystemVersion: '10.0.26100.1' });
  const from = graph.pages.length;
  expect(await up.run()).toBe(0);
  expect(oom.records('EntraDevices')).toEqual([expect.objectContaining({ NAME: graph.device(3).displayName, OS_VERSION: '10.0.26100.1' })]);
  expect(graph.pages.slice(from).map((p) => p.path)).toEqual(['/v1.0/devices/delta', `/v1.0/devices/${String(graph.device(3).id)}/registeredOwners`]);
});

test('sync_mode = incremental is a config error (file:line) on a source that cannot, and on [entra_devices] with a filter', async () => {
  oom = await startFakeOomnitza();
  graph = await startFakeMicrosoftGraph({});
  const up = uploadInProcess(oom, 'entra_devices', `${app(graph, 'client_secret')}filter = startswith(displayName,'PC')\nsync_mode = incremental\n`);
  const err = await loadConfig(up.ini, { sections: ['entra_devices'], requireEnabled: true }).catch((e: unknown) => e);
  expect(isConfigError(err)).toBe(true);
  expect(String((err as Error).message)).toMatch(/config\.ini:14: \[entra_devices\] sync_mode: sync_mode = incremental: cannot be combined with filter/);
  const csv = uploadInProcess(oom, 'intune_devices', `${app(graph, 'client_secret')}sync_mode = incremental\n`);
  const err2 = await loadConfig(csv.ini, { sections: ['intune_devices'], requireEnabled: true }).catch((e: unknown) => e);
  expect(String((err2 as Error).message)).toMatch(/config\.ini:13: \[intune_devices\] sync_mode: sync_mode = incremental: \[intune_devices\] cannot read incrementally .*sources that can: azureusers, entra_devices, okta, servicenow, servicenow_cmdb/);
});
