/** End to end: the built CLI reads the Tanium test server (login session or API token) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { assetId, startFakeTanium, type FakeTanium } from '../../support/fakeTanium.js';

let oom: FakeOomnitza;
let tn: FakeTanium;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  // Two assets per page: every read pages.
  tn = await startFakeTanium({ assets: 5, maxLimit: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), tn.close(), ...closers.splice(0).map((c) => c())]);
});

const login = (s: FakeTanium) => `username = ${s.username}\npassword = ${s.password}\ndomain = ${s.domain}`;
const token = (s: FakeTanium) => `session_token = ${s.apiToken}`;
const section = (name: string, url: string, auth: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial_number\nmapping.NAME = computer_name\n${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });

function expected(i: number) {
  const apps = i % 3 === 0 ? [] : range(i % 3).map((k) => ({ name: `App ${k - 1}`, version: `${i}.${k - 1}`, path: null }));
  return { APPLICATIONS: apps, SERIAL_NUMBER: `TSN${i}`, NAME: `ws${i}.example.com` };
}

test('login session: assets paged by nextAssetId (ids with gaps), exact payloads; a 429 and an expired session mid-run; logout at the end', async () => {
  tn.throttle(1, '0.1', 1);
  tn.expireSessions(2);
  const res = await upload(config(section('tanium', tn.url, login(tn), 'mapping.MODEL = model\n')), 'tanium');
  expect(res.stderr).toMatch(/\[tanium\] pulled 5, .*pushed 5, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('Tanium')).toEqual(range(5).map((i) => ({ ...expected(i), MODEL: 'Latitude 7440' })));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Tanium', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  // The expired session was refused with a 403: one new login, the request sent again, nothing lost.
  expect(tn.logins).toBe(2);
  expect(tn.statuses).toContain(403);
  expect(tn.logouts).toBe(1);
  const pages = [...new Set(tn.log.filter((l) => l.startsWith('GET /plugin/products/asset/v1/assets')))];
  expect(pages).toEqual([1, assetId(2) + 1, assetId(4) + 1, assetId(5) + 1].map((n) => `GET /plugin/products/asset/v1/assets?limit=100&minimumAssetId=${n}`));
  expect(tn.log[0]).toBe('POST /api/v2/session/login');
  expect(res.stdout + res.stderr).not.toContain(tn.password);
});

test('API token: sent verbatim in the session header, no login; view adds viewId', async () => {
  const res = await upload(config(section('tanium', tn.url, token(tn), 'view = 17\n')), 'tanium');
  expect(res.code).toBe(0);
  expect(oom.records('Tanium')).toEqual(range(5).map((i) => ({ APPLICATIONS: [], SERIAL_NUMBER: `TSN${i}`, NAME: `ws${i}.example.com` })));
  expect(tn.logins).toBe(0);
  expect(new Set(tn.sessionsSeen)).toEqual(new Set([tn.apiToken]));
  expect(tn.log[0]).toBe('GET /plugin/products/asset/v1/assets?limit=100&minimumAssetId=1&viewId=17');
  expect(res.stdout + res.stderr).not.toContain(tn.apiToken);
});

test('bad credentials: exit 1 with a message naming the setting, no secret; a nextAssetId that does not advance is an error', async () => {
  const res = await upload(config(
    section('tanium', tn.url, login(tn).replace(tn.password, 'wrong-password-1234')),
    section('tanium.token', tn.url, 'session_token = token-0000000000revoked0000000000'),
    section('tanium.none', tn.url, 'domain = CORP'),
  ), 'tanium', 'tanium.token');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[tanium\] password: Tanium refused the login "CORP\\svc-oomnitza" \(HTTP 403: Invalid credentials\): check username, password and domain/);
  expect(out).toMatch(/\[tanium\.token\] session_token: Tanium refused the API token in session_token \(HTTP 403: Not Authorized\): check that the token \(token-\.\.\.\) has not expired/);
  for (const secret of ['wrong-password-1234', 'token-0000000000revoked0000000000']) expect(out).not.toContain(secret);
  const none = await upload(config(section('tanium', tn.url, 'domain = CORP')), 'tanium');
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/\[tanium\] username: set session_token \(a Tanium API token\), or username and password to log in/);

  const stuck = await startFakeTanium({ assets: 5, maxLimit: 2, stuck: true });
  closers.push(() => stuck.close());
  const loop = await upload(config(section('tanium', stuck.url, token(stuck))), 'tanium');
  expect(loop.code).toBe(1);
  expect(loop.stdout + loop.stderr).toMatch(/pagination loops: meta\.nextAssetId 1 does not advance past minimumAssetId 1/);
});

test('connector test: OK with a login and a token, and a distinct message per failure kind', async () => {
  const empty = await startFakeTanium({ assets: 0 });
  const forbidden = await startFakeTanium({ forbidden: true });
  const closed = await startFakeTanium();
  await closed.close();
  closers.push(() => empty.close(), () => forbidden.close());
  const sections = {
    login: section('tanium.login', tn.url, login(tn)),
    token: section('tanium.token', tn.url, token(tn), 'view = 17\n'),
    credentials: section('tanium.credentials', tn.url, login(tn).replace('CORP', 'OTHER')),
    permission: section('tanium.permission', forbidden.url, login(forbidden)),
    view: section('tanium.view', tn.url, token(tn), 'view = 99\n'),
    empty: section('tanium.empty', empty.url, token(empty)),
    unreachable: section('tanium.unreachable', closed.url, token(tn)),
    tls: section('tanium.tls', tn.url.replace('http:', 'https:'), token(tn)),
  };
  const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `tanium.${k}`), '--ini', 'config.ini'], { cwd: dir });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[tanium.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('login')).toBe(`OK     [tanium.login] authenticated to ${tn.url} with the login "CORP\\svc-oomnitza"; read asset 1 "ws1.example.com" (1 installed application(s))`);
  expect(line('token')).toBe(`OK     [tanium.token] authenticated to ${tn.url} with the API token in session_token (view 17); read asset 1 "ws1.example.com" (0 installed application(s))`);
  expect(line('credentials')).toMatch(/^FAILED \[tanium.credentials\] .*password: Tanium refused the login "OTHER\\svc-oomnitza" \(HTTP 403: Invalid credentials\)/);
  expect(line('permission')).toMatch(/^FAILED \[tanium.permission\] Tanium: the login "CORP\\svc-oomnitza" may not read \/plugin\/products\/asset\/v1\/assets \(HTTP 403: Forbidden: the user lacks the Asset Report Read permission\), even with a new session: the account needs the Asset Report Read permission$/);
  expect(line('view')).toMatch(/^FAILED \[tanium.view\] .*view: Tanium refused the view \(HTTP 400: view 99 not found\)/);
  expect(line('empty')).toBe(`OK     [tanium.empty] authenticated to ${empty.url} with the API token in session_token; the Asset module lists no assets`);
  expect(line('unreachable')).toMatch(/^FAILED \[tanium.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[tanium.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain(tn.password);
}, 60_000);
