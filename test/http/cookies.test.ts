import { HttpClient } from '../../src/http/client.js';
import { CookieJar } from '../../src/http/cookies.js';
import { startTestServer, type TestServer } from '../support/httpTestServer.js';

let server: TestServer | undefined;
let client: HttpClient | undefined;

afterEach(async () => {
  await client?.close();
  await server?.close();
  client = server = undefined;
});

test('a jar keeps Set-Cookie across requests; a Cookie header the caller sets wins; a client without a jar sends none', async () => {
  server = await startTestServer({
    'POST /login': { headers: { 'Set-Cookie': ['sid=abc; Path=/; HttpOnly', 'theme=dark; Path=/ui'] }, json: {} },
    'GET /api/me': { json: {} },
    'GET /ui/page': { json: {} },
    'POST /rotate': { headers: { 'Set-Cookie': 'sid=def; Path=/' }, json: {} },
  });
  const jar = new CookieJar();
  client = new HttpClient({ section: 's', tls: { verify: true } });
  const api = client.with({ cookies: jar });
  await api.request('POST', `${server.url}/login`);
  await api.request('GET', `${server.url}/api/me`);
  await api.request('GET', `${server.url}/ui/page`);
  await api.request('GET', `${server.url}/api/me`, { headers: { Cookie: 'mine=1' } });
  await api.request('POST', `${server.url}/rotate`);
  await api.request('GET', `${server.url}/api/me`);
  await client.request('GET', `${server.url}/api/me`);
  expect(server.requests.map((r) => r.headers.cookie)).toEqual([undefined, 'sid=abc', 'theme=dark; sid=abc', 'mine=1', 'sid=abc', 'sid=def', undefined]);
  expect(jar.names()).toEqual(['theme', 'sid']);
});

test('matching: host-only vs Domain, path prefixes, Secure, Max-Age and Expires, a foreign Domain ignored', () => {
  let now = 1_000_000;
  const jar = new CookieJar(() => now);
  const at = (u: string) => new URL(u);
  jar.store(at('https://app.example.com/a/login'), [
    'host=1',
    'dom=2; Domain=.example.com; Path=/',
    'sec=3; Secure; Path=/',
    'short=4; Max-Age=10; Path=/; Domain=example.com',
    'gone=5; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    'evil=6; Domain=other.com',
  ]);
  expect(jar.header(at('https://app.example.com/a/x'))).toBe('host=1; dom=2; sec=3; short=4');
  expect(jar.header(at('https://app.example.com/ab'))).toBe('dom=2; sec=3; short=4');
  expect(jar.header(at('http://api.example.com/'))).toBe('dom=2; short=4');
  expect(jar.header(at('https://other.com/'))).toBeUndefined();
  now += 11_000;
  expect(jar.header(at('http://api.example.com/'))).toBe('dom=2');
  jar.store(at('https://app.example.com/'), 'dom=x; Domain=example.com; Path=/; Max-Age=0');
  expect(jar.header(at('http://api.example.com/'))).toBeUndefined();
});
