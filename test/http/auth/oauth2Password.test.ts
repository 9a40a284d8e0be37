/** oauth2ClientCredentials with `password`: the resource owner password grant (RFC 6749 section 4.3; ServiceNow). */
import { ConfigError } from '../../../src/errors.js';
import { oauth2ClientCredentials } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

async function setup(password: string) {
  server = await startTestServer({
    'POST /token': (req) => {
      const form = new URLSearchParams(req.body);
      return form.get('password') === 'user-pass-1' && form.get('client_secret') === 'client-secret-1'
        ? { json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 1799, refresh_token: 'rt-1' } }
        : { status: 401, json: { error_description: 'access_denied', error: 'server_error' } };
    },
    'GET /me': (req) => ({ json: { auth: req.headers.authorization } }),
  });
  const auth = oauth2ClientCredentials({
    tokenUrl: `${server.url}/token`, clientId: 'client-1', clientSecret: 'client-secret-1', style: 'body',
    password: { username: 'api.user', password },
  });
  client = new HttpClient({ section: 'servicenow', tls: { verify: true }, auth, retry: { retries: 0 } });
  return client.getJson<{ auth: string }>(`${server.url}/me`);
}

test('the grant carries the user with the client, in the form body', async () => {
  expect(await setup('user-pass-1')).toEqual({ auth: 'Bearer at-1' });
  expect(Object.fromEntries(new URLSearchParams(server.requests[0].body))).toEqual({
    grant_type: 'password', username: 'api.user', password: 'user-pass-1', client_id: 'client-1', client_secret: 'client-secret-1',
  });
});

test('a refusal names the user and the settings to check, the password first; no secret in the message', async () => {
  const err = await setup('wrong-pass-9').then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err?.message).toMatch(/^\[servicenow\] password: the token endpoint http:\/\/127\.0\.0\.1:\d+\/token rejected user "api\.user" through OAuth2 client "client-1" \(HTTP 401: server_error: access_denied\); check password, username, client_secret and client_id$/);
  expect(err?.message).not.toContain('wrong-pass-9');
});
