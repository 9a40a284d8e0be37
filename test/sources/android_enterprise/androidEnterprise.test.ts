/** [android_enterprise] against the Google test server, in process. */
import { ConfigError } from '../../../src/errors.js';
import { androidEnterprise, ANDROID_MANAGEMENT_SCOPE } from '../../../src/sources/android_enterprise/index.js';
import { softwareOf, toRecord } from '../../../src/sources/android_enterprise/record.js';
import { parseEnterpriseId } from '../../../src/sources/android_enterprise/settings.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { GOOGLE_AUDIENCE, startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from '../../support/fakeGoogle.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const servers: FakeGoogle[] = [];
async function google(opts: FakeGoogleOptions = {}) {
  const g = await startFakeGoogle(opts);
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGoogle, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(androidEnterprise.settings, {
    service_account_json_key: g.keyJson, enterprise_id: g.enterpriseId, url: g.url, token_url: g.tokenUrl, ...raw,
  });
  return { src: androidEnterprise.create(settings, sourceContext('android_enterprise', { clock })), clock };
}

test('every device of the enterprise in pages of 100, as the API returns it plus software; no delegation', async () => {
  const g = await google({ androidDevices: 250 });
  const records = await collect(source(g).src);
  expect(records).toHaveLength(250);
  expect(records).toEqual(Array.from({ length: 250 }, (_, k) => toRecord(g.androidDevice(k + 1))));
  expect(g.pages.map((p) => p.query.pageSize)).toEqual(['100', '100', '100']);
  expect(g.pages[0].query.pageToken).toBeUndefined();
  expect(g.requests.filter((r) => r.path.startsWith('/v1/')).map((r) => r.path)).toEqual(Array(3).fill(`/v1/enterprises/${g.enterpriseId}/devices`));
  // The project's own service account: no sub, the API's only scope.
  expect(g.assertions).toEqual([{ iss: g.key.client_email, scope: ANDROID_MANAGEMENT_SCOPE, aud: GOOGLE_AUDIENCE, iat: expect.any(Number), exp: expect.any(Number) }]);
});

test('software: installed apps of applicationReports, named by display name or package; removed ones left out', () => {
  expect(softwareOf([
    { packageName: 'com.google.android.apps.docs', displayName: 'Drive', versionName: '2.24.101', state: 'INSTALLED' },
    { packageName: 'com.example.timesheet', versionName: '1.3', state: 'INSTALLED' },
    { packageName: 'com.example.old', displayName: 'Old', versionName: '0.9', state: 'REMOVED' },
    { packageName: 'com.example.noversion' },
  ])).toEqual([
    { name: 'Drive', version: '2.24.101', path: null, bundle_id: 'com.google.android.apps.docs' },
    { name: 'com.example.timesheet', version: '1.3', path: null, bundle_id: 'com.example.timesheet' },
    { name: 'com.example.noversion', version: null, path: null, bundle_id: 'com.example.noversion' },
  ]);
  // A policy without application reports: no applicationReports, an empty list (not a missing field).
  expect(toRecord({ name: 'enterprises/E/devices/1' })).toEqual({ name: 'enterprises/E/devices/1', software: [] });
  expect(androidEnterprise.defaultMappings({} as never)).toEqual({ APPLICATIONS: { source: 'software' } });
});

test('a personally owned device reports what Android lets a work profile see', async () => {
  const g = await google({ androidDevices: 3 });
  const [, , personal] = await collect(source(g).src);
  expect(personal).toMatchObject({ ownership: 'PERSONALLY_OWNED', managementMode: 'PROFILE_OWNER' });
  const hw = personal.hardwareInfo as Record<string, unknown>;
  expect(hw.serialNumber).toBe(hw.enterpriseSpecificId);
  expect((personal.networkInfo as Record<string, unknown>).imei).toBeUndefined();
});

test.each([
  ['LC01k9x3qa', 'LC01k9x3qa'],
  ['enterprises/LC01k9x3qa', 'LC01k9x3qa'],
  [' enterprises/LC01k9x3qa/ ', 'LC01k9x3qa'],
])('enterprise_id %j is %j', (raw, id) => expect(parseEnterpriseId(raw)).toBe(id));

test.each(['enterprises/LC01/devices', 'LC01 k9', '../LC01'])('enterprise_id %j is refused when the config loads', (raw) => {
  expect(() => parseEnterpriseId(raw)).toThrow(`"${raw}" is not an enterprise ID (e.g. LC00abc123 or enterprises/LC00abc123)`);
});

test('an enterprise of another project, a disabled API and a 429 mid-run', async () => {
  const g = await google({ androidDevices: 150 });
  const other = await collect(source(g, { enterprise_id: 'LC99zzzzzz' }).src).catch((e: unknown) => e as Error);
  expect(other).toBeInstanceOf(ConfigError);
  expect((other as Error).message).toBe(`[android_enterprise] enterprise_id: service account "${g.key.client_email}" may not read enterprises/LC99zzzzzz ` +
    '(HTTP 403: PERMISSION_DENIED: Caller is not authorized to manage enterprise.): the enterprise must have been created by Google Cloud project "oomnitza-sync-415210", ' +
    'and the service account needs the role Android Management User (roles/androidmanagement.user) in that project');

  const disabled = await collect(source(await google({ disabledApis: ['androidmanagement.googleapis.com'] })).src).catch((e: unknown) => e as Error);
  expect((disabled as Error).message).toMatch(/^\[android_enterprise\] service_account_json_key: the Android Management API is not enabled in Google Cloud project "oomnitza-sync-415210" \(HTTP 403: SERVICE_DISABLED: Android Management API has not been used/);

  g.throttle(1, { afterPages: 1, retryAfterSec: 2 });
  const { src, clock } = source(g);
  expect(await collect(src)).toHaveLength(150);
  expect(clock.sleeps).toEqual([2000]);
});

test('check(): a device with its model and ownership; an enterprise without devices', async () => {
  const g = await google({ androidDevices: 2 });
  expect(await source(g).src.check()).toBe(`authenticated as Google service account "${g.key.client_email}"; read device "${String(g.androidDevice(1).name)}" of enterprises/${g.enterpriseId} (Pixel 8, COMPANY_OWNED)`);
  expect(g.pages[0].query).toEqual({ pageSize: '1' });
  expect(await source(await google({ androidDevices: 0 })).src.check()).toMatch(/; enterprises\/LC01k9x3qa has no devices$/);
});
