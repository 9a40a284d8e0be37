/** [google_mobile_devices] against the Google test server, in process. */
import { ConfigError } from '../../../src/errors.js';
import { googleMobileDevices, MOBILE_SCOPE } from '../../../src/sources/google_mobile_devices/index.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { SCOPES, startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from '../../support/fakeGoogle.js';
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

function source(g: FakeGoogle, raw: Record<string, string> = {}) {
  const settings = settingsFrom(googleMobileDevices.settings, {
    service_account_impersonate: 'admin@example.com', service_account_json_key: g.keyJson, url: g.url, token_url: g.tokenUrl, ...raw,
  });
  return googleMobileDevices.create(settings, sourceContext('google_mobile_devices', { clock: fakeClock() }));
}

test('mobile devices page by page with the mobile read-only scope; email and name stay arrays, as the original sent them', async () => {
  const g = await google({ mobileDevices: 7 });
  const records = await collect(source(g, { page_size: '3' }));
  expect(records).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => g.mobileDevice(i)));
  expect(records[3].email).toEqual(['employee4@example.com', 'shared4@example.com']);
  expect(g.pages.map((p) => [p.query.projection, p.query.maxResults, p.query.pageToken === undefined])).toEqual([['FULL', '3', true], ['FULL', '3', false], ['FULL', '3', false]]);
  expect(g.assertions.map((c) => [c.scope, c.sub])).toEqual([[MOBILE_SCOPE, 'admin@example.com']]);
  // Google's largest page is the default.
  expect(googleMobileDevices.settings.page_size.default).toBe(100);
  expect(() => googleMobileDevices.settings.page_size.parse('101')).toThrow('101 is above the maximum 100');
});

test('delegation granted for ChromeOS only: the mobile scope is refused with the client ID and the scope to add', async () => {
  const g = await google({ delegatedScopes: [SCOPES.chromeos] });
  const error = await collect(source(g)).catch((e: unknown) => e as Error);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toContain(`add client ID ${g.key.client_id} with the scope ${MOBILE_SCOPE}`);
});

test('check(): the device and its first user', async () => {
  const g = await google({ mobileDevices: 2 });
  const d = g.mobileDevice(1);
  expect(await source(g).check()).toBe(`authenticated as Google service account "${g.key.client_email}" acting as "admin@example.com"; read mobile device "${String(d.model)}" of employee1@example.com`);
});
