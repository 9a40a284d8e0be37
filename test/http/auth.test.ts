import { HttpClient } from '../../src/http/client.js';
import { basicAuth, bearerToken, oauth2ClientCredentials, tokenHeader } from '../../src/http/auth.js';
import { redactor } from '../../src/logging.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
  client = undefined as never;
  server = undefined as never;
});

test('basicAuth sends the RFC 7617 header and registers the password with the redactor', async () => {
  server = await startTestServer({ 'GET /x': { json: {} } });
  client = new HttpClient({ section: 's', tls: { verify: true }, auth: basicAuth('svc-connector', 'p@ss:w0rd') });
  await client.getJson(`${server.url}/x`);
  expect(server.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('svc-connector:p@ss:w0rd').toString('base64')}`);
  expect(redactor.redact('password is p@ss:w0rd')).toBe('password is ***');
});

test('tokenHeader and bearerToken', async () => {
  const headersOf = async (auth: ReturnType<typeof tokenHeader>) => {
    const req = { method: 'GET', url: new URL('http://127.0.0.1/'), headers: {} as Record<string, string> };
    await auth.authorize(req, null as never);
    return req.headers;
  };
  expect(await headersOf(tokenHeader('Authorization2', 'abcd1234'))).toEqual({ authorization2: 'abcd1234' });
  expect(await headersOf(bearerToken('tok-5678'))).toEqual({ authorization: 'Bearer tok-5678' });
});

describe('oauth2ClientCredentials', () => {
  let now = 1_000_000;
  let issued = 0;
  const revoked = new Set<string>();

  async function setup(style: 'basic' | 'body', expiresIn: number | undefined = 3600) {
    issued = 0;
    revoked.clear();
    server = await startTestServer({
      'POST /oauth/token': async (req) => {
        await new Promise((r) => setTimeout(r, 20)); // long enough for concurrent callers to pile up
        if (req.headers.authorization?.startsWith('Bearer')) return { status: 400, json: { error: 'token request must not carry a token' } };
        return { json: { access_token: `at-${++issued}`, token_type: 'bearer', expires_in: expiresIn } };
      },
      'GET /api/devices': (req) => {
        const auth = req.headers.authorization ?? '';
        return auth.startsWith('Bearer at-') && !revoked.has(auth) ? { json: { ok: true, auth } } : { status: 401, json: { error: 'invalid token' } };
      },
    });
    const auth = oauth2ClientCredentials({
      tokenUrl: `${server.url}/oauth/token`,
      clientId: 'client-1',
      clientSecret: 'shh-secret',
      scope: 'read:devices',
      style,
      now: () => now,
    });
    client = new HttpClient({ section: 'meraki', tls: { verify: true }, auth, retry: { retries: 0 } });
    return auth;
  }

  const tokenRequests = () => server.requests.filter((r) => r.path === '/oauth/token');

  test('style basic: one token request shared by concurrent callers, then cached', async () => {
    await setup('basic');
    const results = await Promise.all(Array.from({ length: 5 }, () => client.getJson<{ auth: string }>(`${server.url}/api/devices`)));
    expect(results.map((r) => r.auth)).toEqual(Array(5).fill('Bearer at-1'));
    await client.getJson(`${server.url}/api/devices`);
    expect(tokenRequests()).toHaveLength(1);
    const tokenRequest = tokenRequests()[0];
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('client-1:shh-secret').toString('base64')}`);
    expect(new URLSearchParams(tokenRequest.body).get('grant_type')).toBe('client_credentials');
    expect(new URLSearchParams(tokenRequest.body).get('scope')).toBe('read:devices');
    expect(new URLSearchParams(tokenRequest.body).get('client_secret')).toBeNull();
  });

  test('style body: credentials in the form', async () => {
    await setup('body');
    await client.getJson(`${server.url}/api/devices`);
    const body = new URLSearchParams(tokenRequests()[0].body);
    expect(body.get('client_id')).toBe('client-1');
    expect(body.get('client_secret')).toBe('shh-secret');
    expect(tokenRequests()[0].headers.authorization).toBeUndefined();
  });

  test('refreshes 60 s before expires_in runs out', async () => {
    await setup('basic', 600);
    now = 1_000_000;
    await client.getJson(`${server.url}/api/devices`);
    now += 539_000; // 61 s left: still cached
    await client.getJson(`${server.url}/api/devices`);
    expect(tokenRequests()).toHaveLength(1);
    now += 2_000; // 59 s left: refreshed
    const result = await client.getJson<{ auth: string }>(`${server.url}/api/devices`);
    expect(result.auth).toBe('Bearer at-2');
    expect(tokenRequests()).toHaveLength(2);
  });

  test('a 401 drops the cached token and retries once with a new one', async () => {
    await setup('basic');
    expect((await client.getJson<{ auth: string }>(`${server.url}/api/devices`)).auth).toBe('Bearer at-1');
    revoked.add('Bearer at-1');
    expect((await client.getJson<{ auth: string }>(`${server.url}/api/devices`)).auth).toBe('Bearer at-2');
    expect(tokenRequests()).toHaveLength(2);
    expect(server.requests.filter((r) => r.path === '/api/devices').map((r) => r.headers.authorization)).toEqual([
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-2',
    ]);
  });

  test('a token without expires_in is kept until a 401', async () => {
    await setup('basic', undefined);
    now += 86_400_000;
    await client.getJson(`${server.url}/api/devices`);
    await client.getJson(`${server.url}/api/devices`);
    expect(tokenRequests()).toHaveLength(1);
  });

  test('token endpoint errors name the token URL without secrets', async () => {
    server = await startTestServer({ 'POST /token': { status: 401, json: { error: 'invalid_client', error_description: 'bad secret shh-secret-2' } } });
    const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'c', clientSecret: 'shh-secret-2', style: 'body' });
    client = new HttpClient({ section: 'meraki', tls: { verify: true }, auth, retry: { retries: 0 } });
    await expect(client.getJson(`${server.url}/api`)).rejects.toThrow(`[meraki] POST ${server.url}/token failed: HTTP 401: invalid_client: bad secret ***`);
  });
});
