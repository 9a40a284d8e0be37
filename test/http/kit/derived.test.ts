import { ConfigError, PermanentError } from '../../../src/errors.js';
import { sessionLogin } from '../../../src/http/auth/session.js';
import { HttpClient } from '../../../src/http/client.js';
import type { AuthProvider } from '../../../src/http/types.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let servers: TestServer[] = [];
let root: HttpClient;
beforeEach(() => {
  root = new HttpClient({ section: 'okta.Contractors', tls: { verify: true }, retry: { retries: 0 }, headers: { 'User-Agent': 'connector-test' } });
});
afterEach(async () => {
  await root.close();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});
async function server(...args: Parameters<typeof startTestServer>): Promise<TestServer> {
  const s = await startTestServer(...args);
  servers.push(s);
  return s;
}
const header = (name: string, value: string): AuthProvider => ({ authorize: async (req) => void (req.headers[name] = value) });

test('with(): relative paths join the base URL (its path kept), headers merge, auth is per derived client', async () => {
  const api = await server({ 'GET /tenant/api/v1/users': { json: [1] }, 'GET /other': { json: [2] } });
  const okta = root.with({ baseUrl: `${api.url}/tenant/`, auth: header('authorization', 'SSWS tok-1'), headers: { Accept: 'application/json' } });
  expect(await okta.getJson('/api/v1/users')).toEqual([1]);
  expect(await okta.getJson(`${api.url}/other`)).toEqual([2]); // absolute URLs are used as they are
  expect(await root.getJson(`${api.url}/other`)).toEqual([2]);
  const [first, second, third] = api.requests;
  expect(first.headers).toMatchObject({ authorization: 'SSWS tok-1', accept: 'application/json', 'user-agent': 'connector-test' });
  expect(second.path).toBe('/other');
  expect(third.headers.authorization).toBeUndefined();
  // Errors name the section of the family.
  await expect(okta.getJson('/missing')).rejects.toThrow(`[okta.Contractors] GET ${api.url}/tenant/missing failed: HTTP 404`);
});

test('explainFailure turns a final 401/403 into the error the admin needs; retriable statuses are not explained', async () => {
  const api = await server({ 'GET /a': { status: 401, json: { error: 'nope' } }, 'GET /b': { status: 403, json: { message: 'forbidden' } }, 'GET /c': { status: 500 } });
  const client = root.with({
    baseUrl: api.url,
    explainFailure: (f) => (f.status === 401 ? new ConfigError({ section: 's', key: 'api_token' }, `rejected (${f.said})`)
      : f.status === 403 ? new PermanentError(`needs okta.users.read on ${new URL(f.url).pathname}`) : new PermanentError('never')),
  });
  await expect(client.getJson('/a')).rejects.toThrow('[s] api_token: rejected (nope)');
  await expect(client.getJson('/b')).rejects.toThrow('needs okta.users.read on /b');
  await expect(client.getJson('/c')).rejects.toThrow('HTTP 500');
});

test('closing the section client ends the sessions of its derived clients, then the pool', async () => {
  const api = await server({
    'POST /login': { json: { token: 'sess-abc' } },
    'GET /x': { json: {} },
    'POST /logout': { status: 204 },
  });
  const login = sessionLogin({
    login: async (c) => ({ value: (await c.request('POST', `${api.url}/login`)).json<{ token: string }>().token }),
    logout: async (c, token) => void (await c.request('POST', `${api.url}/logout`, { headers: { 'x-session': token } })),
    inject: { header: 'X-Session' },
  });
  const client = root.with({ baseUrl: api.url, auth: login });
  await client.getJson('/x');
  await root.close();
  expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /login', 'GET /x', 'POST /logout']);
  // The login and logout requests go without the session's own header, the call with it.
  expect(api.requests.map((r) => r.headers['x-session'])).toEqual([undefined, 'sess-abc', 'sess-abc']);
});

describe('redirects', () => {
  test('to another origin: no credential of any kind follows (auth provider, Authorization2, cookies, API-key headers)', async () => {
    const elsewhere = await server({ 'GET /landing': { json: { moved: true } } });
    const home = await server({ 'GET /api/v3/bulk': { status: 302, headers: { location: `${elsewhere.url}/landing` } } });
    const client = root.with({ auth: header('authorization2', 'oomnitza-token-123') });
    const body = await client.getJson(`${home.url}/api/v3/bulk`, { headers: { Cookie: 'sid=1', 'X-API-Key': 'k-999', 'X-Trace': 'keep' } });
    expect(body).toEqual({ moved: true });
    expect(home.requests[0].headers).toMatchObject({ authorization2: 'oomnitza-token-123', cookie: 'sid=1', 'x-api-key': 'k-999' });
    const sent = elsewhere.requests[0].headers;
    expect([sent.authorization2, sent.cookie, sent['x-api-key'], sent.authorization]).toEqual([undefined, undefined, undefined, undefined]);
    expect(sent['x-trace']).toBe('keep');
  });

  test('within the origin: credentials kept; 303 and 302-after-POST become a GET without body', async () => {
    const api = await server({
      'POST /a': { status: 303, headers: { location: '/b' } },
      'GET /b': { json: { ok: 'b' } },
      'PUT /c': { status: 307, headers: { location: '/d' } },
      'PUT /d': (req) => ({ json: { body: req.body } }),
    });
    const client = root.with({ baseUrl: api.url, auth: header('authorization', 'Bearer t') });
    expect(await client.postJson('/a', { x: 1 })).toEqual({ ok: 'b' });
    expect(api.requests[1]).toMatchObject({ method: 'GET', body: '', headers: { authorization: 'Bearer t' } });
    expect((await client.request('PUT', '/c', { json: { y: 2 } })).json()).toEqual({ body: '{"y":2}' });
  });

  test('a redirect loop ends with an error', async () => {
    const api = await server({ 'GET /loop': { status: 302, headers: { location: '/loop' } } });
    await expect(root.getJson(`${api.url}/loop`)).rejects.toThrow('more than 5 redirects');
  });
});

test('a credential echoed back URL-encoded, base64 or JSON-escaped is scrubbed from the error', async () => {
  const secret = 'p@ss w/rd"+&=1';
  const api = await server({
    'GET /x': (req) => ({ status: 400, body: `bad ${encodeURIComponent(secret)} ${Buffer.from(secret).toString('base64')} ${JSON.stringify(secret)} ${req.headers['x-api-key']}` }),
  });
  const client = root.with({ auth: header('x-api-key', secret) });
  const err = (await client.getJson(`${api.url}/x`).catch((e: unknown) => e)) as Error;
  expect(err.message).toMatch(/HTTP 400: bad \*\*\* \*\*\* "\*\*\*" \*\*\*$/);
});
