/**
 * [servicenow_cmdb] in-process against the ServiceNow test server: the record shape (the flattened CI with ISO
 * dates, software), a CI whose software cannot be read reported while the others arrive, and every ConfigError path.
 */
import { createServicenowCmdbSource, servicenowCmdb } from '../../../src/sources/servicenow_cmdb/index.js';
import { servicenowCmdbSettings } from '../../../src/sources/servicenow_cmdb/settings.js';
import { loadSection } from '../../helpers/loadSection.js';
import { collect, recordingContext, settingsFrom } from '../../helpers/sourceContext.js';
import { startFakeServiceNow, sysId, type FakeServiceNow } from '../../support/fakeServiceNow.js';
import { computerSoftware as software } from '../servicenow/data.js';
import { cmdbTables } from './data.js';

let sn: FakeServiceNow;
afterEach(() => sn?.close());

const source = (extra: Record<string, string> = {}) => {
  const ctx = recordingContext('servicenow_cmdb');
  const s = settingsFrom(servicenowCmdbSettings, { url: sn.url, username: sn.username, password: sn.password, ...extra });
  return { ctx, source: createServicenowCmdbSource(s, ctx) };
};

test('a CI is its flattened row (display values, ISO dates from the UTC value) with its software, in sys_id order', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(8) });
  const { ctx, source: src } = source({ query: 'install_status!=7' });
  const records = await collect(src);
  expect(ctx.failures).toEqual([]);
  expect(records.map((r) => (r.hardware as Record<string, unknown>).name)).toEqual(['PC-1', 'PC-2', 'PC-3', 'PC-4', 'PC-5', 'PC-6', 'PC-8']);
  expect(records[0]).toEqual({
    hardware: {
      sys_id: sysId('c', 1), name: 'PC-1', serial_number: 'SN1', manufacturer: 'Dell Inc.', model_number: 'L7440', operational_status: 'Operational',
      install_status: 'Installed', hardware_status: 'Installed', ip_address: '10.1.0.1', cpu_name: 'Intel Core i7-1365U', cpu_speed: '2800',
      cpu_count: '1', os: 'Windows 11 Enterprise', os_version: '10.0.22631', disk_space: '476.94', ram: '16384',
      sys_created_on: '2022-12-02T07:30:00+00:00', mac_address: '00:1a:2b:00:00:01', warranty_expiration: '2027-01-31T00:00:00+00:00',
      model_id: 'Latitude 7440', sys_class_name: 'Computer',
    },
    software: software(1),
  });
  expect(sn.log[0]).toBe('GET /api/now/table/cmdb_ci_computer?sysparm_query=install_status!=7^ORDERBYsys_id&sysparm_display_value=all&sysparm_exclude_reference_link=true&sysparm_limit=100&sysparm_offset=0');
});

test('a CI whose software keeps failing is reported; the other CIs arrive', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(5) });
  sn.failLookup('cmdb_software_instance', sysId('c', 3), 500, 10);
  const { ctx, source: src } = source();
  const records = await collect(src);
  expect(records.map((r) => (r.hardware as Record<string, unknown>).name)).toEqual(['PC-1', 'PC-2', 'PC-4', 'PC-5']);
  expect(ctx.failures.map((f) => f.id)).toEqual([`CI ${sysId('c', 3)} "PC-3"`]);
});

test('software = False: no software calls, no software key, no APPLICATIONS default; fields always include sys_id', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(3) });
  const { source: src } = source({ software: 'False', fields: 'name, serial_number' });
  expect(await collect(src)).toEqual([1, 2, 3].map((i) => ({ hardware: { sys_id: sysId('c', i), name: `PC-${i}`, serial_number: `SN${i}` } })));
  expect(sn.log.every((l) => l.includes('/cmdb_ci_computer?'))).toBe(true);
  expect(sn.log[0]).toContain('sysparm_fields=sys_id,name,serial_number');
  const section = await loadSection('servicenow_cmdb', `[servicenow_cmdb]\nurl = ${sn.url}\nusername = u\npassword = p\nsoftware = False\n`);
  if (typeof section === 'string') throw new Error(section);
  expect(servicenowCmdb.defaultMappings(section.settings as never)).toEqual({});
});

test('defaults: cmdb_ci_computer, every CI, software on (APPLICATIONS <- software)', async () => {
  const section = await loadSection('servicenow_cmdb', '[servicenow_cmdb]\nurl = https://acme.service-now.com\nusername = u\npassword = p\n');
  if (typeof section === 'string') throw new Error(section);
  expect(section.settings).toEqual({
    url: 'https://acme.service-now.com', username: 'u', password: 'p', client_id: '', client_secret: '', token_url: '',
    table: 'cmdb_ci_computer', query: '', fields: [], software: true, page_size: 100, concurrency: 0, rate_limit_max_wait: 300,
  });
  expect(servicenowCmdb.variant(section.settings as never)).toEqual({ mappingName: 'servicenow_cmdb', dataType: 'assets' });
  expect(servicenowCmdb.defaultMappings(section.settings as never)).toEqual({ APPLICATIONS: { source: 'software' } });
});

const CMDB = '[servicenow_cmdb]\nurl = https://acme.service-now.com\n';
test.each([
  ['no credentials', CMDB, 'username: set username and password (HTTP Basic), or an OAuth client: client_id and client_secret'],
  ['a table name with a query in it', `${CMDB}username = u\npassword = p\ntable = cmdb_ci_computer?sysparm_query=x\n`, 'table: "cmdb_ci_computer?sysparm_query=x" is not a table name such as cmdb_ci_computer'],
  ['software not a boolean', `${CMDB}username = u\npassword = p\nsoftware = maybe\n`, 'software'],
])('%s is a config error naming the setting', async (_case, ini, message) => {
  const result = await loadSection('servicenow_cmdb', ini);
  expect(typeof result).toBe('string');
  expect(result).toContain(message);
});
