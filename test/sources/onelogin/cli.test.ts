/** End to end: the built CLI reads the OneLogin test server and pushes to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOneLogin, type FakeOneLogin } from '../../support/fakeOneLogin.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

const SECRET = 'ol-secret-s3cr3t-value';
const API_KEY = 'legacy-key-abcdef123456';

let oom: FakeOomnitza;
let onelogin: FakeOneLogin;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  onelogin = await startFakeOneLogin({ users: 7, pageSize: 3, legacyPageSize: 3 });
});
afterEach(async () => {
  await oom.close();
  await onelogin.close();
});

function config(section: string): string {
  return `[oomnitza]
url = ${oom.url}
api_token = ${oom.token}

${section}
`;
}
/** A section as written for the original: its API/1 url, read through API v2 (name, url and extra lines may change). */
const api1Section = (name = 'onelogin', url = `${onelogin.url}/api/1/users`, extra = '') => `[${name}]
enable = True
url = ${url}
client_id = ol-client-0123
client_secret = ${SECRET}
default_role = 25
default_position = Employee
sync_field = USER
${extra}`;
const legacySection = (name = 'onelogin', extra = '') => `[${name}]
enable = True
url = ${onelogin.url}/api/v2/users.xml
api_token = ${API_KEY}
default_role = 25
default_position = Employee
sync_field = USER
${extra}`;
const api1 = (extra = '') => config(api1Section('onelogin', undefined, extra));
const legacy = (extra = '') => config(legacySection('onelogin', extra));

async function upload(ini: string) {
  const dir = tempDir({ 'config.ini': ini });
  return runCli(['upload', 'onelogin', '--ini', 'config.ini'], { cwd: dir });
}

/** What the default mappings (plus a custom attribute and a built-in field) make of user i. */
function expectedApi1(i: number) {
  const u = onelogin.user(i) as Record<string, unknown> & { custom_attributes: Record<string, unknown> };
  return {
    USER: u.username, FIRST_NAME: u.firstname, LAST_NAME: u.lastname, EMAIL: u.email, PHONE: u.phone,
    PERMISSIONS_ID: '25', COST_CENTER: u.custom_attributes.cost_center, DEPARTMENT: u.department,
    KIND: u.custom_attributes.employee_type, POSITION: 'Employee',
  };
}
const CUSTOM_MAPPINGS = 'mapping.COST_CENTER = cost_center\nmapping.DEPARTMENT = department\nmapping.KIND = custom_attributes.employee_type\n';

test('an original config: three After-Cursor pages of API v2, exact payloads, the token from the url\'s own host, custom attributes by bare name', async () => {
  const res = await upload(api1(CUSTOM_MAPPINGS));
  expect(res.stderr).toMatch(/\[onelogin\] pulled 7, .*pushed 7, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records('OneLogin')).toEqual([1, 2, 3, 4, 5, 6, 7].map(expectedApi1));
  // The original posted to https://api.us.onelogin.com whatever url said; here the tenant's host issued the token.
  expect(onelogin.log.filter((l) => l.startsWith('POST'))).toEqual(['POST /auth/oauth2/v2/token']);
  expect(onelogin.log.filter((l) => l.startsWith('GET'))).toEqual([
    expect.stringMatching(/^GET \/api\/2\/users\?limit=50&fields=[\w%]+$/),
    expect.stringMatching(/^GET \/api\/2\/users\?limit=50&fields=[\w%]+&cursor=[\w%]+$/),
    expect.stringMatching(/&cursor=/),
  ]);
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'OneLogin', data_type: 'users', sync_field: ['USER'] });
  expect(res.stdout + res.stderr).not.toContain(SECRET);
});

test('a 429 mid-run is waited out as X-RateLimit-Reset says and nothing is lost', async () => {
  // OneLogin sends whole seconds; a tenth keeps the test fast (the wait itself is checked with a fake clock elsewhere).
  onelogin.throttlePage(1, 2, 0.1);
  const res = await upload(api1());
  expect(res.code).toBe(0);
  expect(oom.records('OneLogin').map((r) => r.USER)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `user${i}`));
  expect(onelogin.statuses.filter((s) => s === 429)).toHaveLength(2);
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 0\.1 s as the server asks/);
});

test('a token that expires mid-run is renewed once and the read goes on with nothing lost', async () => {
  onelogin.expireTokensAfterPages(1);
  const res = await upload(api1());
  expect(res.code).toBe(0);
  expect(oom.records('OneLogin')).toHaveLength(7);
  expect(onelogin.tokensIssued).toBe(2);
  expect(onelogin.statuses.filter((s) => s === 401)).toHaveLength(1);
});

test('a page failing with 500 is retried and nothing is lost', async () => {
  onelogin.failPage(1, 500);
  const res = await upload(api1());
  expect(res.code).toBe(0);
  expect(oom.records('OneLogin').map((r) => r.USER)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `user${i}`));
  expect(onelogin.statuses.filter((s) => s === 500)).toHaveLength(1);
});

test('legacy XML API: pages from 1, a page of one user, nil values null, custom_attribute_ reached by bare name', async () => {
  const res = await upload(legacy('mapping.COST_CENTER = cost_center\nmapping.EXTERNAL = external-id\n'));
  expect(res.code).toBe(0);
  expect(res.stderr).toContain('legacy OneLogin XML API (api_token) is deprecated');
  expect(oom.records('OneLogin')).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => {
    const u = onelogin.user(i) as Record<string, unknown> & { custom_attributes: Record<string, unknown> };
    return {
      USER: u.username, FIRST_NAME: u.firstname, LAST_NAME: u.lastname, EMAIL: u.email,
      // `<phone nil="true">` (an empty phone) is null, as the original made it.
      PHONE: u.phone === '' ? null : u.phone, PERMISSIONS_ID: '25', COST_CENTER: u.custom_attributes.cost_center, EXTERNAL: null, POSITION: 'Employee',
    };
  }));
  expect(onelogin.log).toEqual([1, 2, 3, 4].map((p) => `GET /api/v2/users.xml?include_custom_attributes=true&page=${p}`));
  expect(res.stdout + res.stderr).not.toContain(API_KEY);
});

test('bad credentials: exit 1, a message naming the setting, no secret', async () => {
  const ini = config(`${api1Section('onelogin').replace(SECRET, 'not-the-secret-999')}
${legacySection('onelogin.legacy').replace(API_KEY, 'wrong-legacy-key-777')}`);
  const dir = tempDir({ 'config.ini': ini });
  const res = await runCli(['upload', 'onelogin', 'onelogin.legacy', '--ini', 'config.ini'], { cwd: dir });
  const out = res.stdout + res.stderr;
  expect(res.code).toBe(1);
  expect(out).toMatch(/\[onelogin\] client_secret: OneLogin refused API credential "ol-client-0123" at http:\/\/127\.0\.0\.1:\d+\/auth\/oauth2\/v2\/token \(HTTP 401: Unauthorized Error\): check client_id and client_secret/);
  expect(out).toMatch(/\[onelogin\.legacy\] api_token: OneLogin rejected the api_token on \/api\/v2\/users\.xml \(HTTP 401: HTTP Basic: Access denied\.\)/);
  expect(out).not.toContain('not-the-secret-999');
  expect(out).not.toContain('wrong-legacy-key-777');
  expect(oom.records('OneLogin')).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const scoped = await startFakeOneLogin({ scope: 'authentication_only' });
  const empty = await startFakeOneLogin({ users: 0 });
  const closed = await startFakeOneLogin();
  await closed.close();
  const sections = {
    ok: api1Section('onelogin.ok'),
    legacy: legacySection('onelogin.legacy'),
    credentials: api1Section('onelogin.credentials').replace(SECRET, 'bad-secret-123'),
    permission: api1Section('onelogin.permission', `${scoped.url}/api/1/users`),
    empty: api1Section('onelogin.empty', `${empty.url}/api/1/users`),
    unreachable: api1Section('onelogin.unreachable', `${closed.url}/api/1/users`),
    tls: api1Section('onelogin.tls', `${onelogin.url.replace('http:', 'https:')}/api/1/users`),
  };
  let res;
  try {
    const dir = tempDir({ 'config.ini': config(Object.values(sections).join('\n')) });
    res = await runCli(['test', ...Object.keys(sections).map((k) => `onelogin.${k}`), '--ini', 'config.ini'], { cwd: dir });
  } finally {
    await scoped.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[onelogin.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [onelogin.ok] authenticated to ${onelogin.url} with API credential "ol-client-0123"; read user 5001 "user1"`);
  expect(line('legacy')).toBe(`OK     [onelogin.legacy] authenticated to ${onelogin.url} with the legacy api_token; read user 5001 "user1"`);
  expect(line('credentials')).toMatch(/^FAILED \[onelogin.credentials\] .*client_secret: OneLogin refused API credential "ol-client-0123" .*\(HTTP 401: Unauthorized Error\): check client_id and client_secret, and that url names your OneLogin host/);
  expect(line('permission')).toMatch(/^FAILED \[onelogin.permission\] OneLogin refused a fresh token of API credential "ol-client-0123" on \/api\/2\/users \(HTTP 403: Forbidden\): the credential needs the "Read users" scope/);
  expect(line('empty')).toMatch(/^OK     \[onelogin.empty\] authenticated to .* with API credential "ol-client-0123"; no users$/);
  expect(line('unreachable')).toMatch(/^FAILED \[onelogin.unreachable\] .*POST http:\/\/127\.0\.0\.1:\d+\/auth\/oauth2\/v2\/token failed: connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[onelogin.tls\] .*TLS/);
  expect(res.stdout + res.stderr).not.toContain('bad-secret-123');
}, 60_000);
