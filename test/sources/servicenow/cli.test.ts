/** End to end: the built CLI reads the ServiceNow test server ([servicenow]) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeServiceNow, sysId, type FakeServiceNow } from '../../support/fakeServiceNow.js';
import { day, hasComputer, serviceNowTables, software } from './data.js';

let oom: FakeOomnitza;
let sn: FakeServiceNow;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await Promise.all([oom.close(), sn?.close(), ...closers.splice(0).map((c) => c())]);
});

const MAPPINGS = [
  'mapping.SERIAL_NUMBER = hardware.serial_number', 'mapping.TAG = hardware.asset_tag', 'mapping.MODEL = hardware.model_id',
  'mapping.IP = hardware.ip_address', 'mapping.CREATED = hardware.sys_created_on', 'mapping.COST_CENTER = hardware.u_cost_center',
  'mapping.ASSIGNED = hardware.assigned_to',
].join('\n');
const section = (name: string, url: string, auth: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = SERIAL_NUMBER\nconcurrency = 8\n${MAPPINGS}\n${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const basic = () => `username = ${sn.username}\npassword = ${sn.password}`;
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const byNumber = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => Number(String(a.SERIAL_NUMBER).slice(2)) - Number(String(b.SERIAL_NUMBER).slice(2)));

/** What the mappings make of asset i. */
const expected = (i: number) => ({
  APPLICATIONS: software(i),
  SERIAL_NUMBER: `SN${i}`,
  TAG: `P${1000 + i}`,
  MODEL: hasComputer(i) ? 'Latitude 7440' : '',
  IP: hasComputer(i) ? `10.1.0.${i % 250}` : '',
  CREATED: hasComputer(i) ? `2022-12-${day(i)}T07:30:00+00:00` : `2023-01-${day(i)}T08:00:00+00:00`,
  COST_CENTER: i % 2 ? `CC-${i}` : null,
  ASSIGNED: `User ${i}`,
});

test('Basic: 250 assets in three pages (one shortened by an ACL), a 429 waited out, exact payloads with APPLICATIONS by default', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(250), hiddenRows: [sysId('a', 7)] });
  sn.throttle('alm_asset', 2, '0.2');
  const res = await upload(config(section('servicenow', sn.url, basic())), 'servicenow');
  expect(res.stderr).toMatch(/\[servicenow\] pulled 249, .*pushed 249, failed 0/);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.2 s as the server asks/);
  expect(res.code).toBe(0);
  expect(byNumber(oom.records('ServiceNow'))).toEqual(range(250).filter((i) => i !== 7).map(expected));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'ServiceNow', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });
  // Pages until the Link header names no next page (no empty page asked for); the 429'd page asked again.
  expect(sn.log.filter((l) => l.startsWith('GET /api/now/table/alm_asset')).map((l) => /sysparm_offset=(\d+)/.exec(l)![1])).toEqual(['0', '100', '100', '200']);
  expect(res.stdout + res.stderr).not.toContain(sn.password);
}, 60_000);

test('OAuth password grant: the token expires mid-run and is renewed, nothing lost; a wrong client secret is a clear failure', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(120) });
  const expiring = await startFakeServiceNow({ tables: serviceNowTables(120) });
  closers.push(() => expiring.close());
  const oauth = (s: FakeServiceNow, secret = s.clientSecret) => `${basic()}\nclient_id = ${s.clientId}\nclient_secret = ${secret}`;
  const run = upload(config(
    section('servicenow', expiring.url, oauth(expiring)),
    section('servicenow.wrong', sn.url, oauth(sn, 'not-the-client-secret')),
  ), 'servicenow', 'servicenow.wrong');
  // Expire every token the run holds once it is under way.
  const timer = setInterval(() => {
    if (expiring.tokensIssued === 1 && expiring.log.length > 150) {
      expiring.expireTokensAfter(0);
      clearInterval(timer);
    }
  }, 5);
  const res = await run;
  clearInterval(timer);
  const out = res.stdout + res.stderr;
  expect(res.stderr).toMatch(/\[servicenow\] pulled 120, .*pushed 120, failed 0/);
  expect(expiring.tokensIssued).toBe(2);
  expect(byNumber(oom.records('ServiceNow'))).toEqual(range(120).map(expected));
  expect(expiring.log.filter((l) => l.startsWith('POST /oauth_token.do'))).toHaveLength(2);
  expect(out).toMatch(/\[servicenow\.wrong\] .*FAILED: .*password: the token endpoint http:\/\/127\.0\.0\.1:\d+\/oauth_token\.do rejected user "oomnitza\.api" through OAuth2 client "a1b2c3d4e5f60718293a4b5c6d7e8f90" \(HTTP 401: server_error: access_denied\)/);
  expect(res.code).toBe(1);
  for (const secret of ['not-the-client-secret', sn.password, sn.clientSecret]) expect(out).not.toContain(secret);
}, 60_000);

test('bad Basic credentials: exit 1, a message naming the settings, no secret', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(3) });
  const res = await upload(config(section('servicenow', sn.url, `username = ${sn.username}\npassword = wrong-password-77`)), 'servicenow');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[servicenow\] password: ServiceNow refused user "oomnitza\.api" \(HTTP 401: User Not Authenticated: Required to provide Auth information\): check username and password/);
  expect(oom.records('ServiceNow')).toEqual([]);
  expect(out).not.toContain('wrong-password-77');
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  sn = await startFakeServiceNow({ tables: serviceNowTables(3) });
  const empty = await startFakeServiceNow({ tables: serviceNowTables(0) });
  const forbidden = await startFakeServiceNow({ tables: serviceNowTables(3), forbiddenTables: ['alm_asset'] });
  const closed = await startFakeServiceNow({ tables: {} });
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const sections = {
    ok: section('servicenow.ok', sn.url, basic()),
    credentials: section('servicenow.credentials', sn.url, `username = ${sn.username}\npassword = bad-password-4444`),
    permission: section('servicenow.permission', forbidden.url, basic()),
    empty: section('servicenow.empty', empty.url, basic()),
    unreachable: section('servicenow.unreachable', closed.url, basic()),
    tls: section('servicenow.tls', sn.url.replace('http:', 'https:'), basic()),
  };
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `servicenow.${k}`), '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config(...Object.values(sections)) }) });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[servicenow.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [servicenow.ok] authenticated to ${sn.url} as user "oomnitza.api"; read asset ${sysId('a', 1)} (tag "P1001") "P1001 - Dell Latitude 7440" with its CI "PC-1" and 150 software item(s)`);
  expect(line('credentials')).toMatch(/^FAILED \[servicenow.credentials\] .*password: ServiceNow refused user "oomnitza\.api" \(HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[servicenow.permission\] ServiceNow: user "oomnitza\.api" may not read table alm_asset \(HTTP 403: User Not Authorized: Not permitted\)/);
  expect(line('empty')).toBe(`OK     [servicenow.empty] authenticated to ${empty.url} as user "oomnitza.api"; no assets in alm_asset`);
  expect(line('unreachable')).toMatch(/^FAILED \[servicenow.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[servicenow.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-password-4444');
}, 60_000);
