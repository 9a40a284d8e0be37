/** classifyFailure 'reauthenticate': a refused session that is not a 401 (Tanium's 403) gets one new login, as a 401 does. */
import { HttpClient, HttpPermanentError, sessionLogin } from '../../../src/http/index.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let server: TestServer;
let root: HttpClient;
afterEach(async () => {
  await root.close();
  await server.close();
});

test('the session is dropped and the request sent once more; refused again it fails; without the hook a 403 fails at once', async () => {
  let logins = 0;
  let valid = '';
  server = await startTestServer({
    'POST /login': () => ({ json: { token: (valid = `t${++logins}`) } }),
    'GET /list': (req) => (req.headers.session === valid ? { json: { ok: true } } : { status: 403, json: { text: 'not authorized' } }),
  });
  root = new HttpClient({ section: 's', tls: { verify: true }, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 } });
  const auth = () => sessionLogin({
    login: async (c) => ({ value: (await c.request('POST', `${server.url}/login`)).json<{ token: string }>().token }),
    inject: { header: 'session' },
  });
  const api = root.with({ baseUrl: server.url, auth: auth(), classifyFailure: (r) => (r.status === 403 ? 'reauthenticate' : undefined) });
  expect(await api.getJson('/list')).toEqual({ ok: true });
  valid = 'expired-elsewhere';
  expect(await api.getJson('/list')).toEqual({ ok: true });
  expect(logins).toBe(2);
  // Refused with a fresh session too (a missing permission): one new login, then the 403 stands, not retried.
  server.requests.length = 0;
  const refusing = root.with({ baseUrl: server.url, auth: sessionLogin({ login: async () => ({ value: 'never-valid' }), inject: { header: 'session' } }), classifyFailure: () => 'reauthenticate' });
  await expect(refusing.getJson('/list')).rejects.toBeInstanceOf(HttpPermanentError);
  expect(server.requests.map((r) => r.path)).toEqual(['/list', '/list']);
  server.requests.length = 0;
  await expect(root.with({ baseUrl: server.url, auth: sessionLogin({ login: async () => ({ value: 'never-valid' }), inject: { header: 'session' } }) }).getJson('/list')).rejects.toBeInstanceOf(HttpPermanentError);
  expect(server.requests).toHaveLength(1);
});
