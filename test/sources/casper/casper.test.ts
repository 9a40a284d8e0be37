import { casper, createCasperSource, isCasperSource } from '../../../src/sources/casper/index.js';
import { casperSettings, type CasperSettings } from '../../../src/sources/casper/settings.js';
import { ConfigError } from '../../../src/errors.js';
import { COMPUTER_SUBSETS, MOBILE_SUBSETS, startFakeJamf, type FakeJamf, type FakeJamfOptions } from '../../support/fakeJamf.js';
import { byGeneralId, collect, testContext, type TestContext } from './context.js';

/** As the config loader does: empty or missing -> default, else the setting's own parser. */
function settingsFrom(raw: Record<string, string>): CasperSettings {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(casperSettings)) out[key] = raw[key] ? s.parse(raw[key]) : s.default;
  return out as CasperSettings;
}

const USER = { username: 'auditor', password: 'Sup3r!secret' };
const CLIENT = { client_id: 'client-abc', client_secret: 'client-s3cret-value' };
const GENERAL_FIELDS = { fields: ['general.serial_number', 'general.report_date', 'hardware.model'], allFields: false };

/** Keeps only the top-level keys a subset list returns, as Jamf does. */
function subsetOf(record: Record<string, unknown>, subsets: string[], table: Record<string, string>) {
  return Object.fromEntries(Object.entries(table).filter(([, s]) => subsets.includes(s)).map(([k]) => [k, record[k]]));
}

const servers: FakeJamf[] = [];
const contexts: TestContext[] = [];
async function jamf(opts: FakeJamfOptions = {}) {
  const server = await startFakeJamf(opts);
  servers.push(server);
  return server;
}
function context(opts: { section?: string; concurrency?: number } = {}) {
  const ctx = testContext(opts);
  contexts.push(ctx);
  return ctx;
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => (c.http as { close(): Promise<void> }).close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('casper plugin definition', () => {
  test('defaults: computers, mapping "Casper", APPLICATIONS from software.applications, date converters', () => {
    const s = settingsFrom({ url: 'https://jss.example.com', ...USER });
    expect(s.sync_type).toBe('computers');
    expect(s.group_name).toBe('');
    expect(casper.name).toBe('casper');
    expect(casper.dataType).toBe('assets');
    expect(casper.mappingName(s)).toBe('Casper');
    expect(casper.defaultMappings(s)).toEqual({ APPLICATIONS: { source: 'software.applications' } });
    expect(casper.defaultConverters).toEqual({
      'general.report_date': 'date_format',
      'general.last_contact_time': 'date_format',
      'general.initial_entry_date': 'date_format',
      'purchasing.warranty_expires': 'date_format',
      'purchasing.lease_expires': 'date_format',
      'purchasing.po_date': 'date_format',
    });
  });

  test('mobile devices report as "Casper.MDM" without default mappings; sync_type is case-insensitive', () => {
    const s = settingsFrom({ url: 'https://jss.example.com', ...USER, sync_type: 'MobileDevices' });
    expect(s.sync_type).toBe('mobiledevices');
    expect(casper.mappingName(s)).toBe('Casper.MDM');
    expect(casper.defaultMappings(s)).toEqual({});
  });

  test('an unknown sync_type is rejected with the choices', () => {
    expect(() => casperSettings.sync_type.parse('laptops')).toThrow('"laptops" is not one of: computers, mobiledevices');
  });

  test.each([
    [{ url: 'https://jss.example.com' }, 'username', 'set client_id and client_secret'],
    [{ url: 'https://jss.example.com', username: 'auditor' }, 'password', 'or username and password'],
    [{ url: 'https://jss.example.com', client_id: 'abc' }, 'client_secret', 'client_id "abc" needs its client_secret'],
    [{ url: 'https://jss.example.com', client_secret: 'xyz123' }, 'client_id', 'client_secret is set but client_id is empty'],
    [{ url: 'jss.example.com', ...USER }, 'url', 'is not a URL'],
    [{ url: 'ftp://jss.example.com', ...USER }, 'url', 'must start with https://'],
    [{ url: 'https://jss.example.com/?x=1', ...USER }, 'url', 'must not contain'],
  ])('create() rejects %j naming %s', (raw, key, message) => {
    let error: unknown;
    try {
      createCasperSource(settingsFrom(raw as Record<string, string>), context({ section: 'casper.MDM' }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).location).toEqual({ section: 'casper.MDM', key });
    expect((error as Error).message).toContain(`[casper.MDM] ${key}: `);
    expect((error as Error).message).toContain(message);
  });

  test('create() does not connect, and the source exposes fetchDevice for the webhook server', () => {
    const source = casper.create(settingsFrom({ url: 'http://127.0.0.1:9', ...CLIENT }), context());
    expect(isCasperSource(source)).toBe(true);
  });
});

describe('casper source against the Jamf test server', () => {
  test('computers via an API client: every record, only the needed subsets, exact payloads', async () => {
    const server = await jamf({ computers: 7 });
    const ctx = context();
    const source = casper.create(settingsFrom({ url: `${server.url}/`, ...CLIENT }), ctx);
    const records = await collect(source, GENERAL_FIELDS);
    const subsets = ['General', 'Hardware', 'ExtensionAttributes'];
    expect(byGeneralId(records)).toEqual([1, 2, 3, 4, 5, 6, 7].map((id) => subsetOf(server.computer(id), subsets, COMPUTER_SUBSETS)));
    const details = server.requests.filter((r) => r.path.includes('/id/'));
    expect(details).toHaveLength(7);
    expect(new Set(details.map((r) => r.path.replace(/\/id\/\d+/, '/id/N')))).toEqual(
      new Set(['/JSSResource/computers/id/N/subset/General&Hardware&ExtensionAttributes']),
    );
    expect(server.requests.filter((r) => r.path.startsWith('/JSSResource')).every((r) => r.auth === 'bearer')).toBe(true);
    expect(server.tokensIssued).toEqual({ oauth: 1, user: 0, keepAlive: 0 });
    expect(ctx.failures).toEqual([]);
    // Every dotted name of the seed's list, with _epoch and _utc variants, resolves in the raw record.
    const general = records[0].general as Record<string, unknown>;
    for (const key of ['report_date', 'report_date_epoch', 'report_date_utc', 'last_contact_time_utc', 'initial_entry_date_epoch', 'serial_number', 'jamf_version']) {
      expect(general[key]).toBeDefined();
    }
  });

  test('mobile devices via username/password bearer token', async () => {
    const server = await jamf({ mobileDevices: 4 });
    const ctx = context({ section: 'casper.MDM' });
    const source = casper.create(settingsFrom({ url: server.url, ...USER, sync_type: 'mobiledevices' }), ctx);
    const request = { fields: ['general.serial_number', 'network.imei', 'security.passcode_present', 'purchasing.po_date_utc'], allFields: false };
    const records = await collect(source, request);
    const subsets = ['General', 'Purchasing', 'Security', 'Network', 'ExtensionAttributes'];
    expect(byGeneralId(records)).toEqual([1, 2, 3, 4].map((id) => subsetOf(server.mobileDevice(id), subsets, MOBILE_SUBSETS)));
    expect(server.requests.some((r) => r.path === '/JSSResource/mobiledevices/id/1/subset/General&Purchasing&Security&Network&ExtensionAttributes')).toBe(true);
    expect(server.tokensIssued).toEqual({ oauth: 0, user: 1, keepAlive: 0 });
    await source.close!();
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v1/auth/invalidate-token', status: 204 });
  });

  test('a field outside the known subsets, or a record filter, fetches the whole record', async () => {
    const server = await jamf({ computers: 2 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), context());
    const filtered = await collect(source, { fields: ['general.name'], allFields: true });
    expect(byGeneralId(filtered)).toEqual([server.computer(1), server.computer(2)]);
    const odd = await collect(source, { fields: ['udid'], allFields: false });
    expect(odd).toHaveLength(2);
    expect(server.requests.filter((r) => r.path.includes('/subset/'))).toEqual([]);
  });

  test('group_name reads only the members of the group', async () => {
    const server = await jamf({ computers: 10, computerGroups: { 'Lab Macs / 2nd floor': [2, 5, 9] }, mobileDeviceGroups: { iPads: [3] }, mobileDevices: 4 });
    const computers = casper.create(settingsFrom({ url: server.url, ...CLIENT, group_name: 'Lab Macs / 2nd floor' }), context());
    const records = await collect(computers, GENERAL_FIELDS);
    expect(byGeneralId(records).map((r) => (r.general as { id: number }).id)).toEqual([2, 5, 9]);
    expect(server.requests.some((r) => r.path === '/JSSResource/computergroups/name/Lab Macs / 2nd floor')).toBe(true);
    const mobiles = casper.create(settingsFrom({ url: server.url, ...CLIENT, group_name: 'iPads', sync_type: 'mobiledevices' }), context());
    expect((await collect(mobiles, GENERAL_FIELDS)).map((r) => (r.general as { id: number }).id)).toEqual([3]);
  });

  test('a missing group is a config error naming group_name, not an empty run', async () => {
    const server = await jamf({ computerGroups: { Lab: [1] } });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT, group_name: 'lab' }), context({ section: 'casper.1' }));
    const error = await collect(source, GENERAL_FIELDS).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('[casper.1] group_name: Jamf Pro has no computer group named "lab" (names are case-sensitive; sync_type is computers)');
    await expect(source.check()).rejects.toThrow('no computer group named "lab"');
  });

  test('a token that expires mid-run is replaced and no record is lost', async () => {
    const server = await jamf({ computers: 12 });
    server.expireTokensAfterDetails(5);
    const ctx = context({ concurrency: 3 });
    const source = casper.create(settingsFrom({ url: server.url, ...USER }), ctx);
    const records = await collect(source, GENERAL_FIELDS);
    expect(records).toHaveLength(12);
    expect(ctx.failures).toEqual([]);
    expect(server.tokensIssued.user).toBe(2);
    expect(server.requests.filter((r) => r.status === 401).length).toBeGreaterThan(0);
  });

  test('one failing device is reported and counted; the run continues', async () => {
    const server = await jamf({ computers: 6 });
    server.failDevice('computers', 3, 500);
    const ctx = context();
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), ctx);
    const records = await collect(source, GENERAL_FIELDS);
    expect(byGeneralId(records).map((r) => (r.general as { id: number }).id)).toEqual([1, 2, 4, 5, 6]);
    expect(ctx.failures.map((f) => f.id)).toEqual(['computer 3']);
    expect((ctx.failures[0].error as Error).message).toContain('HTTP 500');
    // Retried (5xx is transient) before giving up.
    expect(server.requests.filter((r) => r.path.includes('/id/3/')).length).toBe(4);
  });

  test('429 and 503 with Retry-After are retried and every record arrives', async () => {
    const server = await jamf({ computers: 5 });
    const ctx = context({ concurrency: 2 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), ctx);
    server.throttleNext(2, 429, 0);
    const first = await collect(source, GENERAL_FIELDS);
    server.throttleNext(2, 503, 0);
    const second = await collect(source, GENERAL_FIELDS);
    expect(first).toHaveLength(5);
    expect(second).toHaveLength(5);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(2);
    expect(server.requests.filter((r) => r.status === 503)).toHaveLength(2);
    expect(ctx.failures).toEqual([]);
  });

  test('wrong credentials are a config error that names the setting and never the secret', async () => {
    const server = await jamf();
    const source = casper.create(settingsFrom({ url: server.url, username: 'auditor', password: 'wrong-Passw0rd' }), context());
    const error = (await source.check().catch((err: unknown) => err)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe('[casper] password: Jamf Pro rejected user "auditor" or the password (HTTP 401 from /api/v1/auth/token)');
    const client = casper.create(settingsFrom({ url: server.url, client_id: 'client-abc', client_secret: 'not-the-secret' }), context());
    const clientError = (await collect(client, GENERAL_FIELDS).catch((err: unknown) => err)) as Error;
    expect(clientError).toBeInstanceOf(ConfigError);
    expect(clientError.message).toContain('[casper] client_secret: Jamf Pro rejected API client "client-abc"');
    expect(clientError.message).not.toContain('not-the-secret');
  });

  test('credentials that go bad mid-run stop the read with one config error, not one failure per device', async () => {
    const server = await jamf({ computers: 30 });
    const ctx = context({ concurrency: 4 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), ctx);
    await source.check(); // a token issued with the old secret
    server.rotateClientSecret('rotated-by-an-admin');
    server.expireTokensAfterDetails(5);
    const error = await collect(source, GENERAL_FIELDS).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('[casper] client_secret: Jamf Pro rejected API client "client-abc" or its secret (HTTP 401');
    expect(ctx.failures).toEqual([]);
    // Stopped at once: at most the devices in flight when the token died were tried again.
    expect(server.requests.filter((r) => r.path.startsWith('/JSSResource/computers/id/')).length).toBeLessThan(5 + 1 + 2 * 4 + 4);
  });

  test('without the Jamf Pro API, Basic is used on the Classic API where the server accepts it', async () => {
    const old = await jamf({ jamfProApi: false, classicBasicAuth: true, computers: 3 });
    const source = casper.create(settingsFrom({ url: old.url, ...USER }), context());
    expect(await collect(source, GENERAL_FIELDS)).toHaveLength(3);
    expect(old.requests.filter((r) => r.path.startsWith('/JSSResource')).every((r) => r.auth === 'basic')).toBe(true);

    const strict = await jamf({ jamfProApi: false, classicBasicAuth: false });
    const refused = casper.create(settingsFrom({ url: strict.url, ...USER }), context());
    await expect(refused.check()).rejects.toThrow('Jamf Pro refused Basic auth on the Classic API (disabled on current versions): configure client_id and client_secret');
  });

  test('check() authenticates and reads one device', async () => {
    const server = await jamf({ computers: 3, computerGroups: { Lab: [2, 3] } });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT, group_name: 'Lab' }), context());
    expect(await source.check()).toBe(`authenticated to ${server.url} as API client "client-abc"; 2 computer(s) in group "Lab"; read computer id 2 "mac-2"`);
    expect(server.requests.at(-1)?.path).toBe('/JSSResource/computers/id/2/subset/General');
  });

  test('fetchDevice(id) reads one device by its Jamf id (for webhooks)', async () => {
    const server = await jamf({ mobileDevices: 3 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT, sync_type: 'mobiledevices' }), context());
    if (!isCasperSource(source)) throw new Error('not a casper source');
    expect(await source.fetchDevice(2)).toEqual(server.mobileDevice(2));
    expect(await source.fetchDevice('3', { fields: ['general.udid'], allFields: false })).toEqual(
      subsetOf(server.mobileDevice(3), ['General', 'ExtensionAttributes'], MOBILE_SUBSETS),
    );
    await expect(source.fetchDevice(99)).rejects.toThrow('Jamf Pro has no mobile device with id 99');
  });

  test('detail fetches stay within --workers and records stream before all are fetched', async () => {
    const server = await jamf({ computers: 60 });
    const ctx = context({ concurrency: 4 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), ctx);
    const records = await collect(source, GENERAL_FIELDS);
    expect(records).toHaveLength(60);
    expect(server.maxConcurrentDetails).toBeLessThanOrEqual(4);
    expect(server.maxConcurrentDetails).toBeGreaterThanOrEqual(2);

    const before = server.requests.length;
    let taken = 0;
    for await (const _ of source.read(GENERAL_FIELDS)) if (++taken === 2) break;
    // One list request, and at most two finished plus four in flight detail requests.
    expect(server.requests.length - before).toBeLessThanOrEqual(1 + 2 + 4);
  });

  test('an abort stops reading without reporting failures', async () => {
    const server = await jamf({ computers: 40 });
    const ctx = context({ concurrency: 2 });
    const source = casper.create(settingsFrom({ url: server.url, ...CLIENT }), ctx);
    const seen: unknown[] = [];
    for await (const record of source.read(GENERAL_FIELDS)) {
      seen.push(record);
      if (seen.length === 3) ctx.abort.abort(new Error('SIGTERM'));
    }
    expect(seen.length).toBeLessThan(40);
    expect(ctx.failures).toEqual([]);
  });
});
