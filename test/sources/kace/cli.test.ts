/** End to end: the built CLI reads the KACE SMA test server (before and after 12.1) and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeKace, type FakeKace } from '../../support/fakeKace.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
let kace: FakeKace;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  // Two machines per page: every read pages.
  kace = await startFakeKace({ machines: 5, maxLimit: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), kace.close(), ...closers.splice(0).map((c) => c())]);
});

const creds = (k: FakeKace) => `username = ${k.username}\npassword = ${k.password}`;
const section = (name: string, url: string, auth: string, extra = '') =>
  `[${name}]\nenable = True\nurl = ${url}\n${auth}\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = Bios_serial_number\nmapping.NAME = Name\nmapping.USER = User_logged\nmapping.LAST_SYNC = Last_sync\n${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const upload = (ini: string, ...names: string[]) => runCli(['upload', ...names, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const paging = (offset: number) => `GET /api/inventory/machines?shaping=machine%20all,software%20standard&paging=limit%20100%20offset%20${offset}`;

/** Default mapping APPLICATIONS <- software, Last_sync through the default `timestamp` converter, "empty" made ''. */
function expected(i: number) {
  const software = i === 4 ? [] : range(i % 3).map((k) => ({ name: `Program ${k - 1}`, version: `${i}.${k - 1}`, path: null }));
  const lastSync = i === 2 ? '' : Date.UTC(2026, 10, 10 + (i % 10), 12, 30) / 1000;
  return { APPLICATIONS: software, SERIAL_NUMBER: `KSN${i}`, NAME: `PC-${i}`, USER: i % 2 ? `CORP\\user${i}` : '', LAST_SYNC: lastSync };
}

test('SMA 12.1+: login with x-kace-api-version, no CSRF token; paged by offset, exact payloads; a 429 and an expired session mid-run', async () => {
  kace.throttle(1, '0.1', 1);
  kace.expireSessions(2);
  const res = await upload(config(section('kace', kace.url, creds(kace), 'api_version = 13\n')), 'kace');
  expect(res.stderr).toMatch(/\[kace\] pulled 5, .*pushed 5, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('KACE')).toEqual(range(5).map(expected));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'KACE', data_type: 'assets' });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  expect(kace.logins).toBe(2);
  expect(kace.statuses).toContain(401);
  expect([...new Set(kace.log.filter((l) => l.startsWith('GET')))]).toEqual([0, 2, 4, 5].map(paging));
  for (const h of kace.inventoryHeaders) expect(h).toMatchObject({ 'x-kace-api-version': '13', 'x-dell-api-version': '13' });
  expect(kace.inventoryHeaders.some((h) => 'x-dell-csrf-token' in h)).toBe(false);
  expect(res.stdout + res.stderr).not.toContain(kace.password);
});

test('before 12.1: the x-dell-csrf-token of the login is sent back on every call (the server checks it)', async () => {
  const old = await startFakeKace({ machines: 3, generation: 'legacy' });
  closers.push(() => old.close());
  old.expireSessions(1);
  const res = await upload(config(section('kace', old.url, creds(old))), 'kace');
  expect(res.code).toBe(0);
  expect(oom.records('KACE')).toEqual(range(3).map(expected));
  expect(old.logins).toBe(2);
  const csrf = old.inventoryHeaders.map((h) => h['x-dell-csrf-token']);
  expect(csrf.every((t) => typeof t === 'string' && t.startsWith('csrf-'))).toBe(true);
  expect(new Set(csrf).size).toBe(2);
});

test('bad credentials: exit 1 with a message naming the settings, no secret', async () => {
  const res = await upload(config(
    section('kace', kace.url, creds(kace).replace(kace.password, 'wrong-password-1234')),
    section('kace.org', kace.url, creds(kace), 'organization_name = Sales\n'),
  ), 'kace', 'kace.org');
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[kace\] password: KACE SMA refused the login of user "admin" of organization "Default" \(HTTP 401: Invalid username, password or organization\): check username, password and organization_name/);
  expect(out).toMatch(/\[kace\.org\] password: KACE SMA refused the login of user "admin" of organization "Sales"/);
  expect(out).not.toContain('wrong-password-1234');
  const bad = await upload(config(section('kace', kace.url, creds(kace), 'api_version = latest\n')), 'kace');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/\[kace\] api_version: "latest" is not an API version number/);
});

test('connector test: OK on both generations, and a distinct message per failure kind', async () => {
  const old = await startFakeKace({ generation: 'legacy' });
  const empty = await startFakeKace({ machines: 0 });
  const forbidden = await startFakeKace({ forbidden: true });
  const closed = await startFakeKace();
  await closed.close();
  closers.push(() => old.close(), () => empty.close(), () => forbidden.close());
  const sections = {
    modern: section('kace.modern', kace.url, creds(kace)),
    legacy: section('kace.legacy', old.url, creds(old)),
    credentials: section('kace.credentials', kace.url, creds(kace).replace(kace.password, 'nope-nope-nope')),
    permission: section('kace.permission', forbidden.url, creds(forbidden)),
    empty: section('kace.empty', empty.url, creds(empty)),
    unreachable: section('kace.unreachable', closed.url, creds(kace)),
    tls: section('kace.tls', kace.url.replace('http:', 'https:'), creds(kace)),
  };
  const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
  const res = await runCli(['test', ...Object.keys(sections).map((k) => `kace.${k}`), '--ini', 'config.ini'], { cwd: dir });
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[kace.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('modern')).toBe(`OK     [kace.modern] authenticated to ${kace.url} as user "admin" of organization "Default" (API version 8); read machine 1 "PC-1" (1 installed program(s))`);
  expect(line('legacy')).toBe(`OK     [kace.legacy] authenticated to ${old.url} as user "admin" of organization "Default" (API version 8, with a CSRF token: an appliance before 12.1); read machine 1 "PC-1" (1 installed program(s))`);
  expect(line('credentials')).toMatch(/^FAILED \[kace.credentials\] .*password: KACE SMA refused the login .*HTTP 401/);
  expect(line('permission')).toMatch(/^FAILED \[kace.permission\] KACE SMA: user "admin" of organization "Default" may not read \/api\/inventory\/machines \(HTTP 403: Access denied: insufficient permissions\): the user needs a role that may read the inventory/);
  expect(line('empty')).toBe(`OK     [kace.empty] authenticated to ${empty.url} as user "admin" of organization "Default"; the inventory lists no machines`);
  expect(line('unreachable')).toMatch(/^FAILED \[kace.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[kace.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('nope-nope-nope');
}, 60_000);
