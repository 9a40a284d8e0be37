/** [workspaceone_devicesoftware] in-process on small servers: failures per app and per device, devices without a Uuid, the filters. */
import { createWorkspaceOneSoftwareSource } from '../../../src/sources/workspaceone_devicesoftware/index.js';
import { workspaceOneSoftwareSettings } from '../../../src/sources/workspaceone_devicesoftware/settings.js';
import type { RawRecord } from '../../../src/sources/types.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startTestServer, type Routes, type TestServer } from '../../support/httpTestServer.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function read(routes: Routes, extra: Record<string, string> = {}) {
  const server = await startTestServer({
    'POST /connect/token': { json: { access_token: 'tok-1', expires_in: 3600, token_type: 'Bearer' } },
    ...routes,
  });
  servers.push(server);
  const ctx = recordingContext('ws1');
  const s = settingsFrom(workspaceOneSoftwareSettings, { url: server.url, client_id: 'c', client_secret: 's', token_url: `${server.url}/connect/token`, concurrency: '2', ...extra });
  const out: RawRecord[] = [];
  let error: Error | undefined;
  try {
    for await (const r of createWorkspaceOneSoftwareSource(s, ctx).read({ fields: ['software'], allFields: false })) out.push(r);
  } catch (err) {
    error = err as Error;
  }
  await ctx.http.close();
  return { out, error, failures: ctx.failures.map((f) => `${f.id}: ${(f.error as Error).message}`), server };
}

const devices = (list: unknown[]) => [{ json: { Devices: list } }, { status: 204 }];
const catalogue = (apps: unknown[]) => [{ json: { Application: apps } }, { status: 204 }];

test('managed: an app whose devices cannot be read is reported by name; the devices still arrive with the other apps', async () => {
  const { out, failures, error } = await read({
    'GET /api/mam/apps/search': catalogue([
      { Uuid: 'app-1', ApplicationName: 'Good', AppVersion: null, BundleId: 'com.example.good' },
      { Uuid: 'app-2', ApplicationName: 'Broken', AppVersion: '2.0', BundleId: 'com.example.broken' },
    ]),
    'GET /api/mam/apps/app-1/devices': { json: { devices: [{ device_uuid: 'd-1' }, { device_uuid: 'd-2' }] } },
    'GET /api/mam/apps/app-2/devices': { status: 400, json: { errorCode: 400, message: 'Invalid application.' } },
    'GET /api/mdm/devices/search': devices([{ Uuid: 'd-1', SerialNumber: 'S1' }, { Uuid: { Value: 'd-2' } }, { SerialNumber: 'no-uuid' }]),
  }, { apps_scope: 'managed' });
  expect(error).toBeUndefined();
  // A null AppVersion stays null without default_versioning, as the original's dict.get kept it.
  const good = { name: 'Good', version: null, bundle_id: 'com.example.good', path: null };
  expect(out).toEqual([
    { Uuid: 'd-1', SerialNumber: 'S1', software: [good] },
    { Uuid: { Value: 'd-2' }, software: [good] },
    { SerialNumber: 'no-uuid', software: [] },
  ]);
  expect(failures).toEqual([expect.stringMatching(/^app "Broken" \(app-2\): .*HTTP 400: Invalid application\. \(errorCode 400\)/)]);
});

test('installed: a device without a Uuid is reported (its apps cannot be asked for); the others arrive', async () => {
  const { out, failures } = await read({
    'GET /api/mdm/devices/search': devices([{ Uuid: 'd-1', SerialNumber: 'S1' }, { Id: { Value: 7 }, SerialNumber: 'S7' }]),
    'GET /api/mdm/devices/d-1/apps/search': [{ json: { app_items: [{ name: 'Tool', installed_version: '', bundle_id: 'com.example.tool' }] } }, { json: { app_items: [] } }],
  }, { apps_scope: 'installed', default_versioning: 'True' });
  expect(out).toEqual([{ Uuid: 'd-1', SerialNumber: 'S1', software: [{ version: '0.0', name: 'Tool', bundle_id: 'com.example.tool', path: null }] }]);
  expect(failures).toEqual(['device id 7 (serial "S7"): Workspace ONE UEM sent this device without a Uuid: its installed apps cannot be read']);
});

test('a 403 on the apps of a device ends the read with the permission to grant, instead of failing every device', async () => {
  const denied = { status: 403, json: { errorCode: 1001, message: 'Access is denied for this resource.' } };
  const { out, failures, error } = await read({
    'GET /api/mdm/devices/search': devices(Array.from({ length: 6 }, (_, i) => ({ Uuid: `d-${i}` }))),
    ...Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`GET /api/mdm/devices/d-${i}/apps/search`, denied])),
  }, { apps_scope: 'installed' });
  expect(out).toEqual([]);
  expect(failures).toEqual([]);
  expect(error?.message).toMatch(/Workspace ONE UEM: OAuth client "c" may not read \/api\/mdm\/devices\/d-0\/apps\/search \(HTTP 403: Access is denied for this resource\. \(errorCode 1001\)\): give its admin role the permission REST API > Devices \(read\)/);
});

test('all: managed apps first, then installed ones, no de-duplication (as the original); ignore_apple drops com.apple. bundles of both', async () => {
  const { out } = await read({
    'GET /api/mam/apps/search': catalogue([
      { Uuid: 'app-1', ApplicationName: 'Corp', AppVersion: '1.0', BundleId: 'com.example.corp' },
      { Uuid: 'app-2', ApplicationName: 'Pages', AppVersion: '14', BundleId: 'com.apple.Pages' },
    ]),
    'GET /api/mam/apps/app-1/devices': { json: { devices: [{ device_uuid: 'd-1' }] } },
    'GET /api/mam/apps/app-2/devices': { json: { devices: [{ device_uuid: 'd-1' }] } },
    'GET /api/mdm/devices/search': devices([{ Uuid: 'd-1' }]),
    'GET /api/mdm/devices/d-1/apps/search': [{ json: { app_items: [
      { name: 'Corp', installed_version: '1.0', bundle_id: 'com.example.corp' },
      { name: 'Safari', installed_version: '17', bundle_id: 'com.apple.mobilesafari' },
    ] } }, { status: 204 }],
  }, { ignore_apple: 'True' });
  expect(out).toEqual([{ Uuid: 'd-1', software: [
    { name: 'Corp', version: '1.0', bundle_id: 'com.example.corp', path: null },
    { version: '1.0', name: 'Corp', bundle_id: 'com.example.corp', path: null },
  ] }]);
});
