/** End to end: the built CLI reads the Zendesk test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeZendesk, type FakeZendesk } from '../../support/fakeZendesk.js';
import { unordered } from '../../helpers/unordered.js';

const TOKEN = 'zd-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv';

let oom: FakeOomnitza;
let zd: FakeZendesk;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  zd = await startFakeZendesk({ users: 250, organizations: 150 });
});
afterEach(async () => {
  await oom.close();
  await zd.close();
});

const section = (name = 'zendesk', url = zd.url, extra = '') => `[${name}]
enable = True
system_name = acme
url = ${url}
api_token = ${TOKEN}
username = admin@example.com
default_role = 25
default_position = Employee
sync_field = USER
${extra}`;
const config = (...sections: string[]) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;

async function upload(ini: string, ...names: string[]) {
  const dir = tempDir({ 'config.ini': ini });
  return runCli(['upload', ...(names.length ? names : ['zendesk']), '--ini', 'config.ini'], { cwd: dir });
}
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);

/** Default mappings (names split by first_from_full / last_from_full) plus the organization's name. */
function expected(i: number) {
  const u = zd.user(i) as { email: string; name: string; phone: string | null; organization_id: number | null };
  const words = u.name.split(' ');
  const org = u.organization_id !== null && u.organization_id <= 360_150 ? `Org ${u.organization_id - 360_000}` : null;
  return { USER: u.email, FIRST_NAME: words[0], LAST_NAME: words[words.length - 1], EMAIL: u.email, PHONE: u.phone, PERMISSIONS_ID: '25', ORGANIZATION: org, POSITION: 'Employee' };
}

test('load_organizations: organizations first, then users, both cursor-paged; exact payloads with the organization\'s name', async () => {
  const res = await upload(config(section('zendesk', zd.url, 'load_organizations = True\nmapping.ORGANIZATION = organization.name\n')));
  expect(res.stderr).toMatch(/\[zendesk\] pulled 250, .*pushed 250, failed 0/);
  expect(res.code).toBe(0);
  expect(unordered(oom.records('Zendesk'))).toEqual(unordered(range(250).map(expected)));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'Zendesk', data_type: 'users', sync_field: ['USER'] });
  expect(zd.log.map((l) => l.replace(/page\[after\]=[\w-]+/, 'page[after]=*'))).toEqual([
    'GET /api/v2/organizations.json?page[size]=100',
    'GET /api/v2/organizations.json?page[after]=*&page[size]=100',
    'GET /api/v2/users.json?page[size]=100',
    'GET /api/v2/users.json?page[after]=*&page[size]=100',
    'GET /api/v2/users.json?page[after]=*&page[size]=100',
  ]);
  expect(res.stderr).toContain('loaded 150 organization(s)');
  expect(res.stdout + res.stderr).not.toContain(TOKEN);
});

test('a 429 and a 500 mid-run are waited out and retried, nothing is lost; load_organizations = False loads none', async () => {
  // Zendesk writes whole seconds in Retry-After; a tenth keeps the test fast (a fake clock checks 93 s elsewhere).
  zd.throttlePage('users', 1, 2, '0.1');
  zd.failPage('users', 2, 500);
  const res = await upload(config(section('zendesk', zd.url, 'load_organizations = False\n')));
  expect(res.code).toBe(0);
  expect(oom.records('Zendesk').map((r) => r.USER)).toEqual(range(250).map((i) => `agent${i}@example.com`));
  expect(zd.statuses.filter((s) => s === 429)).toHaveLength(2);
  expect(zd.statuses.filter((s) => s === 500)).toHaveLength(1);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
  // The original enabled it for any non-empty value, "False" included.
  expect(zd.log.filter((l) => l.includes('organizations'))).toEqual([]);
});

test('bad credentials: exit 1, a message naming api_token, no secret; a page Zendesk refuses stops the section loudly', async () => {
  const refused = await startFakeZendesk({ users: 250 });
  refused.failPage('users', 1, 400);
  try {
    const res = await upload(config(section('zendesk').replace(TOKEN, 'wrong-token-0000111122223333'), section('zendesk.refused', refused.url)), 'zendesk', 'zendesk.refused');
    const out = res.stdout + res.stderr;
    expect(res.code).toBe(1);
    expect(out).toMatch(/\[zendesk\] api_token: Zendesk rejected "admin@example\.com\/token" with the api_token \(HTTP 401: Couldn't authenticate you\): check username/);
    expect(out).not.toContain('wrong-token-0000111122223333');
    expect(out).not.toContain(TOKEN);
    expect(out).toMatch(/\[zendesk\.refused\] pulled 100, .*pushed 100, .*FAILED: reading from the source failed: .*GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/users\.json failed: HTTP 400: InvalidValue: Injected failure/);
    expect(oom.records('Zendesk')).toHaveLength(100);
  } finally {
    await refused.close();
  }
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const endUser = await startFakeZendesk({ role: 'end-user' });
  const empty = await startFakeZendesk({ users: 0 });
  const closed = await startFakeZendesk();
  await closed.close();
  const sections = {
    ok: section('zendesk.ok'),
    credentials: section('zendesk.credentials').replace(TOKEN, 'bad-token-4444555566667777'),
    permission: section('zendesk.permission', endUser.url),
    empty: section('zendesk.empty', empty.url),
    unreachable: section('zendesk.unreachable', closed.url),
    tls: section('zendesk.tls', zd.url.replace('http:', 'https:')),
  };
  let res;
  try {
    const dir = tempDir({ 'config.ini': config(...Object.values(sections)) });
    res = await runCli(['test', ...Object.keys(sections).map((k) => `zendesk.${k}`), '--ini', 'config.ini'], { cwd: dir });
  } finally {
    await endUser.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[zendesk.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [zendesk.ok] authenticated to ${zd.url} as "admin@example.com"; read user 900001 "agent1@example.com"`);
  expect(line('credentials')).toMatch(/^FAILED \[zendesk.credentials\] .*api_token: Zendesk rejected "admin@example\.com\/token" with the api_token \(HTTP 401: Couldn't authenticate you\)/);
  expect(line('permission')).toMatch(/^FAILED \[zendesk.permission\] Zendesk: "admin@example\.com" may not read \/api\/v2\/users\.json \(HTTP 403: Forbidden: You do not have access to this page\..*\): listing users and organizations needs an agent or admin account$/);
  expect(line('empty')).toBe(`OK     [zendesk.empty] authenticated to ${empty.url} as "admin@example.com"; no users`);
  expect(line('unreachable')).toMatch(/^FAILED \[zendesk.unreachable\] .*GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/users\.json failed: connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[zendesk.tls\] .*TLS handshake failed/);
  expect(res.stdout + res.stderr).not.toContain('bad-token-4444555566667777');
}, 60_000);
