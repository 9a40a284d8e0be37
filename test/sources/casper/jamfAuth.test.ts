import { JamfAuth } from '../../../src/sources/casper/jamfApi.js';
import { subsetsFor } from '../../../src/sources/casper/mappings.js';
import { HttpClient } from '../../../src/http/client.js';
import { getLogger } from '../../../src/logging.js';
import { startFakeJamf, type FakeJamf } from '../../support/fakeJamf.js';

describe('subsetsFor', () => {
  test('maps top-level keys to Classic API subset names, in Jamf order, General always included', () => {
    expect(subsetsFor('computers', { fields: ['purchasing.po_date', 'location.username'], allFields: false, converters: [] }))
      .toEqual(['General', 'Location', 'Purchasing']);
    expect(subsetsFor('mobiledevices', { fields: ['network.imei', 'mobile_device_groups'], allFields: false, converters: ['date_format'] }))
      .toEqual(['General', 'Network', 'MobileDeviceGroups']);
  });

  test('ExtensionAttributes follows the casper_extension_attribute converter, or is added when converters are unknown', () => {
    const fields = ['general.name'];
    expect(subsetsFor('computers', { fields, allFields: false, converters: ['casper_extension_attribute:attr=Cost Center'] }))
      .toEqual(['General', 'ExtensionAttributes']);
    expect(subsetsFor('computers', { fields, allFields: false })).toEqual(['General', 'ExtensionAttributes']);
    expect(subsetsFor('computers', { fields, allFields: false, converters: [] })).toEqual(['General']);
  });

  test('a mobile-only key on computers, an unknown key, or allFields means the whole record', () => {
    expect(subsetsFor('computers', { fields: ['network.imei'], allFields: false })).toBeUndefined();
    expect(subsetsFor('computers', { fields: ['serial'], allFields: false })).toBeUndefined();
    expect(subsetsFor('computers', { fields: ['general.name'], allFields: true })).toBeUndefined();
  });
});

describe('JamfAuth token life cycle', () => {
  let server: FakeJamf;
  let http: HttpClient;
  let clock = 0;
  const now = () => clock;
  const log = getLogger('sources/casper');
  beforeEach(async () => {
    server = await startFakeJamf({ tokenLifetimeMs: 30 * 60_000 });
    http = new HttpClient({ section: 'casper', tls: { verify: true }, retry: { retries: 0 } });
    clock = Date.now();
  });
  afterEach(async () => {
    await http.close();
    await server.close();
  });

  test('a user token is reused, then kept alive before its 30 minutes run out', async () => {
    const auth = new JamfAuth(server.url, { kind: 'user', username: 'auditor', password: 'Sup3r!secret' }, 'casper', log, now);
    const first = await auth.headers(http);
    expect(await auth.headers(http)).toEqual(first);
    clock += 26 * 60_000; // inside the 5-minute renewal margin
    const renewed = await auth.headers(http);
    expect(renewed).not.toEqual(first);
    expect(server.tokensIssued).toEqual({ oauth: 0, user: 1, keepAlive: 1 });
    clock += 31 * 60_000; // expired: keep-alive is impossible, log in again
    await auth.headers(http);
    expect(server.tokensIssued).toEqual({ oauth: 0, user: 2, keepAlive: 1 });
  });

  test('an API client token is replaced by a new one; concurrent callers share one request', async () => {
    const auth = new JamfAuth(server.url, { kind: 'client', clientId: 'client-abc', clientSecret: 'client-s3cret-value' }, 'casper', log, now);
    const all = await Promise.all(Array.from({ length: 10 }, () => auth.headers(http)));
    expect(new Set(all.map((h) => h.Authorization)).size).toBe(1);
    expect(server.tokensIssued.oauth).toBe(1);
    clock += 26 * 60_000;
    await auth.headers(http);
    expect(server.tokensIssued).toEqual({ oauth: 2, user: 0, keepAlive: 0 });
    expect(auth.describe()).toBe('API client "client-abc"');
  });

  test('invalidate() after a 401 forces a fresh token', async () => {
    const auth = new JamfAuth(server.url, { kind: 'client', clientId: 'client-abc', clientSecret: 'client-s3cret-value' }, 'casper', log, now);
    const first = await auth.headers(http);
    expect(auth.invalidate()).toBe(true);
    expect(await auth.headers(http)).not.toEqual(first);
    expect(server.tokensIssued.oauth).toBe(2);
  });
});
