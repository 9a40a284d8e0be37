import crypto from 'node:crypto';
import { ConfigError } from '../../../src/errors.js';
import { jwtBearer, type AppleClientAssertion, type GoogleServiceAccountJwt } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import { redactor, secretForms } from '../../../src/logging.js';
import { APPLE_AUDIENCE, startFakeAuthServer, type FakeAuthServer } from '../../support/fakeAuthServer.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

const pem = (k: crypto.KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherRsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const p256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherP256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });

const EMAIL = 'connector@project-1.iam.gserviceaccount.com';
const APPLE_ID = 'BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152';
const SCOPE = 'https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly';

let now = 1_700_000_000_000;
let auth: FakeAuthServer;
let other: TestServer | undefined;
let client: HttpClient;

beforeEach(async () => {
  now = 1_700_000_000_000;
  auth = await startFakeAuthServer({
    now: () => now,
    google: { clientEmail: EMAIL, keyId: 'kid-g1', publicKey: rsa.publicKey, delegatedUsers: ['admin@example.com'] },
    apple: { clientId: APPLE_ID, keyId: 'kid-a1', publicKey: p256.publicKey },
    tokenDelayMs: 20,
  });
});
afterEach(async () => {
  await client?.close();
  await auth.close();
  await other?.close();
  other = undefined;
});

/** The JSON key file Google lets you download for a service account. */
function keyFile(privateKey = rsa.privateKey, tokenUri = auth.googleTokenUrl): string {
  return JSON.stringify({
    type: 'service_account',
    project_id: 'project-1',
    private_key_id: 'kid-g1',
    private_key: pem(privateKey),
    client_email: EMAIL,
    client_id: '1234567890',
    token_uri: tokenUri,
  });
}

function google(o: Partial<GoogleServiceAccountJwt> = {}) {
  const provider = jwtBearer({ kind: 'google', serviceAccount: keyFile(), scope: SCOPE, now: () => now, ...o });
  client = new HttpClient({ section: 'chromebooks', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  return provider;
}

function apple(o: Partial<AppleClientAssertion> = {}) {
  const provider = jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'kid-a1', privateKey: pem(p256.privateKey), tokenUrl: auth.appleTokenUrl, now: () => now, ...o });
  client = new HttpClient({ section: 'abm', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  return provider;
}

const whoami = () => client.getJson<{ token: string; client: string; scope?: string; sub?: string }>(`${auth.url}/api/whoami`);
const failure = async () => (await whoami().catch((e: unknown) => e)) as Error;

describe('Google service account (RS256 JWT grant)', () => {
  test('the server verifies the signature and the claims, and issues a token', async () => {
    const provider = google();
    expect(await whoami()).toEqual({ token: 'at-1', client: EMAIL, scope: SCOPE });
    const [{ header, claims }] = auth.assertions;
    expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'kid-g1' });
    expect(claims).toEqual({ iss: EMAIL, scope: SCOPE, aud: auth.googleTokenUrl, iat: now / 1000, exp: now / 1000 + 3600 });
    expect(provider.describe!()).toBe(`Google service account "${EMAIL}"`);
    expect(redactor.redact('token at-1')).toBe('token ***');
  });

  test('sub: domain-wide delegation acts as the admin', async () => {
    const provider = google({ subject: 'admin@example.com', scope: [SCOPE, 'https://www.googleapis.com/auth/admin.directory.device.mobile.readonly'] });
    expect(await whoami()).toMatchObject({ sub: 'admin@example.com', scope: `${SCOPE} https://www.googleapis.com/auth/admin.directory.device.mobile.readonly` });
    expect(auth.assertions[0].claims.sub).toBe('admin@example.com');
    expect(provider.describe!()).toBe(`Google service account "${EMAIL}" acting as "admin@example.com"`);
  });

  test('a user the account may not impersonate: Google\'s unauthorized_client, naming both settings', async () => {
    google({ subject: 'someone@example.com' });
    const error = await failure();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `[chromebooks] service_account_json_key: the token endpoint ${auth.googleTokenUrl} rejected Google service account "${EMAIL}" acting as "someone@example.com" ` +
        '(HTTP 401: unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.); ' +
        'check service_account_json_key and service_account_impersonate',
    );
  });

  test('a key the server does not know: "Invalid JWT Signature." from Google reaches the user', async () => {
    google({ serviceAccount: keyFile(otherRsa.privateKey) });
    const error = await failure();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toContain('(HTTP 400: invalid_grant: Invalid JWT Signature.); check service_account_json_key');
    expect(auth.apiRequests()).toHaveLength(0);
  });

  test('the test server rejects a tampered claim (so the tests above prove a real signature)', async () => {
    google();
    await whoami();
    const assertion = new URLSearchParams(auth.tokenRequests()[0].body).get('assertion')!;
    const [header, claims, signature] = assertion.split('.');
    const forged = { ...JSON.parse(Buffer.from(claims, 'base64url').toString()), sub: 'admin@example.com' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    const response = await fetch(auth.googleTokenUrl, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: tampered }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
  });

  test('the assertion lives at most one hour, whatever is asked', async () => {
    google({ assertionLifetimeS: 7200 });
    await whoami();
    const { iat, exp } = auth.assertions[0].claims as { iat: number; exp: number };
    expect(exp - iat).toBe(3600);
  });

  test('the token is reused, shared by concurrent callers, refreshed before expiry and after a 401', async () => {
    google();
    expect((await Promise.all(Array.from({ length: 4 }, whoami))).map((r) => r.token)).toEqual(Array(4).fill('at-1'));
    now += 3_539_000; // 61 s before the token expires
    expect((await whoami()).token).toBe('at-1');
    now += 2_000;
    expect((await whoami()).token).toBe('at-2');
    auth.revoke('at-2');
    expect((await whoami()).token).toBe('at-3');
    expect(auth.tokenRequests()).toHaveLength(3);
    // Each token request carries a new assertion signed at that time.
    expect(auth.assertions.map((a) => a.claims.iat)).toEqual([1_700_000_000, 1_700_003_541, 1_700_003_541]);
  });

  test('a key file that is not one is a ConfigError at once, without quoting the key', () => {
    const text = keyFile();
    expect(() => jwtBearer({ kind: 'google', serviceAccount: text.slice(0, -5), scope: SCOPE })).toThrow(
      new ConfigError({ key: 'service_account_json_key' }, 'is not valid JSON; paste the whole service account key file (on one line)'),
    );
    const ecKey = JSON.stringify({ ...JSON.parse(text), private_key: pem(p256.privateKey) });
    expect(() => jwtBearer({ kind: 'google', serviceAccount: ecKey, scope: SCOPE, settings: { key: 'json_key' } })).toThrow(
      'json_key: is an EC key; RS256 needs an RSA private key',
    );
    const oauthClient = JSON.stringify({ type: 'authorized_user', client_id: 'x' });
    expect(() => jwtBearer({ kind: 'google', serviceAccount: oauthClient, scope: SCOPE })).toThrow('not a service account key');
  });
});

describe('Apple Business Manager (ES256 client assertion)', () => {
  test('the server verifies the JOSE signature and the claims, and issues a business.api token', async () => {
    const provider = apple();
    expect(await whoami()).toEqual({ token: 'at-1', client: APPLE_ID, scope: 'business.api' });
    const [{ header, claims, signatureBytes }] = auth.assertions;
    expect(header).toEqual({ alg: 'ES256', kid: 'kid-a1', typ: 'JWT' });
    expect(signatureBytes).toBe(64);
    expect(claims).toEqual({ sub: APPLE_ID, iss: APPLE_ID, aud: APPLE_AUDIENCE, iat: now / 1000, exp: now / 1000 + 3600, jti: expect.any(String) });
    expect(Object.fromEntries(new URLSearchParams(auth.tokenRequests()[0].body))).toEqual({
      grant_type: 'client_credentials',
      client_id: APPLE_ID,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: expect.any(String),
      scope: 'business.api',
    });
    expect(provider.describe!()).toBe(`Apple API account "${APPLE_ID}"`);
  });

  test('the test server rejects a DER signature (so the test above proves the JOSE encoding)', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${part({ alg: 'ES256', kid: 'kid-a1', typ: 'JWT' })}.${part({ sub: APPLE_ID, iss: APPLE_ID, aud: APPLE_AUDIENCE, iat: now / 1000, exp: now / 1000 + 60, jti: 'j-1' })}`;
    const der = crypto.sign('sha256', Buffer.from(input), p256.privateKey).toString('base64url');
    const response = await fetch(auth.appleTokenUrl, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'client_credentials', client_id: APPLE_ID, scope: 'business.api',
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: `${input}.${der}`,
      }),
    });
    expect([response.status, await response.json()]).toEqual([400, { error: 'invalid_client' }]);
  });

  test('a wrong private key is rejected with Apple\'s invalid_client, naming the settings', async () => {
    apple({ privateKey: pem(otherP256.privateKey) });
    const error = await failure();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toBe(
      `[abm] private_key: the token endpoint ${auth.appleTokenUrl} rejected Apple API account "${APPLE_ID}" (HTTP 400: invalid_client); check private_key, key_id and client_id`,
    );
  });

  test('school.api scope; each token request signs a new assertion (new jti)', async () => {
    apple({ scope: 'school.api' });
    expect((await whoami()).scope).toBe('school.api');
    auth.revoke('at-1');
    expect((await whoami()).token).toBe('at-2');
    const [first, second] = auth.assertions.map((a) => a.claims.jti);
    expect(first).not.toBe(second);
  });

  test('an RSA key or a P-384 key is a ConfigError naming the setting', () => {
    expect(() => jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'k', privateKey: pem(rsa.privateKey) })).toThrow(
      'private_key: is not a P-256 (prime256v1) EC private key, which ES256 needs',
    );
    const p384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'k', privateKey: pem(p384.privateKey), settings: { key: 'abm_key' } })).toThrow(/^abm_key: /);
    expect(() => jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'k', privateKey: 'not a key' })).toThrow('private_key: is not a PEM private key');
  });

  test('a key pasted into an INI value with literal \\n works', async () => {
    apple({ privateKey: pem(p256.privateKey).replace(/\n/g, '\\n') });
    expect((await whoami()).token).toBe('at-1');
  });
});

test('private keys are registered with the log redactor when the provider is made', () => {
  const ec = pem(crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const rsaKey = pem(crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
  jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'k', privateKey: ec });
  jwtBearer({ kind: 'google', serviceAccount: { client_email: EMAIL, private_key: rsaKey }, scope: SCOPE });
  expect(redactor.redact(`${ec} ${JSON.stringify(rsaKey)}`)).toBe('*** "***"');
});

test.each([
  ['the whole form', 400, (form: URLSearchParams) => `bad request: ${form}`],
  ['the signature alone', 400, (form: URLSearchParams) => `signature ${form.get('assertion')!.split('.')[2]} does not verify`],
])('a token endpoint that echoes %s leaks neither the assertion\'s signature nor the key', async (_what, status, echo) => {
  other = await startTestServer({ 'POST /token': (req) => ({ status, json: { error: 'invalid_grant', error_description: echo(new URLSearchParams(req.body)) } }) });
  const provider = jwtBearer({ kind: 'google', serviceAccount: keyFile(rsa.privateKey, `${other.url}/token`), scope: SCOPE });
  client = new HttpClient({ section: 'chromebooks', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  const message = ((await client.getJson(`${other.url}/api`).catch((e: unknown) => e)) as Error).message;
  expect(message).toMatch(/\(HTTP 400: invalid_grant: (bad request: grant_type=|signature \*\*\* does not verify)/);
  // The signature with the (predictable) claims is as good as the assertion, for an hour; even a piece of it is
  // not shown (the server's text is cut to 300 characters, which must not cut a secret in half and keep the rest).
  const signature = new URLSearchParams(other.requests[0].body).get('assertion')!.split('.')[2];
  expect(message).not.toContain(signature.slice(0, 16));
  for (const form of secretForms(pem(rsa.privateKey))) expect(message).not.toContain(form);
});

test('a token endpoint failing otherwise (403) and echoing the assertion\'s signature does not leak it either', async () => {
  const signature = (body: string) => new URLSearchParams(body).get('client_assertion')!.split('.')[2];
  other = await startTestServer({ 'POST /token': (req) => ({ status: 403, body: `forbidden: signature ${signature(req.body)}` }) });
  const provider = jwtBearer({ kind: 'apple', clientId: APPLE_ID, keyId: 'kid-a1', privateKey: pem(p256.privateKey), tokenUrl: `${other.url}/token` });
  client = new HttpClient({ section: 'abm', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  const message = ((await client.getJson(`${other.url}/api`).catch((e: unknown) => e)) as Error).message;
  expect(message).toBe(`[abm] POST ${other.url}/token failed: HTTP 403: forbidden: signature ***`);
});
