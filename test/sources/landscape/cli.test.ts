/** End to end: the built CLI reads the Landscape test server (REST and legacy API) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeLandscape, type FakeLandscape } from '../../support/fakeLandscape.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let ls: FakeLandscape;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  // Two computers and two packages per page: every list pages.
  ls = await startFakeLandscape({ computers: 5, maxLimit: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), ls.close(), ...closers.splice(0).map((c) => c())]);
});

const rest = (s: FakeLandscape) => `email = ${s.email}\npassword = ${s.password}`;
const legacy = (s: FakeLandscape) => `access_key = ${s.accessKey}\nsecret_key = ${s.secretKey}`;
const section = (name: string, url: string, auth: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = NAME\nmapping.NAME = hostname\nmapping.TAG = annotations.asset_tag\nmapping.SERIAL_NUMBER = hardware_values.system.serial\n${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

/** The default APPLICATIONS mapping (installed packages) and the INI mappings. */
function expected(i: number) {
  const software = ls.packageNames(i).map((name) => ({ name, version: `1.${i}.0-1ubuntu1`, path: null }));
  return { APPLICATIONS: software, NAME: `appserv${i}`, TAG: `AT-${i}`, SERIAL_NUMBER: `SER${i}` };
}

test('REST API: JWT login, computers and packages paged via next (moved onto url), exact payloads; a 429 and an expired token mid-run', async () => {
  ls.throttle(1, '0.1', 1);
  ls.expireTokens(4);
  const res = await upload(config(section('landscape', ls.url, rest(ls), 'mapping.MODEL = grouped_hardware.system.model\n')), 'landscape');
  expect(res.stderr).toMatch(/\[landscape\] pulled 5, .*pushed 5, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('Landscape')).toEqual(range(5).map((i) => ({ ...expected(i), MODEL: 'ThinkPad X1' })));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Landscape', data_type: 'assets' });
  // Requests in flight with the expired token each get a 401; one login replaces it for all of them.
  expect(ls.logins).toBe(2);
  expect(ls.statuses).toContain(401);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  const computerPages = ls.log.filter((l) => l.startsWith('GET /api/v2/computers?'));
  expect(computerPages[0]).toBe('GET /api/v2/computers?limit=500&offset=0&with_hardware=true&with_network=true&with_annotations=true&with_grouped_hardware=true');
  expect(new Set(computerPages.filter((l) => l.includes('offset=4'))).size).toBe(1);
  // (A request refused with the expired token is sent again: the same line twice.)
  expect([...new Set(ls.log.filter((l) => l.startsWith('GET /api/v2/computers/2/packages')))]).toEqual([
    'GET /api/v2/computers/2/packages?installed=true&limit=1000&offset=0',
    'GET /api/v2/computers/2/packages?installed=true&limit=2&offset=2',
  ]);
  expect(res.stdout + res.stderr).not.toContain(ls.password);
});

test('legacy API: every request HMAC-signed (the server checks it), bare lists paged by offset; one failed computer reported, the others arrive', async () => {
  ls.failPackages(2, 403, 5);
  const res = await upload(config(section('landscape', ls.url, legacy(ls), 'query = tag:server\n')), 'landscape');
  expect(oom.records('Landscape')).toEqual([1, 3, 5].map(expected));
  expect(res.stderr).toMatch(/\[landscape\] pulled 3, .*pushed 3, failed 0/);
  expect(ls.statuses.filter((s) => s === 401)).toEqual([]);
  // The server caps limit at 2: offsets follow the items received, an empty page ends the list.
  expect(ls.log.filter((l) => l.includes('GetComputers'))).toEqual([0, 2, 3].map((offset) =>
    `GET /api/?action=GetComputers&limit=500&offset=${offset}&query=tag:server&version=2011-08-01&with_annotations=true&with_hardware=true&with_network=true`));
  const all = await upload(config(section('landscape', ls.url, legacy(ls))), 'landscape');
  expect(all.stdout + all.stderr).toMatch(/computer 2 "Application Server 2".*may not read computers and packages \(HTTP 403: Forbidden: Injected failure\)/);
  expect(all.stderr).toMatch(/\[landscape\] pulled 4, .*failed 1/);
  expect(all.code).toBe(1);
  expect(all.stdout + all.stderr).not.toContain(ls.secretKey);
});

test('bad credentials: exit 1 with a message naming the setting to check, no secret', async () => {
  const res = await upload(config(
    section('landscape', ls.url, rest(ls).replace(ls.password, 'wrong-password-1234')),
    section('landscape.legacy', ls.url, legacy(ls).replace(ls.secretKey, 'wrong-secret-key-56789')),
    section('landscape.mixed', ls.url, `${rest(ls)}\n${legacy(ls)}`),
  ), 'landscape', 'landscape.legacy');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[landscape\] password: Landscape refused the login "jane@example\.com" \(HTTP 401: InvalidCredentials: Invalid email or password\): check email, password/);
  expect(out).toMatch(/\[landscape\.legacy\] secret_key: Landscape refused the signed request of access key "0GS7553JW74RRM612K02" \(HTTP 401: Unauthorized: Invalid signature\): check access_key and secret_key, and this machine's clock/);
  for (const secret of ['wrong-password-1234', 'wrong-secret-key-56789']) expect(out).not.toContain(secret);
  const mixed = await upload(config(section('landscape', ls.url, `${rest(ls)}\n${legacy(ls)}`)), 'landscape');
  expect(mixed.code).toBe(2);
  expect(mixed.stderr).toMatch(/\[landscape\] access_key: set either email and password \(REST API, Landscape 24\.04 and later\) or access_key and secret_key \(legacy API\), not both/);
});

test('connector test: OK on both APIs, and a distinct message per failure kind', async () => {
  const empty = await startFakeLandscape({ computers: 0 });
  const forbidden = await startFakeLandscape({ forbidden: true });
  const old = await startFakeLandscape({ noRest: true });
  const closed = await startFakeLandscape();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close(), () => old.close());
  const sections = {
    rest: section('landscape.rest', ls.url, rest(ls)),
    legacy: section('landscape.legacy', ls.url, legacy(ls)),
    credentials: section('landscape.credentials', ls.url, legacy(ls).replace(ls.secretKey, 'bad-secret-4444555566667777')),
    permission: section('landscape.permission', forbidden.url, rest(forbidden)),
    old: section('landscape.old', old.url, rest(old)),
    query: section('landscape.query', ls.url, rest(ls), 'query = nosuch:selector\n'),
    empty: section('landscape.empty', empty.url, legacy(empty)),
    unreachable: section('landscape.unreachable', closed.url, rest(ls)),
    tls: section('landscape.tls', ls.url.replace('http:', 'https:'), rest(ls)),
  };
  const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `landscape.${k}`), '--ini', 'config.ini'], { cwd: dir });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[landscape.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('rest')).toBe(`OK     [landscape.rest] authenticated to ${ls.url} (REST API) as login "jane@example.com"; read computer 1 "Application Server 1"; 3 installed package(s)`);
  expect(line('legacy')).toBe(`OK     [landscape.legacy] authenticated to ${ls.url} (legacy API) as access key "0GS7553JW74RRM612K02"; read computer 1 "Application Server 1"; 3 installed package(s)`);
  expect(line('credentials')).toMatch(/^FAILED \[landscape.credentials\] .*secret_key: Landscape refused the signed request .*Invalid signature/);
  expect(line('permission')).toMatch(/^FAILED \[landscape.permission\] Landscape: login "jane@example\.com" may not read \/api\/v2\/computers \(HTTP 403: Forbidden: You are not allowed to view computers\): the account needs a role with the View computers permission$/);
  expect(line('old')).toMatch(/^FAILED \[landscape.old\] .*email: this Landscape has no REST API \(HTTP 404 from \/api\/v2\/login; Landscape 24\.04 or later is needed\): set access_key and secret_key/);
  expect(line('query')).toMatch(/^FAILED \[landscape.query\] .*query: Landscape refused the query \(HTTP 400: InvalidQueryError: Invalid query: nosuch:selector\)/);
  expect(line('empty')).toBe(`OK     [landscape.empty] authenticated to ${empty.url} (legacy API) as access key "0GS7553JW74RRM612K02"; no computers`);
  expect(line('unreachable')).toMatch(/^FAILED \[landscape.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[landscape.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-secret-4444555566667777');
}, 60_000);
