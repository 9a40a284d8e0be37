/**
 * Certificate credentials: the PEM checks made when a section is created, the client assertion the source signs,
 * and the test server's verification of assertions (signature with the registered certificate's key, aud, exp).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { signJwt } from '../../../src/http/index.js';
import { createIntuneSource } from '../../../src/sources/intune_devices/index.js';
import { intuneSettings } from '../../../src/sources/intune_devices/settings.js';
import { clientAssertion, loadCertificate } from '../../../src/sources/msgraph/index.js';
import { tempDir } from '../../helpers/runCli.js';
import { makeSelfSignedCert, type SelfSignedCert } from '../../support/httpTestServer.js';
import { startFakeMicrosoftGraph, type FakeGraph } from '../../support/fakeMicrosoftGraph.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

let dir: string;
let app: SelfSignedCert;
let other: SelfSignedCert;
let g: FakeGraph;
beforeAll(async () => {
  dir = tempDir();
  app = makeSelfSignedCert(path.join(dir, 'app'), 'connector-app');
  other = makeSelfSignedCert(path.join(dir, 'other'), 'someone-else');
  g = await startFakeMicrosoftGraph({ permissions: ['DeviceManagementManagedDevices.Read.All'], certificates: [app.cert], managedDevices: 2 });
});
afterAll(() => g.close());
afterEach(closeContexts);

const write = (name: string, text: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
};

function source(raw: Record<string, string>, files: { certificate_file?: string } = {}) {
  const settings = { ...settingsFrom(intuneSettings, { tenant_id: g.tenantId, client_id: g.clientId, url: g.url, token_url: g.url, ...raw }), ...files };
  return createIntuneSource(settings, sourceContext('intune_devices'));
}

function configError(f: () => unknown): ConfigError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

test('a registered certificate signs in: RS256 assertion with x5t, aud = the token endpoint, iss = sub = client id, 10 minutes', async () => {
  const before = g.assertions.length;
  const records = await collect(source({}, { certificate_file: app.pemFile }));
  expect(records).toHaveLength(2);
  const { header, claims } = g.assertions[before];
  const thumbprint = new crypto.X509Certificate(app.cert).fingerprint.replace(/:/g, '');
  expect(header).toEqual({ alg: 'RS256', typ: 'JWT', x5t: Buffer.from(thumbprint, 'hex').toString('base64url') });
  expect(claims).toMatchObject({ aud: `${g.url}/${g.tenantId}/oauth2/v2.0/token`, iss: g.clientId, sub: g.clientId });
  expect(claims.exp).toBe((claims.nbf as number) + 600);
  expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
  // The form carries the assertion, never a secret.
  const form = new URLSearchParams(g.requests.filter((r) => r.path.endsWith('/token')).at(-1)!.body);
  expect(form.get('client_secret')).toBeNull();
  expect(form.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  expect(form.get('scope')).toBe('https://graph.microsoft.com/.default');
});

test('a token that expires mid-run is renewed with a newly signed assertion (a new jti)', async () => {
  const before = g.assertions.length;
  g.expireTokensAfterPages(1);
  // The list, then each device's apps: the first apps request meets the expired token.
  expect(await collect(source({ load_software: 'true', concurrency: '1' }, { certificate_file: app.pemFile }))).toHaveLength(2);
  const used = g.assertions.slice(before);
  expect(used).toHaveLength(2);
  expect(used[0].claims.jti).not.toBe(used[1].claims.jti);
});

test('the key may come from certificate_key (as a vault gives it, with literal \\n)', async () => {
  const certOnly = write('cert-only.pem', app.cert);
  const records = await collect(source({ certificate_key: app.key.replace(/\n/g, '\\n') }, { certificate_file: certOnly }));
  expect(records).toHaveLength(2);
});

test('a certificate the app does not have is refused by Entra ID (AADSTS700027): the message names certificate_file and the thumbprint', async () => {
  const thumbprint = new crypto.X509Certificate(other.cert).fingerprint.replace(/:/g, '');
  let error: unknown;
  try {
    await collect(source({}, { certificate_file: other.pemFile }));
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).message).toContain(`[intune_devices] certificate_file: Microsoft Entra ID refused the sign-in: the certificate (thumbprint ${thumbprint}) is not one of the application's`);
  expect((error as ConfigError).message).toContain('AADSTS700027');
  expect((error as ConfigError).message).not.toMatch(/PRIVATE KEY|eyJ/);
});

test.each([
  ['no certificate in the file', () => ({ certificate_file: write('key-only.pem', app.key) }), 'certificate_file', 'holds no PEM certificate'],
  ['a binary file', () => ({ certificate_file: write('cert.pfx', '\u0030\u0082binary') }), 'certificate_file', 'a .pfx or .cer file in binary form: convert it with "openssl pkcs12'],
  ['no key', () => ({ certificate_file: write('cert.pem', app.cert) }), 'certificate_file', 'holds no private key: put the certificate\'s key in the same file, or in certificate_key'],
  ['a key of another certificate', () => ({ certificate_file: write('mixed.pem', app.cert + other.key) }), 'certificate_file', 'the private key does not belong to the certificate (thumbprint'],
])('create() refuses %s', (_what, files, key, message) => {
  const error = configError(() => source({}, files()));
  expect(error.location.key).toBe(key);
  expect(error.message).toContain(message);
});

test('an encrypted key, an EC key and an expired certificate are config errors', () => {
  const encrypted = execFileSync('openssl', ['pkey', '-in', app.keyFile, '-aes256', '-passout', 'pass:pw'], { encoding: 'utf8' });
  expect(configError(() => source({ certificate_key: encrypted }, { certificate_file: write('c1.pem', app.cert) })).message)
    .toContain('[intune_devices] certificate_key: the private key is encrypted');
  const ecKey = path.join(dir, 'ec.key');
  const ecCert = path.join(dir, 'ec.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', '-subj', '/CN=ec', '-keyout', ecKey, '-out', ecCert], { stdio: 'pipe' });
  expect(configError(() => source({}, { certificate_file: write('ec.pem', fs.readFileSync(ecCert, 'utf8') + fs.readFileSync(ecKey, 'utf8')) })).message)
    .toContain('is an EC key; the client assertion is signed RS256, which needs an RSA key');
  // makeSelfSignedCert's certificates are valid for 2 days.
  const expired = configError(() => loadCertificate({ section: 's', file: app.pemFile, now: Date.now() + 3 * 86_400_000 }));
  expect(expired.message).toMatch(/^\[s\] certificate_file: the certificate \(thumbprint [0-9A-F]{40}\) expired on .*: create a new one and upload it/);
});

test.each([
  [{ client_secret: 's3cret' }, { certificate_file: 'x' }, 'client_secret', 'and certificate_file are both set: use one of them'],
  [{}, {}, 'client_secret', 'is empty: set a client secret of the app registration (its Value), or certificate_file'],
  [{ certificate_key: 'k' }, {}, 'certificate_key', 'is set but certificate_file is empty'],
])('one credential: %j %j', (raw, files, key, message) => {
  const error = configError(() => source(raw, files));
  expect(error.location.key).toBe(key);
  expect(error.message).toBe(`[intune_devices] ${key}: ${message}${key === 'certificate_key' ? ': certificate_file holds the certificate the key belongs to' : ''}`);
});

describe('the test server verifies client assertions as Entra ID does', () => {
  const endpoint = () => `${g.url}/${g.tenantId}/oauth2/v2.0/token`;
  const cert = () => loadCertificate({ section: 's', file: app.pemFile });
  const post = async (assertion: string) => {
    const res = await fetch(endpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials', client_id: g.clientId, scope: 'https://graph.microsoft.com/.default',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
      }),
    });
    return { status: res.status, body: (await res.json()) as { access_token?: string; error_description?: string } };
  };
  const now = () => Math.floor(Date.now() / 1000);

  test('a good assertion gets a token', async () => {
    const res = await post(clientAssertion(cert(), g.clientId, endpoint())(Date.now()));
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeTruthy();
  });

  test('the registered x5t with another key: the signature does not verify', async () => {
    const forged = signJwt({ alg: 'RS256', typ: 'JWT', x5t: cert().x5t } as never, { aud: endpoint(), iss: g.clientId, sub: g.clientId, nbf: now(), exp: now() + 600 }, crypto.createPrivateKey(other.key));
    expect(await post(forged)).toMatchObject({ status: 401, body: { error_description: expect.stringMatching(/^AADSTS700027: Client assertion failed signature validation\./) } });
  });

  test('an expired assertion, and one for another audience, are refused', async () => {
    const c = cert();
    const sign = (claims: Record<string, unknown>) => signJwt({ alg: 'RS256', typ: 'JWT', x5t: c.x5t } as never, { aud: endpoint(), iss: g.clientId, sub: g.clientId, nbf: now() - 1200, ...claims }, c.key);
    expect(await post(sign({ exp: now() - 600 }))).toMatchObject({ status: 401, body: { error_description: expect.stringMatching(/^AADSTS700024: Client assertion is not within its valid time range/) } });
    expect(await post(sign({ exp: now() + 600, aud: 'https://login.microsoftonline.com/other/oauth2/v2.0/token' }))).toMatchObject({ status: 401, body: { error_description: expect.stringMatching(/^AADSTS50027: Invalid JWT token\. The audience/) } });
    expect(await post(sign({ exp: now() + 600, iss: 'someone' }))).toMatchObject({ status: 401, body: { error_description: expect.stringMatching(/^AADSTS700021:/) } });
  });
});
