/** cursorHeader: the next page's cursor in a response header (OneLogin API v2's After-Cursor). */
import { PermanentError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { cursorHeader, paginate } from '../../src/http/index.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';

let server: TestServer;
let client: HttpClient;
afterEach(async () => {
  await client?.close();
  await server?.close();
});

async function read(strategy = cursorHeader('After-Cursor', 'cursor')): Promise<number[]> {
  client = new HttpClient({ section: 'onelogin', tls: { verify: true }, retry: { retries: 0 } });
  const out: number[] = [];
  for await (const n of paginate<number>(client.with({ baseUrl: server.url }), { path: '/api/2/users', query: { limit: 2 }, items: '', strategy })) out.push(n);
  return out;
}

test('follows the header until a page without it; the cursor goes to its parameter, the query is resent', async () => {
  const pages: Record<string, { json: number[]; headers?: Record<string, string> }> = {
    '': { json: [1, 2], headers: { 'After-Cursor': 'c1' } },
    c1: { json: [3, 4], headers: { 'after-cursor': 'c2', 'Before-Cursor': 'c0' } },
    c2: { json: [5] },
  };
  server = await startTestServer({ 'GET /api/2/users': (req) => pages[req.query.cursor ?? ''] });
  expect(await read()).toEqual([1, 2, 3, 4, 5]);
  expect(server.requests.map((r) => r.url)).toEqual(['/api/2/users?limit=2', '/api/2/users?limit=2&cursor=c1', '/api/2/users?limit=2&cursor=c2']);
});

test('an empty header ends the list; the cursor may go to a header of the request instead', async () => {
  server = await startTestServer({
    'GET /api/2/users': (req) => (req.headers['x-cursor'] === 'abc' ? { json: [2], headers: { 'After-Cursor': ' ' } } : { json: [1], headers: { 'After-Cursor': 'abc' } }),
  });
  expect(await read(cursorHeader('After-Cursor', { header: 'X-Cursor' }))).toEqual([1, 2]);
  expect(server.requests.map((r) => r.headers['x-cursor'])).toEqual([undefined, 'abc']);
});

test('a server that names the same cursor again is stopped by the loop guard, not read forever', async () => {
  server = await startTestServer({ 'GET /api/2/users': { json: [1], headers: { 'After-Cursor': 'same' } } });
  const err = await read().then(() => undefined, (e: unknown) => e as Error);
  expect(err).toBeInstanceOf(PermanentError);
  expect(err?.message).toMatch(/^\[onelogin\] GET http:\/\/127\.0\.0\.1:\d+\/api\/2\/users: pagination loops/);
  expect(server.requests).toHaveLength(2);
});
