/** End to end: the built CLI reads the Okta test server and pushes to the fake Oomnitza. */
import { makeSelfSignedCert, startTestServer } from '../../support/httpTestServer.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeOkta, type FakeOkta, type OktaUser } from '../../support/fakeOkta.js';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { unordered } from '../../helpers/unordered.js';

let oom: FakeOomnitza;
let fake: FakeOkta;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  fake = await startFakeOkta({ users: 5, deprovisioned: 2, maxLimit: 2 });
});
afterEach(async () => {
  await Promise.all([oom.close(), fake.close(), ...closers.splice(0).map((c) => c())]);
});

function section(name: string, url: string, token: string, extra = ''): string {
  return `[${name}]\nenable = True\nurl = ${url}\napi_token = ${token}\ndefault_role = 25\ndefault_position = Employee\nsync_field = USER\n${extra}`;
}

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
}

/** What the default mappings make of an Okta user (plus default_role / default_position). */
function payload(u: OktaUser) {
  return {
    USER: u.profile.login,
    FIRST_NAME: u.profile.firstName,
    LAST_NAME: u.profile.lastName,
    EMAIL: u.profile.email,
    PHONE: u.profile.mobilePhone,
    PERMISSIONS_ID: '25',
    POSITION: 'Employee',
  };
}

test('every page and the DEPROVISIONED pass arrive with exact payloads (default mappings applied)', async () => {
  const dir = tempDir({ 'config.ini': config(section('okta', fake.url, fake.token, 'deprovisioned = True\n')) });
  const res = await runCli(['upload', 'okta', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/\[okta\] pulled 7, filtered out 0, skipped 0, pushed 7, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.log).toContain('GET /api/v2/mappings?name=Okta');
  expect(oom.bulkRequests.every((b) => b.connector_name === 'Okta' && b.data_type === 'users')).toBe(true);
  expect(unordered(oom.records('Okta'))).toEqual(unordered([...fake.listed(), ...fake.deprovisionedUsers()].map(payload)));
  // Three pages of the plain list, one of the filtered one.
  expect(fake.requests.map((r) => r.query.filter ?? '')).toEqual(['', '', '', 'status eq "DEPROVISIONED"']);
  expect(res.stderr + res.stdout).not.toContain(fake.token);
});

test('a 429 mid-run is waited out until X-Rate-Limit-Reset and nothing is lost', async () => {
  // After two pages other clients use up the org's window; it resets at the next whole second after 300 ms.
  fake.exhaustRateLimitAfter(2, 300);
  const dir = tempDir({ 'config.ini': config(section('okta', fake.url, fake.token, 'deprovisioned = true\n')) });
  const res = await runCli(['upload', 'okta', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  // Okta answers 429 to every request before the reset: one 429 means the client waited long enough.
  expect(fake.throttled).toBe(1);
  expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 429, 200, 200]);
  expect(res.stderr).toMatch(/\[okta\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
  expect(unordered(oom.records('Okta'))).toEqual(unordered([...fake.listed(), ...fake.deprovisionedUsers()].map(payload)));
});

test('a wrong token stops the section: exit 1, the setting named, the token never printed', async () => {
  const dir = tempDir({ 'config.ini': config(section('okta', fake.url, 'stale-token-9f8e7d6c5b')) });
  const res = await runCli(['upload', 'okta', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('[okta] api_token: Okta rejected the API token (HTTP 401: Invalid token provided (E0000011)). Check api_token');
  expect(res.stderr + res.stdout).not.toContain('stale-token-9f8e7d6c5b');
  expect(fake.requests).toHaveLength(1);
  expect(oom.records('Okta')).toEqual([]);
});

test('connector test: one distinct message per failure kind', async () => {
  const empty = await startFakeOkta({ users: 0 });
  const forbidden = await startFakeOkta({ forbiddenToken: 'helpdesk-token-0000' });
  const certDir = tempDir();
  const cert = makeSelfSignedCert(certDir);
  const tls = await startTestServer(() => ({ json: [] }), { tls: { key: cert.key, cert: cert.cert } });
  const gone = await startTestServer(() => ({ json: [] }));
  await gone.close();
  closers.push(() => empty.close(), () => forbidden.close(), () => tls.close());

  const dir = tempDir({
    'config.ini': config(
      section('okta', fake.url, fake.token),
      section('okta.stale', fake.url, 'stale-token-9f8e7d6c5b'),
      section('okta.helpdesk', forbidden.url, 'helpdesk-token-0000'),
      section('okta.down', gone.url, fake.token),
      section('okta.tls', tls.url, fake.token),
      section('okta.empty', empty.url, empty.token),
    ),
  });
  const res = await runCli(['test', 'okta', 'okta.stale', 'okta.helpdesk', 'okta.down', 'okta.tls', 'okta.empty', '--ini', 'config.ini'], { cwd: dir });
  const lines = res.stdout.split('\n');
  const line = (name: string) => lines.find((l) => l.includes(`[${name}]`)) ?? '';
  expect(line('okta')).toMatch(new RegExp(`^OK     \\[okta\\] authenticated to ${fake.url} with the API token; read user "user1@example.com" \\(ACTIVE\\); \\d+ of 600 requests left`));
  expect(line('okta.stale')).toMatch(/^FAILED \[okta.stale\] api_token: Okta rejected the API token \(HTTP 401: Invalid token provided \(E0000011\)\)/);
  expect(line('okta.helpdesk')).toMatch(/^FAILED \[okta.helpdesk\] api_token: the API token may not list users \(HTTP 403: .*E0000006.*Read-Only Administrator/);
  expect(line('okta.down')).toMatch(/^FAILED \[okta.down\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v1\/users failed: connection refused/);
  expect(line('okta.tls')).toMatch(/^FAILED \[okta.tls\] GET https:\/\/127\.0\.0\.1:\d+\/api\/v1\/users failed: TLS: the server's certificate is self-signed \(check verify_ssl, cacert_file and ssl_protocol\)/);
  expect(line('okta.empty')).toMatch(/^FAILED \[okta.empty\] authenticated to .* but Okta lists no users/);
  expect(res.stdout).not.toMatch(/stale-token|helpdesk-token/);
  expect(res.code).toBe(1);
});
