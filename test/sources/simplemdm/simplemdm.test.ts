/** [simplemdm] settings and in-process reads: the original's parsing of its settings, the record shape, paging edge cases. */
import { createSimplemdmSource, deviceType, groupOf } from '../../../src/sources/simplemdm/index.js';
import { parseDeviceGroups, parseDeviceTypes, parseTrueValue, simplemdmSettings } from '../../../src/sources/simplemdm/settings.js';
import type { RawRecord } from '../../../src/sources/types.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startTestServer, type Routes, type TestServer } from '../../support/httpTestServer.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function read(routes: Routes, extra: Record<string, string> = {}) {
  const server = await startTestServer(routes);
  servers.push(server);
  const ctx = recordingContext('simplemdm');
  const s = settingsFrom(simplemdmSettings, { url: server.url, secret_access_key: 'key-1234', ...extra });
  const out: RawRecord[] = [];
  let error: unknown;
  try {
    for await (const r of createSimplemdmSource(s, ctx).read({ fields: [], allFields: false })) out.push(r);
  } catch (err) {
    error = err;
  }
  await ctx.http.close();
  return { out, ctx, server, error };
}

test('settings: device_groups are whole numbers, device_types fall back to both, custom_attributes takes the TrueValues', () => {
  expect(parseDeviceGroups(' 1, 2 ,3')).toEqual([1, 2, 3]);
  expect(parseDeviceGroups(' , ')).toEqual([]);
  expect(() => parseDeviceGroups('1,sales')).toThrow(/whole-number ids/);
  expect(parseDeviceTypes('Computers')).toEqual(['computers']);
  expect(parseDeviceTypes('laptops')).toEqual(['computers', 'mobiledevices']);
  expect(['1', 'True', 'y', 'Yes'].map(parseTrueValue)).toEqual([true, true, true, true]);
  expect(['0', 'False', 'nope'].map(parseTrueValue)).toEqual([false, false, false]);
  expect(simplemdmSettings.device_types.default).toEqual(['computers', 'mobiledevices']);
  expect(simplemdmSettings.url.default).toBe('https://a.simplemdm.com');
});

test('type and group are read as the original did', () => {
  expect(deviceType({ attributes: { cellular_technology: null } })).toBe('computers');
  expect(deviceType({ attributes: {} })).toBe('computers');
  expect(deviceType({ attributes: { cellular_technology: 'cdma' } })).toBe('mobiledevices');
  expect(groupOf({ relationships: { device_group: { data: { id: '12' } } } })).toBe(12);
  expect(groupOf({})).toBeUndefined();
});

test('the record is the attributes plus id, software (computers) and nothing of relationships', async () => {
  const { out } = await read({
    'GET /api/v1/devices': { json: { data: [
      { type: 'device', id: 1, attributes: { name: 'mac', cellular_technology: null }, relationships: { device_group: { data: { id: 5 } } } },
      { type: 'device', id: 2, attributes: { name: 'phone', cellular_technology: 'gsm' }, relationships: { device_group: { data: { id: 5 } } } },
    ], has_more: false } },
    'GET /api/v1/devices/1/installed_apps': { json: { data: [{ id: 9, attributes: { name: 'Xcode', short_version: '15.3', version: '22618' } }], has_more: false } },
  });
  expect(out).toEqual([
    { id: 1, name: 'mac', cellular_technology: null, software: [{ name: 'Xcode', version: '15.3', path: null }] },
    { id: 2, name: 'phone', cellular_technology: 'gsm', software: [] },
  ]);
});

test('has_more with an empty page is an error naming the cursor (the original crashed with a NameError)', async () => {
  const { out, error } = await read({ 'GET /api/v1/devices': { json: { data: [], has_more: true } } });
  expect(out).toEqual([]);
  expect(String(error)).toMatch(/more pages follow \("has_more"\) but there is no cursor at "data\.-1\.id"/);
});

test('an empty secret_access_key is a config error naming it', () => {
  const ctx = recordingContext('simplemdm');
  expect(() => createSimplemdmSource(settingsFrom(simplemdmSettings, {}), ctx)).toThrow(/secret_access_key/);
});
