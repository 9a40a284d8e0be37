/** End to end: the built CLI reads the MunkiReport test server (form login, CSRF cookie, DataTables) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeMunkiReport, type FakeMunkiReport } from '../../support/fakeMunkiReport.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let mr: FakeMunkiReport;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  mr = await startFakeMunkiReport({ machines: 5 });
});
afterEach(async () => {
  await Promise.all([oom.close(), mr.close(), ...closers.splice(0).map((c) => c())]);
});

const creds = (m: FakeMunkiReport) => `username = ${m.username}\npassword = ${m.password}`;
const MAPPINGS = 'sync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial_number\nmapping.NAME = hostname\nmapping.USER = console_user\nmapping.OS = os_version\nmapping.IP = remote_ip\nmapping.MANIFEST = manifestname\nmapping.DESC = machine_desc\nmapping.SEEN = timestamp\n';
const section = (name: string, url: string, auth: string, extra = '') => `[${name}]\nenable = True\nurl = ${url}\n${auth}\n${MAPPINGS}${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

/** No default mappings: the INI's, from the flat record. */
function expected(i: number) {
  return {
    SERIAL_NUMBER: `C02MR${i}`, NAME: `mac-${i}.example.com`, USER: `user${i}`, OS: 140000 + i, IP: `192.168.10.${i}`,
    ...(i % 2 ? { MANIFEST: 'site_default' } : {}), DESC: 'MacBook Pro (14-inch, 2023)', SEEN: 1764500000 + i,
  };
}

test('form login (redirect followed with its cookies), CSRF header, the original\'s columns plus db_columns; an expired session and a 429', async () => {
  mr.expireSessions(0);
  mr.throttle(1, '0.1');
  const res = await upload(config(section('munki_report', mr.url, creds(mr), 'db_columns = ["warranty.purchase_date", "machine.hostname"]\nmapping.PURCHASED = purchase_date\n')), 'munki_report');
  expect(res.stderr).toMatch(/\[munki_report\] pulled 5, .*pushed 5, failed 0/);
  expect(res.code).toBe(0);
  const records = oom.records('munki_report');
  expect(records.map((r) => { const { MANIFEST, ...rest } = r; return MANIFEST === null ? rest : r; }))
    .toEqual(range(5).map((i) => ({ ...expected(i), PURCHASED: `2023-0${(i % 9) + 1}-15` })));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'munki_report', data_type: 'assets' });
  // The first data request found its session ended: one new login, then the 429 was waited out.
  expect(mr.logins).toBe(2);
  expect(mr.statuses).toEqual(expect.arrayContaining([403, 429]));
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  // The eight columns of the original in its order, then the extra one (hostname is not repeated).
  expect(mr.dataForms.at(-1)).toEqual({
    'columns[0][name]': 'machine.serial_number', 'columns[1][name]': 'machine.hostname', 'columns[2][name]': 'machine.machine_desc',
    'columns[3][name]': 'reportdata.timestamp', 'columns[4][name]': 'reportdata.console_user', 'columns[5][name]': 'machine.os_version',
    'columns[6][name]': 'reportdata.remote_ip', 'columns[7][name]': 'munkireport.manifestname', 'columns[8][name]': 'warranty.purchase_date',
  });
  expect(mr.log.slice(0, 3)).toEqual(['POST /index.php?/auth/login', 'GET /index.php?/show/dashboard', 'POST /index.php?/datatables/data']);
  expect(res.stdout + res.stderr).not.toContain(mr.password);
});

test('with MunkiReport\'s debug mode on, names come from the reply\'s sql as the original read them: the same records', async () => {
  const debug = await startFakeMunkiReport({ machines: 3, debug: true });
  closers.push(() => debug.close());
  const res = await upload(config(section('munki_report', debug.url, creds(debug))), 'munki_report');
  expect(res.code).toBe(0);
  expect(oom.records('munki_report').map((r) => { const { MANIFEST, ...rest } = r; return MANIFEST === null ? rest : r; })).toEqual(range(3).map(expected));
});

test('bad credentials and a query error: exit 1 with a clear message, no secret', async () => {
  const res = await upload(config(
    section('munki_report', mr.url, creds(mr).replace(mr.password, 'wrong-password-1234')),
    section('munki_report.cols', mr.url, creds(mr), 'db_columns = ["nosuch.column"]\n'),
  ), 'munki_report', 'munki_report.cols');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[munki_report\] password: MunkiReport did not accept the login "oomnitza" \(HTTP 403: Authenticate first, after a new login\): check username and password/);
  expect(out).toMatch(/\[munki_report\.cols\] POST .*datatables\/data: MunkiReport could not run the query: SQLSTATE\[42S22\]: Column not found: 1054 Unknown column 'nosuch\.column' in 'field list' \(check db_columns\)/);
  expect(out).not.toContain('wrong-password-1234');
  const bad = await upload(config(section('munki_report', mr.url, creds(mr), 'db_columns = warranty.purchase_date\n')), 'munki_report');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/\[munki_report\] db_columns: not valid JSON/);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const empty = await startFakeMunkiReport({ machines: 0 });
  const closed = await startFakeMunkiReport();
  await closed.close();
  closers.push(() => empty.close());
  const sections = {
    ok: section('munki_report.ok', mr.url, creds(mr)),
    credentials: section('munki_report.credentials', mr.url, creds(mr).replace(mr.password, 'nope-nope-nope')),
    empty: section('munki_report.empty', empty.url, creds(empty)),
    unreachable: section('munki_report.unreachable', closed.url, creds(mr)),
    tls: section('munki_report.tls', mr.url.replace('http:', 'https:'), creds(mr)),
  };
  const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `munki_report.${k}`), '--ini', 'config.ini'], { cwd: dir });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[munki_report.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [munki_report.ok] authenticated to ${mr.url} as login "oomnitza"; read machine "C02MR1" (8 of 8 columns)`);
  expect(mr.dataForms.at(-1)).toMatchObject({ start: '0', length: '1' });
  expect(line('credentials')).toMatch(/^FAILED \[munki_report.credentials\] .*password: MunkiReport did not accept the login "oomnitza" \(HTTP 403: Authenticate first/);
  expect(line('empty')).toBe(`OK     [munki_report.empty] authenticated to ${empty.url} as login "oomnitza"; MunkiReport lists no machines`);
  expect(line('unreachable')).toMatch(/^FAILED \[munki_report.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[munki_report.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('nope-nope-nope');
}, 60_000);
