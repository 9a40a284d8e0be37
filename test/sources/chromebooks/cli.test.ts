/** End to end: the built CLI reads the Google test server's ChromeOS devices and pushes them to the fake Oomnitza. */
import fs from 'node:fs';
import path from 'node:path';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { makeSelfSignedCert, startTestServer } from '../../support/httpTestServer.js';

let oom: FakeOomnitza;
let g: FakeGoogle;
const closers: Array<() => Promise<void>> = [];
beforeEach(async () => {
  oom = await startFakeOomnitza();
  g = await startFakeGoogle({ chromeDevices: 5 });
});
afterEach(async () => {
  await Promise.all([oom.close(), g.close(), ...closers.splice(0).map((c) => c())]);
});

function section(name: string, server: { url: string; tokenUrl: string }, o: { admin?: string; key?: string } = {}, extra = ''): string {
  return `[${name}]
enable = True
service_account_impersonate = ${o.admin ?? 'admin@example.com'}
service_account_json_key = ${o.key ?? g.keyJson}
url = ${server.url}
token_url = ${server.tokenUrl}
${extra}`;
}

const MAPPINGS = `page_size = 2
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber
mapping.MODEL = model
mapping.ASSIGNED_TO = recentUsers.0.email
mapping.OS_VERSION = osVersion
mapping.ASSET_TAG = annotatedAssetId
mapping.RAM = systemRamTotal
`;

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;
}

function expected(i: number) {
  const d = g.chromeDevice(i) as Record<string, unknown> & { recentUsers: Array<{ email?: string }> };
  return {
    SERIAL_NUMBER: d.serialNumber, MODEL: d.model, ASSIGNED_TO: d.recentUsers[0].email, OS_VERSION: d.osVersion,
    ASSET_TAG: d.annotatedAssetId, RAM: d.systemRamTotal,
  };
}

test('three pages, a 403 rate limit and a token expiry mid-run: every device once, exact payloads', async () => {
  g.throttle(1, { status: 403, afterPages: 1 });
  g.expireTokensAfterPages(2);
  const dir = tempDir({ 'config.ini': config(section('chromebooks', g, {}, MAPPINGS)) });
  const res = await runCli(['upload', 'chromebooks', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/\[chromebooks\] pulled 5, filtered out 0, skipped 0, pushed 5, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.log).toContain('GET /api/v2/mappings?name=Chromebooks');
  expect(oom.records('Chromebooks')).toEqual([1, 2, 3, 4, 5].map(expected));
  for (const bulk of oom.bulkRequests) expect(bulk).toMatchObject({ data_type: 'assets', connector_name: 'Chromebooks', sync_field: ['SERIAL_NUMBER'] });
  // Page 2 was rate limited once (and retried), page 3 met the expired token, which was renewed.
  expect(g.pages.map((p) => p.status)).toEqual([200, 403, 200, 401, 200]);
  expect(g.tokensIssued).toBe(2);
  expect(res.stderr).toMatch(/HTTP 403: userRateLimitExceeded: Quota exceeded .*; retry 1 of 5 in \d+ ms/);
  expect(res.stderr + res.stdout).not.toContain(g.key.private_key.split('\n')[1]);
});

test("the original's section as its README shows it (key {}): exit 2 naming the setting and its line, nothing read", async () => {
  const dir = tempDir({ 'config.ini': config('[chromebooks]\nenable = True\nservice_account_impersonate = username@example.com\nservice_account_json_key = {}\n') });
  const res = await runCli(['upload', 'chromebooks', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain("config.ini:8: [chromebooks] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file");
  expect(g.requests).toHaveLength(0);
});

test('a deleted key stops the section: exit 1, the setting named, the key never printed', async () => {
  const revoked = g.revokedKeyJson();
  const dir = tempDir({ 'config.ini': config(section('chromebooks', g, { key: revoked }, MAPPINGS)) });
  const res = await runCli(['upload', 'chromebooks', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain(`[chromebooks] service_account_json_key: Google does not accept the key of service account "${g.key.client_email}" (HTTP 400: invalid_grant: Invalid JWT Signature.)`);
  expect(res.stderr + res.stdout).not.toContain((JSON.parse(revoked) as { private_key: string }).private_key.split('\n')[1]);
  expect(oom.records()).toEqual([]);
});

test('connector test: a distinct message per failure kind', async () => {
  const dir = tempDir();
  const noDelegation = await startFakeGoogle({ delegatedScopes: [] });
  const disabled = await startFakeGoogle({ disabledApis: ['admin.googleapis.com'] });
  const empty = await startFakeGoogle({ chromeDevices: 0 });
  const cert = makeSelfSignedCert(path.join(dir, 'certs'));
  const tls = await startTestServer(() => ({ json: {} }), { tls: { key: cert.key, cert: cert.cert } });
  const closed = await startTestServer(() => ({}));
  await closed.close();
  closers.push(() => noDelegation.close(), () => disabled.close(), () => empty.close(), () => tls.close());

  fs.writeFileSync(path.join(dir, 'config.ini'), config(
    section('chromebooks', g),
    section('chromebooks.revoked', g, { key: g.revokedKeyJson() }),
    section('chromebooks.user', g, { admin: 'user@example.com' }),
    section('chromebooks.delegation', noDelegation),
    section('chromebooks.disabled', disabled),
    section('chromebooks.empty', empty),
    section('chromebooks.tls', { url: tls.url, tokenUrl: g.tokenUrl }),
    section('chromebooks.down', { url: closed.url, tokenUrl: g.tokenUrl }),
  ));
  const names = ['chromebooks', 'chromebooks.revoked', 'chromebooks.user', 'chromebooks.delegation', 'chromebooks.disabled', 'chromebooks.empty', 'chromebooks.tls', 'chromebooks.down'];
  const res = await runCli(['test', ...names, '--ini', 'config.ini'], { cwd: dir });
  const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
  const d = g.chromeDevice(1);
  expect(line('chromebooks')).toBe(`OK     [chromebooks] authenticated as Google service account "${g.key.client_email}" acting as "admin@example.com"; read ChromeOS device "${String(d.serialNumber)}" (${String(d.model)})`);
  expect(line('chromebooks.revoked')).toMatch(/^FAILED \[chromebooks\.revoked\] service_account_json_key: Google does not accept the key of service account/);
  expect(line('chromebooks.user')).toMatch(/^FAILED \[chromebooks\.user\] service_account_impersonate: "user@example\.com" may not read ChromeOS devices \(HTTP 403: forbidden: /);
  expect(line('chromebooks.delegation')).toMatch(/^FAILED \[chromebooks\.delegation\] service_account_impersonate: Google refused to let service account .* domain-wide delegation is not granted/);
  expect(line('chromebooks.disabled')).toMatch(/^FAILED \[chromebooks\.disabled\] service_account_json_key: the Admin SDK API is not enabled in Google Cloud project "oomnitza-sync-415210"/);
  expect(line('chromebooks.empty')).toMatch(/^OK     \[chromebooks\.empty\] .*; the administrator sees no ChromeOS devices$/);
  expect(line('chromebooks.tls')).toMatch(/^FAILED \[chromebooks\.tls\] .*TLS: the server's certificate is self-signed \(check verify_ssl, cacert_file and ssl_protocol\)/);
  expect(line('chromebooks.down')).toMatch(/^FAILED \[chromebooks\.down\] GET http:\/\/127\.0\.0\.1:\d+\/admin\/directory\/v1\/customer\/my_customer\/devices\/chromeos failed: connection refused/);
  expect(res.code).toBe(1);
  expect(res.stdout + res.stderr).not.toContain(g.key.private_key.split('\n')[1]);
});
