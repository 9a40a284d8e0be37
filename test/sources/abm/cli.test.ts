/** End to end: the built CLI reads the Apple Business Manager test server as [abm] and pushes to the fake Oomnitza. */
import crypto from 'node:crypto';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { APPLE_AUDIENCE, startFakeAppleBusiness, type FakeAppleBusiness } from '../../support/fakeAppleBusiness.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

/** Two pages of devices (1000 and 200). */
const N = 1200;
let oom: FakeOomnitza;
let apple: FakeAppleBusiness;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  apple = await startFakeAppleBusiness({ devices: N });
});
afterEach(async () => {
  await oom.close();
  await apple.close();
});

const oneLine = (pem: string) => pem.trim().replace(/\n/g, '\\n');
const section = (extra = '', pem = apple.privateKeyPem) => `[abm]
enable = True
url = ${apple.url}
token_url = ${apple.tokenUrl}
client_id = ${apple.clientId}
key_id = ${apple.keyId}
private_key = ${oneLine(pem)}
sync_field = SERIAL_NUMBER
mapping.SERIAL_NUMBER = serialNumber
mapping.MODEL = deviceModel
mapping.STATUS = status
mapping.MAC = wifiMacAddress
${extra}`;
const DETAILS = 'assigned_server = True\napplecare = True\nmapping.MDM = assignedServer.serverName\nmapping.COVERAGE = appleCareCoverage.1.description\n';
const config = (body: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${body}\n`;
const run = (ini: string, ...args: string[]) => runCli([...args, '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': ini }) });
const range = (n: number) => Array.from({ length: n }, (_, k) => k + 1);
const sorted = (records: Array<Record<string, unknown>>) => [...records].sort((a, b) => String(a.SERIAL_NUMBER).localeCompare(String(b.SERIAL_NUMBER)));
const base = (i: number) => {
  const a = apple.device(i).attributes;
  return { SERIAL_NUMBER: a.serialNumber, MODEL: a.deviceModel, STATUS: a.status, MAC: a.wifiMacAddress };
};
const withDetails = (i: number) => ({
  ...base(i),
  MDM: apple.server_(i)?.attributes.serverName ?? null,
  COVERAGE: apple.coverage(i)[1]?.attributes.description ?? null,
});

test('two pages by links.next, MDM server and AppleCare per device within the concurrency, exact payloads; the ES256 assertion as Apple wants it', async () => {
  const res = await run(config(section(`${DETAILS}concurrency = 4\n`)), 'upload', 'abm');
  expect(res.stderr).toMatch(/\[abm\] pulled 1200, .*pushed 1200, failed 0/);
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AppleBusinessManager'))).toEqual(range(N).map(withDetails));
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'AppleBusinessManager', data_type: 'assets' });
  const pages = apple.log.filter((l) => l.startsWith('GET /v1/orgDevices?'));
  expect(pages).toEqual(['GET /v1/orgDevices?limit=1000', `GET /v1/orgDevices?cursor=${Buffer.from('1000').toString('base64url')}&limit=1000`]);
  expect(apple.log.filter((l) => l.endsWith('/assignedServer'))).toHaveLength(N);
  expect(apple.log.filter((l) => l.includes('/appleCareCoverage'))).toHaveLength(N);
  expect(apple.maxInFlight).toBeLessThanOrEqual(4);
  expect(apple.tokensIssued).toBe(1);
  const [{ header, claims, signatureBytes }] = apple.assertions;
  expect(header).toEqual({ alg: 'ES256', kid: apple.keyId, typ: 'JWT' });
  expect(signatureBytes).toBe(64);
  expect(claims).toMatchObject({ iss: apple.clientId, sub: apple.clientId, aud: APPLE_AUDIENCE });
  expect(res.stdout + res.stderr).not.toContain('PRIVATE KEY');
}, 60_000);

test('without the detail settings: one call per page only, the records flattened', async () => {
  const res = await run(config(section()), 'upload', 'abm');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AppleBusinessManager'))).toEqual(range(N).map(base));
  expect(apple.log).toHaveLength(2);
});

test('a 429 mid-run is waited out as Retry-After asks and nothing is lost', async () => {
  apple.throttle(1, 1);
  const res = await run(config(section()), 'upload', 'abm');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AppleBusinessManager'))).toEqual(range(N).map(base));
  expect(apple.statuses).toEqual([200, 429, 200]);
  expect(res.stderr).toMatch(/\[abm\] GET http:\/\/127\.0\.0\.1:\d+\/v1\/orgDevices: rate limited \(HTTP 429\); waiting [\d.]+ s as the server asks/);
}, 60_000);

test('a token that stops working mid-run is renewed with a fresh assertion (new jti) and nothing is lost', async () => {
  apple.expireTokens(1);
  const res = await run(config(section()), 'upload', 'abm');
  expect(res.code).toBe(0);
  expect(sorted(oom.records('AppleBusinessManager'))).toEqual(range(N).map(base));
  expect(apple.statuses).toEqual([200, 401, 200]);
  expect(apple.tokensIssued).toBe(2);
  expect(apple.statuses.filter((s) => s === 401)).toHaveLength(1);
  expect(new Set(apple.assertions.map((a) => a.claims.jti)).size).toBe(2);
}, 60_000);

test('a device whose details fail is reported while the others arrive; exit 1', async () => {
  apple.failDevice(7);
  const res = await run(config(section(DETAILS)), 'upload', 'abm');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/device DMPXK0000007.*HTTP 404: The specified resource does not exist: There is no resource of type 'orgDevices' with id 'DMPXK0000007' \(NOT_FOUND\)/);
  expect(res.stderr).toMatch(/\[abm\] pulled 1199, .*pushed 1199, failed 1/);
}, 60_000);

test('a private key that is not the API account\'s: exit 1, Apple\'s invalid_client, the settings named, no key in the output', async () => {
  const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const res = await run(config(section('', other)), 'upload', 'abm');
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/\[abm\] private_key: the token endpoint http:\/\/127\.0\.0\.1:\d+\/auth\/oauth2\/token rejected Apple API account "BUSINESSAPI\.9703f56c-10ce-4876-8f59-e78e5e23a152" \(HTTP 400: invalid_client\); check private_key, key_id and client_id/);
  expect(res.stdout + res.stderr).not.toContain(other.split('\n')[1]);
  expect(oom.records('AppleBusinessManager')).toEqual([]);
});

test('an RSA key is a config error before any request (exit 2)', async () => {
  const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const res = await run(config(section('', rsa)), 'upload', 'abm');
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/\[abm\] private_key: is not a P-256 \(prime256v1\) EC private key, which ES256 needs/);
  expect(apple.log).toEqual([]);
});

test('connector test: OK, and a distinct message per failure kind', async () => {
  const denied = await startFakeAppleBusiness({ deny: true });
  const empty = await startFakeAppleBusiness({ devices: 0 });
  const closed = await startFakeAppleBusiness();
  await closed.close();
  const other = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const on = (name: string, fake: FakeAppleBusiness, body: string) => body.replace('[abm]', `[abm.${name}]`).replaceAll(apple.url, fake.url);
  const sectionFor = (fake: FakeAppleBusiness, extra = '') => section(extra, fake.privateKeyPem).replaceAll(apple.keyId, fake.keyId);
  const sections = {
    ok: on('ok', apple, section()),
    key: on('key', apple, section('', other)),
    school: on('school', apple, section('scope = school.api\n')),
    permission: on('permission', denied, sectionFor(denied)),
    empty: on('empty', empty, sectionFor(empty)),
    unreachable: on('unreachable', closed, section()),
    tls: section().replace('[abm]', '[abm.tls]').replaceAll(`url = ${apple.url}`, `url = ${apple.url.replace('http:', 'https:')}`),
  };
  let res;
  try {
    res = await run(config(Object.values(sections).join('\n')), 'test', ...Object.keys(sections).map((k) => `abm.${k}`));
  } finally {
    await denied.close();
    await empty.close();
  }
  const line = (k: string) => res.stdout.split('\n').find((l) => l.includes(`[abm.${k}]`)) ?? '';
  expect(res.code).toBe(1);
  expect(line('ok')).toBe(`OK     [abm.ok] authenticated to ${apple.url} as Apple API account "${apple.clientId}" (business.api); read device DMPXK0000001 "iPad Air 11-inch (M2)"`);
  expect(line('key')).toMatch(/^FAILED \[abm\.key\] .*private_key: the token endpoint .* rejected Apple API account .*invalid_client/);
  expect(line('school')).toMatch(/^FAILED \[abm\.school\] .*scope: Apple refused a fresh token .*HTTP 401: Authentication credentials are missing or invalid\..*business\.api with https:\/\/api-business\.apple\.com/);
  expect(line('permission')).toMatch(/^FAILED \[abm\.permission\] Apple: Apple API account .* may not read \/v1\/orgDevices \(HTTP 403: .*FORBIDDEN_ERROR/);
  expect(line('empty')).toMatch(/^OK     \[abm\.empty\] .*; no devices$/);
  expect(line('unreachable')).toMatch(/^FAILED \[abm\.unreachable\] .*connection refused/);
  expect(line('tls')).toMatch(/^FAILED \[abm\.tls\] .*TLS/);
}, 60_000);
