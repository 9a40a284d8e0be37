/** oauth2ClientCredentials with `encoding: 'json'` (OneLogin's token request) and a vendor's errorText for rejections. */
import { ConfigError } from '../../../src/errors.js';
import { oauth2ClientCredentials, type OAuth2ClientCredentials } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

const BASIC = `Basic ${Buffer.from('client-1:shh-secret').toString('base64')}`;

async function setup(extra: Partial<OAuth2ClientCredentials> = {}) {
  server = await startTestServer({
    'POST /token': (req) =>
      req.headers.authorization === BASIC
        ? { json: { access_token: 'at-1', token_type: 'bearer', expires_in: 36000 } }
        : { status: 401, json: { error: true, code: 401, type: 'Unauthorized', message: 'Unauthorized Error' } },
    'GET /me': (req) => ({ json: { auth: req.headers.authorization } }),
  });
  const auth = oauth2ClientCredentials({ tokenUrl: `${server.url}/token`, clientId: 'client-1', clientSecret: 'shh-secret', style: 'basic', ...extra });
  client = new HttpClient({ section: 'onelogin', tls: { verify: true }, auth, retry: { retries: 0 } });
  return client.getJson<{ auth: string }>(`${server.url}/me`);
}

test("encoding 'json': the grant goes as a JSON body, the credentials stay in the Basic header", async () => {
  expect(await setup({ encoding: 'json' })).toEqual({ auth: 'Bearer at-1' });
  const [token] = server.requests;
  expect(token.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(token.body)).toEqual({ grant_type: 'client_credentials' });
});

test('the default stays a form body', async () => {
  await setup();
  expect(server.requests[0].headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
  expect(server.requests[0].body).toBe('grant_type=client_credentials');
});

test('errorText reads the explanation of a rejection whose body is not an OAuth2 error (a boolean "error")', async () => {
  const message = (body: string) => (JSON.parse(body) as { message?: string }).message;
  const err = await setup({ clientSecret: 'wrong-secret', encoding: 'json', errorText: message }).then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err?.message).toMatch(/^\[onelogin\] client_secret: the token endpoint http:\/\/127\.0\.0\.1:\d+\/token rejected OAuth2 client "client-1" \(HTTP 401: Unauthorized Error\); check client_secret and client_id$/);
});
