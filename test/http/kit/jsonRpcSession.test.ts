/**
 * The JSON-RPC session shape (FortiManager): every call is POST /jsonrpc with HTTP 200, the session travels in the
 * JSON body (`{ jsonBody: 'session' }`), and an ended session is only said in the body (classifyFailure 'reauthenticate', which also sees 2xx replies): the
 * client then logs in again once, as after a 401.
 */
import { jsonLogin, sessionLogin } from '../../../src/http/auth/session.js';
import { HttpClient } from '../../../src/http/client.js';
import type { HttpResponse } from '../../../src/http/types.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let api: TestServer;
let root: HttpClient;
afterEach(async () => {
  await root?.close();
  await api?.close();
});

const ended = (res: HttpResponse) => (res.json<{ result?: Array<{ status?: { code?: number } }> }>().result?.[0]?.status?.code ?? 0) === -11;

test('the session goes in the JSON body, an ended session (HTTP 200, code -11) logs in again once, logout at close', async () => {
  const valid = new Set<string>();
  let issued = 0;
  api = await startTestServer({
    'POST /jsonrpc': (req) => {
      const body = JSON.parse(req.body) as { method: string; params: Array<{ url: string }>; session?: string | null };
      if (body.params[0].url === 'sys/login/user') {
        const session = `s${++issued}==`;
        valid.add(session);
        return { json: { id: 1, result: [{ status: { code: 0, message: 'OK' } }], session } };
      }
      if (!body.session || !valid.has(body.session)) return { json: { id: 1, result: [{ status: { code: -11, message: 'No permission for the resource' } }] } };
      if (body.params[0].url === 'sys/logout') {
        valid.delete(body.session);
        return { json: { id: 1, result: [{ status: { code: 0, message: 'OK' } }] } };
      }
      return { json: { id: 1, result: [{ status: { code: 0, message: 'OK' }, data: { session: body.session } }] } };
    },
  });
  root = new HttpClient({ section: 'fmg', tls: { verify: true }, retry: { retries: 0 } });
  const auth = sessionLogin({
    login: jsonLogin({ url: `${api.url}/jsonrpc`, json: { id: 1, method: 'exec', params: [{ url: 'sys/login/user' }] }, token: 'session', rejected: () => new Error('no') }),
    logout: async (client, session) => {
      await client.request('POST', `${api.url}/jsonrpc`, { json: { id: 1, method: 'exec', params: [{ url: 'sys/logout' }], session } });
    },
    inject: { jsonBody: 'session' },
  });
  const client = root.with({ baseUrl: api.url, auth, classifyFailure: (r) => (ended(r) ? 'reauthenticate' : undefined) });
  const call = async () => (await client.request('POST', '/jsonrpc', { json: { id: 1, method: 'get', params: [{ url: '/dvmdb/device' }], session: null } })).json<{ result: Array<{ data?: { session: string } }> }>();
  expect((await call()).result[0].data?.session).toBe('s1==');
  valid.clear();
  expect((await call()).result[0].data?.session).toBe('s2==');
  await root.close();
  const sessions = api.requests.map((r) => (JSON.parse(r.body) as { session?: string | null }).session ?? null);
  expect(sessions).toEqual([null, 's1==', 's1==', null, 's2==', 's2==']);
  expect(valid.size).toBe(0);
});
