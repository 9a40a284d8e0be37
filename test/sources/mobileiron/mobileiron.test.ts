/** [mobileiron] in-process: settings as the original read them, partition matching (KEEP), the check-in cutoff on a fixed clock, hardware fields. */
import { createMobileironSource } from '../../../src/sources/mobileiron/index.js';
import { parseApiVersion, parseStrtobool, mobileironSettings } from '../../../src/sources/mobileiron/settings.js';
import { checkedInSince, partitionWanted } from '../../../src/sources/mobileiron/v1.js';
import type { RawRecord } from '../../../src/sources/types.js';
import { recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeMobileIron } from '../../support/fakeMobileIron.js';
import { startTestServer } from '../../support/httpTestServer.js';

test('settings: api_version "2" is Core and anything else v1; strtobool; the latest release\'s defaults', () => {
  expect([parseApiVersion('2'), parseApiVersion('1'), parseApiVersion('v2')]).toEqual([2, 1, 1]);
  expect(['t', 'Yes', '1'].map(parseStrtobool)).toEqual([true, true, true]);
  expect(['f', 'No', '0'].map(parseStrtobool)).toEqual([false, false, false]);
  expect(() => parseStrtobool('maybe')).toThrow(/neither true nor false/);
  const s = settingsFrom(mobileironSettings, {});
  expect([s.url, s.partitions, s.api_version, s.include_checkin_devices_only, s.last_checkin_date_threshold]).toEqual(['https://na1.mobileiron.com', '["Drivers"]', 1, true, 129600]);
});

test('partitions match as in the original (KEEP): "All", or the name appears anywhere in the setting text', () => {
  expect(partitionWanted('All', 'Drivers')).toBe(true);
  expect(partitionWanted('["Drivers"]', 'Drivers')).toBe(true);
  expect(partitionWanted('["Drivers"]', 'Driver')).toBe(true);
  expect(partitionWanted('["Drivers"]', 'Sales')).toBe(false);
  expect(partitionWanted('all', 'Sales')).toBe(false);
});

test('check-in cutoff: whole-number epoch ms at or after the cutoff', () => {
  expect(checkedInSince({ lastCheckin: 1000 }, 1000)).toBe(true);
  expect(checkedInSince({ lastCheckin: 999 }, 1000)).toBe(false);
  expect(checkedInSince({ lastCheckin: '2000' }, 1000)).toBe(false);
  expect(checkedInSince({}, undefined)).toBe(true);
});

test('the threshold follows the clock: a device just past it is left out', async () => {
  const mi = await startFakeMobileIron({ now: 10_000_000_000, partitions: [{ id: 7, name: 'Drivers', recent: 3, stale: 2 }] });
  const ctx = recordingContext('mobileiron');
  const s = settingsFrom(mobileironSettings, { url: mi.url, username: mi.username, password: mi.password, last_checkin_date_threshold: '150' });
  const out: RawRecord[] = [];
  for await (const r of createMobileironSource(s, ctx, { now: () => 10_000_000_000 + 30_000 }).read({ fields: [], allFields: false })) out.push(r);
  // Device k checked in k minutes before the reference time: at +30 s, devices 1 and 2 (90 s, 150 s old) are within 150 s.
  expect(out.map((d) => d.id)).toEqual([700001, 700002]);
  expect(out[0]).toMatchObject({ primaryHDDSize: null, primaryProcessorName: null, primaryProcessorCores: null, primaryMemoryCapacity: null });
  await ctx.http.close();
  await mi.close();
});

test('a Windows inventory without computerSystemProduct keeps the serial number; a 404 inventory keeps the placeholders', async () => {
  const server = await startTestServer({
    'GET /api/v1/tenant/partition/device': { json: { errors: null, result: { searchResults: [{ id: 1, name: 'Drivers' }] } } },
    'GET /api/v1/device': { json: { errors: null, result: { searchResults: [
      { id: 11, serialNumber: 'S11', windowsDeviceType: 'DESKTOP', lastCheckin: 1 },
      { id: 12, serialNumber: 'S12', windowsDeviceType: 'DESKTOP', lastCheckin: 1 },
    ], totalCount: 2 } } },
    'GET /api/v1/device/11/hardwareinventory': { json: { errors: null, result: { processor: [{ name: 'Xeon', cores: 8 }], hardDrive: [], physicalMemory: [{ capacity: 8 }] } } },
    'GET /api/v1/device/12/hardwareinventory': { status: 404, json: { errors: { globalErrors: [{ message: 'not found' }] }, result: null } },
  });
  const ctx = recordingContext('mobileiron');
  const s = settingsFrom(mobileironSettings, { url: server.url, username: 'u', password: 'p-1234', include_checkin_devices_only: 'False' });
  const out: RawRecord[] = [];
  for await (const r of createMobileironSource(s, ctx).read({ fields: [], allFields: false })) out.push(r);
  expect(out).toEqual([
    { id: 11, serialNumber: 'S11', windowsDeviceType: 'DESKTOP', lastCheckin: 1, primaryHDDSize: null, primaryProcessorName: 'Xeon', primaryProcessorCores: 8, primaryMemoryCapacity: 8 },
    { id: 12, serialNumber: 'S12', windowsDeviceType: 'DESKTOP', lastCheckin: 1, primaryHDDSize: null, primaryProcessorName: null, primaryProcessorCores: null, primaryMemoryCapacity: null },
  ]);
  expect(ctx.failures).toEqual([]);
  await ctx.http.close();
  await server.close();
});

test('no username (and no authorization_settings) is a config error; authorization_settings replaces Basic', async () => {
  const ctx = recordingContext('mobileiron');
  expect(() => createMobileironSource(settingsFrom(mobileironSettings, {}), ctx)).toThrow(/username/);
  const server = await startTestServer({ 'GET /api/v1/tenant/partition/device': { json: { errors: null, result: { searchResults: [] } } } });
  const s = settingsFrom(mobileironSettings, { url: server.url, authorization_settings: '{"Authorization": "Basic bWFuYWdlZDpzZWNyZXQ="}' });
  const out: RawRecord[] = [];
  for await (const r of createMobileironSource(s, ctx).read({ fields: [], allFields: false })) out.push(r);
  expect(out).toEqual([]);
  expect(server.requests[0].headers.authorization).toBe('Basic bWFuYWdlZDpzZWNyZXQ=');
  await ctx.http.close();
  await server.close();
});
