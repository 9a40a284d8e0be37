/**
 * [servicenow] in-process against the ServiceNow test server: the record shape of the original (display values,
 * field overwrite order, ISO dates, u_* fields, software), its two FIXes, a failed asset reported while the others
 * arrive, an unreadable table ending the read, the original section loading unchanged and every ConfigError path.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { isoDate } from '../../../src/sources/servicenow/records.js';
import { createServicenowSource, servicenow } from '../../../src/sources/servicenow/index.js';
import { servicenowSettings } from '../../../src/sources/servicenow/servicenowSettings.js';
import { loadSection } from '../../helpers/loadSection.js';
import { collect, recordingContext, rejection, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeServiceNow, sysId, type FakeServiceNow } from '../../support/fakeServiceNow.js';
import { serviceNowTables, software } from './data.js';

let sn: FakeServiceNow;
afterEach(() => sn?.close());

const source = (extra: Record<string, string> = {}) => {
  const ctx = recordingContext('servicenow');
  const s = settingsFrom(servicenowSettings, { url: sn.url, username: sn.username, password: sn.password, ...extra });
  return { ctx, source: createServicenowSource(s, ctx) };
};
const bySerial = (records: Array<Record<string, unknown>>) =>
  new Map(records.map((r) => [(r.hardware as Record<string, unknown>).serial_number as string, r]));

test('record shape: asset fields, overwritten by the computer fields (ISO dates from the UTC value), then by u_* fields; software', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(12) });
  const { ctx, source: src } = source();
  const records = bySerial(await collect(src));
  expect(ctx.failures).toEqual([]);
  expect(records.size).toBe(12);
  expect(records.get('SN1')).toEqual({
    hardware: {
      sys_id: sysId('a', 1), asset_tag: 'P1001', display_name: 'P1001 - Dell Latitude 7440', serial_number: 'SN1', sys_class_name: 'Hardware',
      ci: 'PC-1', install_status: 'In use', assigned_to: 'User 1', model: 'Dell Latitude 7440',
      manufacturer: 'Dell Inc.', model_number: 'L7440', operational_status: 'Operational', hardware_status: 'Installed', ip_address: '10.1.0.1',
      cpu_name: 'Intel Core i7-1365U', cpu_speed: '2800', cpu_count: '1', os: 'Windows 11 Enterprise', os_version: '10.0.22631',
      disk_space: '476.94', ram: '16384', sys_created_on: '2022-12-02T07:30:00+00:00', mac_address: '00:1a:2b:00:00:01',
      warranty_expiration: '2027-01-31T00:00:00+00:00', model_id: 'Latitude 7440', u_cost_center: 'CC-1', u_badge: 'B1',
    },
    software: software(1),
  });
  expect((records.get('SN1')!.software as unknown[]).length).toBe(150);
  // A computer without a warranty date blanks the asset's (the original's overwrite order, KEEP).
  expect((records.get('SN3')!.hardware as Record<string, unknown>).warranty_expiration).toBe('');
  // No CI (4) or a CI that is not a computer (5): the computer fields are '', the asset's own dates stay (FIX), in ISO.
  for (const [serial, custom] of [['SN4', {}], ['SN5', { u_cost_center: 'CC-5', u_badge: 'B5' }]] as const) {
    const hw = records.get(serial)!.hardware as Record<string, unknown>;
    expect(hw).toMatchObject({ manufacturer: '', ip_address: '', model_id: '', os: '', ram: '', ...custom });
    expect(hw.sys_created_on).toBe(`2023-01-0${serial === 'SN4' ? 5 : 6}T08:00:00+00:00`);
    expect(hw.warranty_expiration).toBe('2026-06-30T00:00:00+00:00');
    expect(records.get(serial)!.software).toEqual([]);
  }
  // The custom fields of a hardware asset are read by its own sys_id; a non-hardware asset makes no such call.
  expect(sn.log.filter((l) => l.startsWith('GET /api/now/table/alm_hardware'))).toHaveLength(6);
  expect(sn.log).toContain(`GET /api/now/table/alm_hardware?sysparm_query=sys_id=${sysId('a', 5)}&sysparm_limit=1&sysparm_display_value=all&sysparm_exclude_reference_link=true`);
  expect(sn.log).toContain(`GET /api/now/table/cmdb_software_instance?sysparm_query=installed_on=${sysId('c', 1)}^ORDERBYsys_id&sysparm_fields=software.version,software.name&sysparm_limit=100&sysparm_offset=100`);
  expect(sn.log[0]).toBe('GET /api/now/table/alm_asset?sysparm_query=^ORDERBYsys_id&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_limit=100&sysparm_offset=0');
});

test('isoDate writes what arrow wrote', () => {
  expect(isoDate('2019-01-15 10:30:00')).toBe('2019-01-15T10:30:00+00:00');
  expect(isoDate('2021-03-01')).toBe('2021-03-01T00:00:00+00:00');
  expect(isoDate('2021-03-01T10:00:00.5-0500')).toBe('2021-03-01T10:00:00.500000-05:00');
  expect(isoDate('03/01/2021')).toBeUndefined();
});

test('an asset whose computer lookup keeps failing is reported; the other assets arrive', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(6) });
  sn.failLookup('cmdb_ci_computer', sysId('c', 2), 500, 10);
  const { ctx, source: src } = source();
  const records = await collect(src);
  expect([...bySerial(records).keys()].sort()).toEqual(['SN1', 'SN3', 'SN4', 'SN5', 'SN6']);
  expect(ctx.failures).toHaveLength(1);
  expect(ctx.failures[0].id).toBe(`asset ${sysId('a', 2)} (tag "P1002")`);
  expect(String(ctx.failures[0].error)).toMatch(/HTTP 500: Internal server error: Transaction cancelled/);
});

test('a table the account may not read ends the read with the permission it needs', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(6), forbiddenTables: ['cmdb_ci_computer'] });
  const { source: src } = source();
  const err = await rejection(collect(src));
  expect(err.message).toMatch(/ServiceNow: user "oomnitza\.api" may not read table cmdb_ci_computer \(HTTP 403: User Not Authorized: Not permitted\): give the account a role whose ACLs allow reading cmdb_ci_computer/);
});

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const original = /\[servicenow\][\s\S]*?(?=\n\[)/.exec(fs.readFileSync(fixture, 'utf8'))![0];

test("the original README's [servicenow] section loads unchanged; ServiceNow assets, APPLICATIONS <- software", async () => {
  const section = await loadSection('servicenow', original);
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    url: 'https://xxx.service-now.com', username: '***', password: '***', client_id: '', client_secret: '', token_url: '',
    page_size: 100, concurrency: 0, rate_limit_max_wait: 300,
  });
  expect(servicenow.variant(section.settings as never)).toEqual({ mappingName: 'ServiceNow', dataType: 'assets' });
  expect(servicenow.defaultMappings(section.settings as never)).toEqual({ APPLICATIONS: { source: 'software' } });
});

const SN = '[servicenow]\nurl = https://acme.service-now.com\n';
test.each([
  ['no credentials', SN, 'username: set username and password (HTTP Basic), or an OAuth client: client_id and client_secret'],
  ['no password', `${SN}username = api\n`, 'password: user "api" needs its password'],
  ['client_secret alone', `${SN}client_secret = s\n`, 'client_id: client_secret is set but client_id is empty'],
  ['client_id alone', `${SN}client_id = c\n`, 'client_secret: OAuth client "c" needs its client_secret'],
  ['OAuth user without password', `${SN}client_id = c\nclient_secret = s\nusername = api\n`, 'password: user "api" needs its password for the OAuth password grant'],
  ['no url', '[servicenow]\nusername = a\npassword = b\n', 'url'],
  ['page_size too big', `${SN}username = a\npassword = b\npage_size = 20000\n`, 'page_size'],
])('%s is a config error naming the setting', async (_case, ini, message) => {
  const result = await loadSection('servicenow', ini);
  expect(typeof result).toBe('string');
  expect(result).toContain(message);
});
