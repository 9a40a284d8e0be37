/** End to end: the built CLI reads the ServiceNow test server ([servicenow_cmdb]) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeServiceNow, type FakeServiceNow } from '../../support/fakeServiceNow.js';
import { computerSoftware as software, day } from '../servicenow/data.js';
import { cmdbTables, retired } from './data.js';

let oom: FakeOomnitza;
let sn: FakeServiceNow;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await Promise.all([oom.close(), sn?.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = 'mapping.SERIAL_NUMBER = hardware.serial_number\nmapping.NAME = hardware.name\nmapping.IP = hardware.ip_address\nmapping.MODEL = hardware.model_id\nmapping.CREATED = hardware.sys_created_on\n';
const section = (name: string, url: string, auth: string, extra = '') => `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = SERIAL_NUMBER\nconcurrency = 8\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const basic = () => `username = ${sn.username}\npassword = ${sn.password}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const byNumber = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => Number(String(a.SERIAL_NUMBER).slice(2)) - Number(String(b.SERIAL_NUMBER).slice(2)));
const expected = (i: number) => ({
  APPLICATIONS: software(i), SERIAL_NUMBER: `SN${i}`, NAME: `PC-${i}`, IP: `10.1.0.${i % 250}`, MODEL: 'Latitude 7440', CREATED: `2022-12-${day(i)}T07:30:00+00:00`,
});

test('Basic, a query leaving retired CIs out: three pages, software per CI with a 429 waited out, exact payloads', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(260) });
  sn.throttle('cmdb_software_instance', 5, '0.1');
  const res = await upload(config(section('servicenow_cmdb', sn.url, basic(), 'query = install_status!=7\n')), 'servicenow_cmdb');
  const kept = range(260).filter((i) => !retired(i));
  expect(res.stderr).toMatch(new RegExp(`\\[servicenow_cmdb\\] pulled ${kept.length}, .*pushed ${kept.length}, failed 0`));
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(res.code).toBe(0);
  expect(byNumber(oom.records('servicenow_cmdb'))).toEqual(kept.map(expected));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'servicenow_cmdb', data_type: 'assets' });
  expect(sn.log.filter((l) => l.startsWith('GET /api/now/table/cmdb_ci_computer')).map((l) => /sysparm_offset=(\d+)/.exec(l)![1])).toEqual(['0', '100', '200']);
}, 60_000);

test('OAuth client credentials, software off: no software calls and no APPLICATIONS; a missing table names `table`', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(30) });
  const oauth = `client_id = ${sn.clientId}\nclient_secret = ${sn.clientSecret}`;
  const res = await upload(config(
    section('servicenow_cmdb', sn.url, oauth, 'software = False\n'),
    section('servicenow_cmdb.missing', sn.url, oauth, 'table = cmdb_ci_computers\n'),
  ), 'servicenow_cmdb', 'servicenow_cmdb.missing');
  const out = res.stdout + res.stderr;
  expect(res.stderr).toMatch(/\[servicenow_cmdb\] pulled 30, .*pushed 30, failed 0/);
  expect(byNumber(oom.records('servicenow_cmdb')).filter((r) => r.NAME !== undefined)).toEqual(range(30).map((i) => {
    const { APPLICATIONS: _, ...rest } = expected(i);
    return rest;
  }));
  expect(sn.log.some((l) => l.includes('cmdb_software_instance'))).toBe(false);
  expect(sn.log.filter((l) => l.startsWith('POST /oauth_token.do'))).toHaveLength(2);
  expect(out).toMatch(/\[servicenow_cmdb\.missing\] .*FAILED: .*table: ServiceNow has no table cmdb_ci_computers \(HTTP 400: Invalid table cmdb_ci_computers\)/);
  expect(res.code).toBe(1);
  expect(out).not.toContain(sn.clientSecret);
}, 60_000);

test('connector test: OK, refused credentials, an empty query result', async () => {
  sn = await startFakeServiceNow({ tables: cmdbTables(3) });
  const sections = {
    ok: section('servicenow_cmdb.ok', sn.url, basic()),
    credentials: section('servicenow_cmdb.credentials', sn.url, `username = ${sn.username}\npassword = bad-password-5555`),
    empty: section('servicenow_cmdb.empty', sn.url, basic(), 'query = os=Plan 9\n'),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `servicenow_cmdb.${k}`), '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[servicenow_cmdb.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toMatch(/^OK     \[servicenow_cmdb\.ok\] authenticated to http:\/\/127\.0\.0\.1:\d+ as user "oomnitza\.api"; read CI c0+1 "PC-1" from cmdb_ci_computer with 150 software item\(s\)$/);
  expect(line('credentials')).toMatch(/^FAILED \[servicenow_cmdb\.credentials\] .*password: ServiceNow refused user "oomnitza\.api" \(HTTP 401/);
  expect(line('empty')).toMatch(/^OK     \[servicenow_cmdb\.empty\] .*; no CIs in cmdb_ci_computer that match query$/);
  expect(res.stdout + res.stderr).not.toContain('bad-password-5555');
}, 60_000);
