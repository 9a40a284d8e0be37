import { ConfigError } from '../../../src/errors.js';
import { oauth2ClientCredentials, type OAuth2ClientCredentials } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import { redactor, secretForms } from '../../../src/logging.js';
import { startFakeAuthServer, type FakeAuthServer } from '../../support/fakeAuthServer.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let now = 1_700_000_000_000;
let auth: FakeAuthServer;
let other: TestServer | undefined;
let client: HttpClient;

afterEach(async () => {
  await client?.close();
  await auth?.close();
  await other?.close();
  other = undefined;
});

async function setup(config: Partial<OAuth2ClientCredentials> = {}, server: { expiresIn?: number | null; tokenDelayMs?: number } = {}) {
  now = 1_700_000_000_000;
  auth = await startFakeAuthServer({ now: () => now, clients: { 'client-1': 'shh-secret' }, ...server });
  const provider = oauth2ClientCredentials({
    tokenUrl: auth.clientCredentialsUrl,
    clientId: 'client-1',
    clientSecret: 'shh-secret',
    style: 'basic',
    now: () => now,
    ...config,
  });
  client = new HttpClient({ section: 'meraki', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  return provider;
}

const whoami = () => client.getJson<{ token: string; client: string; scope?: string }>(`${auth.url}/api/whoami`);
const form = (i = 0) => new URLSearchParams(auth.tokenRequests()[i].body);

test('style basic: the client authenticates with a Basic header, scope in the form', async () => {
  await setup({ scope: 'read:devices' });
  expect(await whoami()).toMatchObject({ token: 'at-1', client: 'client-1', scope: 'read:devices' });
  const tokenRequest = auth.tokenRequests()[0];
  expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('client-1:shh-secret').toString('base64')}`);
  expect(form().get('grant_type')).toBe('client_credentials');
  expect(form().get('client_secret')).toBeNull();
});

test('style body: client_id and client_secret in the form, no Authorization header', async () => {
  await setup({ style: 'body' });
  expect(await whoami()).toMatchObject({ client: 'client-1' });
  expect(form().get('client_id')).toBe('client-1');
  expect(form().get('client_secret')).toBe('shh-secret');
  expect(auth.tokenRequests()[0].headers.authorization).toBeUndefined();
});

test('extra form parameters (audience, resource) go to the token endpoint', async () => {
  await setup({ extra: { audience: 'https://api.example.com', resource: 'urn:example' }, scope: 'read' });
  await whoami();
  expect(Object.fromEntries(form())).toEqual({ grant_type: 'client_credentials', audience: 'https://api.example.com', resource: 'urn:example', scope: 'read' });
});

test('describe() names the client, never the secret', async () => {
  const provider = await setup();
  expect(provider.describe!()).toBe('OAuth2 client "client-1"');
  expect(client.describeAuth()).toBe('OAuth2 client "client-1"');
});

test('one token request is shared by concurrent callers, then the token is reused', async () => {
  await setup({}, { tokenDelayMs: 30 });
  const results = await Promise.all(Array.from({ length: 5 }, whoami));
  expect(results.map((r) => r.token)).toEqual(Array(5).fill('at-1'));
  await whoami();
  expect(auth.tokenRequests()).toHaveLength(1);
});

test('refreshes 60 s before expires_in runs out', async () => {
  await setup({}, { expiresIn: 600 });
  await whoami();
  now += 539_000; // 61 s left: still cached
  expect((await whoami()).token).toBe('at-1');
  now += 2_000; // 59 s left: refreshed before the server would refuse it
  expect((await whoami()).token).toBe('at-2');
  expect(auth.tokenRequests()).toHaveLength(2);
  expect(auth.apiRequests().every((r) => r.headers.authorization !== undefined)).toBe(true);
});

test('a short-lived token is refreshed at half-life, so it is still reused', async () => {
  await setup({}, { expiresIn: 60 });
  await whoami();
  now += 29_000;
  expect((await whoami()).token).toBe('at-1');
  now += 2_000;
  expect((await whoami()).token).toBe('at-2');
});

test('a token without expires_in is kept until a 401', async () => {
  await setup({}, { expiresIn: null });
  await whoami();
  now += 3_600_000;
  await whoami();
  expect(auth.tokenRequests()).toHaveLength(1);
});

test('a 401 drops the cached token and retries once with a new one', async () => {
  await setup();
  expect((await whoami()).token).toBe('at-1');
  auth.revoke('at-1');
  expect((await whoami()).token).toBe('at-2');
  expect(auth.apiRequests().map((r) => r.headers.authorization)).toEqual(['Bearer at-1', 'Bearer at-1', 'Bearer at-2']);
});

test('a late 401 for a token already replaced does not drop the replacement', async () => {
  const provider = await setup();
  // The provider fetches tokens through a client without auth, as the authenticated client gives it one.
  const plain = new HttpClient({ section: 'meraki', tls: { verify: true }, retry: { retries: 0 } });
  const request = () => ({ method: 'GET', url: new URL(`${auth.url}/api/whoami`), headers: {} as Record<string, string> });
  const [a, b] = [request(), request()];
  await provider.authorize(a, plain);
  await provider.authorize(b, plain);
  provider.invalidate!(a);
  const c = request();
  await provider.authorize(c, plain);
  expect(c.headers.authorization).toBe('Bearer at-2');
  provider.invalidate!(b); // sent with at-1 before at-2 existed
  const d = request();
  await provider.authorize(d, plain);
  expect(d.headers.authorization).toBe('Bearer at-2');
  expect(auth.tokenRequests()).toHaveLength(2);
  await plain.close();
});

test('a rejected client is a ConfigError quoting the server and naming the settings to check', async () => {
  await setup({ clientSecret: 'wrong-secret-1', settings: { id: 'api_client_id', secret: 'api_client_secret' } });
  const error = await whoami().catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe(
    `[meraki] api_client_secret: the token endpoint ${auth.clientCredentialsUrl} rejected OAuth2 client "client-1" ` +
      '(HTTP 401: invalid_client: Client authentication failed); check api_client_secret and api_client_id',
  );
  expect(auth.apiRequests()).toHaveLength(0);
});

test('invalid_scope names the scope setting', async () => {
  await setup({ scope: 'admin:all', settings: { scope: 'oauth_scope' } });
  await expect(whoami()).rejects.toThrow(/^\[meraki\] oauth_scope: .*HTTP 400: invalid_scope: scope "admin:all" is not allowed.*; check oauth_scope$/);
});

test.each(['basic', 'body'] as const)('style %s: a token endpoint that echoes the credentials does not leak them', async (style) => {
  const secret = `echo-secret-${style}-Zz9/+=`;
  other = await startTestServer({
    'POST /token': (req) => ({ status: 401, json: { error: 'invalid_client', error_description: `got ${req.headers.authorization} ${req.body}` } }),
  });
  const provider = oauth2ClientCredentials({ tokenUrl: `${other.url}/token`, clientId: 'c-1', clientSecret: secret, style });
  client = new HttpClient({ section: 'meraki', tls: { verify: true }, auth: provider, retry: { retries: 0 } });
  const message = ((await client.getJson(`${other.url}/api`).catch((e: unknown) => e)) as Error).message;
  expect(message).toMatch(/rejected OAuth2 client "c-1" \(HTTP 401: invalid_client: got /);
  for (const form of secretForms(secret)) expect(message).not.toContain(form);
  expect(message).not.toContain(Buffer.from(`c-1:${secret}`).toString('base64'));
});

test('the client secret and every issued token are registered with the log redactor', async () => {
  await setup({ style: 'body' });
  const { token } = await whoami();
  expect(redactor.redact(`secret shh-secret token ${token}`)).toBe('secret *** token ***');
});
