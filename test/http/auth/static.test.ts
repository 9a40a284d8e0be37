import { basicAuth, bearerToken, staticCredentials, tokenHeader } from '../../../src/http/auth/index.js';
import { HttpClient } from '../../../src/http/client.js';
import type { AuthProvider } from '../../../src/http/types.js';
import { redactor, secretForms } from '../../../src/logging.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

/** An API that accepts only `expected` and, like careless servers do, echoes what it got into its 401. */
async function api(accepts: (req: { headers: Record<string, unknown>; query: Record<string, string> }) => boolean) {
  server = await startTestServer({
    'GET /api/items': (req) => (accepts(req) ? { json: { ok: true } } : { status: 401, json: { error: `denied: ${JSON.stringify(req.headers)} ${req.url}` } }),
  });
}

function connect(auth: AuthProvider) {
  client = new HttpClient({ section: 'vendor', tls: { verify: true }, auth, retry: { retries: 0 } });
}

const failure = async (url: string) => ((await client.getJson(url).catch((e: unknown) => e)) as Error).message;

test('basicAuth sends the RFC 7617 header and registers the password with the redactor', async () => {
  await api((req) => req.headers.authorization === `Basic ${Buffer.from('svc-connector:p@ss:w0rd').toString('base64')}`);
  connect(basicAuth('svc-connector', 'p@ss:w0rd'));
  await expect(client.getJson(`${server.url}/api/items`)).resolves.toEqual({ ok: true });
  expect(redactor.redact('password is p@ss:w0rd')).toBe('password is ***');
  expect(client.describeAuth()).toBe('user "svc-connector"');
});

test('tokenHeader sends the header as named; bearerToken sends Authorization: Bearer', async () => {
  await api((req) => req.headers.authorization2 === 'abcd1234' || req.headers.authorization === 'Bearer tok-5678');
  connect(tokenHeader('Authorization2', 'abcd1234'));
  await expect(client.getJson(`${server.url}/api/items`)).resolves.toEqual({ ok: true });
  await client.close();
  connect(bearerToken('tok-5678'));
  await expect(client.getJson(`${server.url}/api/items`)).resolves.toEqual({ ok: true });
  expect(server.requests.map((r) => [r.headers.authorization2, r.headers.authorization])).toEqual([
    ['abcd1234', undefined],
    [undefined, 'Bearer tok-5678'],
  ]);
});

test('staticCredentials sends API keys as headers and query parameters, keeping the caller\'s query', async () => {
  await api((req) => req.headers['x-api-key'] === 'key-header-1' && req.query.api_key === 'key-query-1');
  connect(staticCredentials({ headers: { 'X-API-Key': 'key-header-1' }, query: { api_key: 'key-query-1' } }));
  await client.getJson(`${server.url}/api/items`, { query: { page: 2, api_key: 'caller-value' } });
  expect(server.requests[0].url).toBe('/api/items?page=2&api_key=key-query-1');
  expect(client.describeAuth()).toBe('API key in header x-api-key, query parameter api_key');
});

test.each([
  ['a header key', () => staticCredentials({ headers: { 'X-Custom': 'hdr-key-Zz9/+=' } }), ['hdr-key-Zz9/+=']],
  ['a query key', () => staticCredentials({ query: { k: 'qry-key-Zz9/+=' } }), ['qry-key-Zz9/+=']],
  ['a tokenHeader', () => tokenHeader('X-Token', 'tok-hdr-Zz9/+='), ['tok-hdr-Zz9/+=']],
  ['a bearer token', () => bearerToken('bearer-Zz9/+='), ['bearer-Zz9/+=']],
  ['Basic credentials', () => basicAuth('svc', 'basic-pw-Zz9/+='), ['basic-pw-Zz9/+=', Buffer.from('svc:basic-pw-Zz9/+=').toString('base64')]],
])('%s never appears in an error message, literal or encoded', async (_name, make, secrets) => {
  await api(() => false);
  connect(make());
  const message = await failure(`${server.url}/api/items`);
  expect(message).toMatch(/HTTP 401: denied: /);
  for (const secret of secrets) for (const form of secretForms(secret)) expect(message).not.toContain(form);
});

test('every credential is registered with the log redactor when the provider is made', () => {
  staticCredentials({ headers: { 'X-Key': 'reg-header-1' }, query: { key: 'reg-query-1' } });
  tokenHeader('X-Token', 'reg-token-1');
  bearerToken('reg-bearer-1');
  basicAuth('svc', 'reg-basic-1');
  const line = `reg-header-1 reg-query-1 reg-token-1 reg-bearer-1 reg-basic-1 ${Buffer.from('svc:reg-basic-1').toString('base64')}`;
  expect(redactor.redact(line)).toBe('*** *** *** *** *** ***');
});
