/**
 * jwtBearer (Google): `tokenUrl` moves where the assertion is POSTed (a proxy, a test server) without changing its
 * `aud`, which stays the key's token_uri because that is what Google checks.
 */
import crypto from 'node:crypto';
import { jwtBearer } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  await server.close();
});

test('the assertion goes to tokenUrl and still names the key\'s token_uri as its audience', async () => {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  server = await startTestServer({
    'POST /proxied/token': { json: { access_token: 'ya29.token', expires_in: 3599, token_type: 'Bearer' } },
    'GET /api': (req) => ({ json: { authorization: req.headers.authorization } }),
  });
  const key = {
    type: 'service_account', client_email: 'sa@p.iam.gserviceaccount.com', private_key_id: 'k1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, token_uri: 'https://oauth2.googleapis.com/token',
  };
  const auth = jwtBearer({ kind: 'google', serviceAccount: key, scope: 'https://www.googleapis.com/auth/androidmanagement', tokenUrl: `${server.url}/proxied/token` });
  client = new HttpClient({ section: 's', tls: { verify: true }, auth, retry: { retries: 0 } });
  expect(await client.getJson(`${server.url}/api`)).toEqual({ authorization: 'Bearer ya29.token' });
  const assertion = new URLSearchParams(server.requests[0].body).get('assertion')!;
  const claims = JSON.parse(Buffer.from(assertion.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
  expect(server.requests[0].path).toBe('/proxied/token');
  expect(claims.aud).toBe('https://oauth2.googleapis.com/token');
});
