import { ConfigError } from '../../../src/errors.js';
import { basicAuth } from '../../../src/http/auth/index.js';
import { jsonLogin, sessionLogin } from '../../../src/http/auth/session.js';
import { HttpClient } from '../../../src/http/client.js';
import { redactor } from '../../../src/logging.js';
import { startTestServer, type TestServer } from '../../support/httpTestServer.js';

/** A session API: POST /login (user/password form) -> {token, expires_in}; GET /items needs the cookie. */
function sessionServer(opts: { lifetimeS?: number } = {}) {
  const valid = new Set<string>();
  let issued = 0;
  const revoke = () => valid.clear();
  const routes = {
    'POST /login': (req: { body: string }) => {
      const form = new URLSearchParams(req.body);
      if (form.get('user') !== 'svc' || form.get('password') !== 'Corr3ct!pw') return { status: 401, json: { message: 'invalid credentials' } };
      const token = `tok-${++issued}-${'x'.repeat(8)}`;
      valid.add(token);
      return { json: { token, expires_in: opts.lifetimeS ?? 3600 } };
    },
    'GET /items': (req: { headers: Record<string, unknown> }) => {
      const token = /sid=([^;]+)/.exec(String(req.headers.cookie ?? ''))?.[1];
      return token && valid.has(token) ? { json: { token } } : { status: 401, json: { message: 'session expired' } };
    },
  };
  return { routes, revoke, issued: () => issued };
}

let api: TestServer;
let root: HttpClient;
let clock = 0;
afterEach(async () => {
  await root?.close();
  await api?.close();
});

function makeLogin(password: string) {
  return sessionLogin({
    login: jsonLogin({
      url: `${api.url}/login`,
      form: { user: 'svc', password },
      token: 'token',
      expiresIn: 'expires_in',
      rejected: (status, said) => new ConfigError({ section: 'kace', key: 'password' }, `rejected user "svc" (HTTP ${status}: ${said})`),
      now: () => clock,
    }),
    inject: { cookie: 'sid' },
    describe: () => 'user "svc"',
    now: () => clock,
  });
}

test('one login for concurrent callers; renewed before expiry; a session the server ends mid-run is logged in again', async () => {
  const fake = sessionServer({ lifetimeS: 600 });
  api = await startTestServer(fake.routes);
  root = new HttpClient({ section: 'kace', tls: { verify: true }, retry: { retries: 0 } });
  clock = 1_000_000;
  const client = root.with({ baseUrl: api.url, auth: makeLogin('Corr3ct!pw') });
  const results = await Promise.all(Array.from({ length: 8 }, () => client.getJson<{ token: string }>('/items')));
  expect(new Set(results.map((r) => r.token))).toEqual(new Set(['tok-1-xxxxxxxx']));
  expect(fake.issued()).toBe(1);

  clock += 481_000; // a fifth of 600 s left: renew before the token dies in flight
  expect((await client.getJson<{ token: string }>('/items')).token).toBe('tok-2-xxxxxxxx');

  fake.revoke(); // the server ended the session (restart, admin logout)
  expect((await client.getJson<{ token: string }>('/items')).token).toBe('tok-3-xxxxxxxx');
  // 8 + 1 calls, then the one refused with 401 and its retry with the new session.
  expect(api.requests.map((r) => r.path).filter((p) => p === '/items')).toHaveLength(11);
  expect(api.requests.filter((r) => r.path === '/login')).toHaveLength(3);
  expect(redactor.redact('tok-3-xxxxxxxx')).toBe('***');
});

test('rejected credentials are the provider\'s ConfigError, with the server\'s words and never the password', async () => {
  api = await startTestServer(sessionServer().routes);
  root = new HttpClient({ section: 'kace', tls: { verify: true }, retry: { retries: 3, baseDelayMs: 1, maxDelayMs: 2 } });
  const client = root.with({ baseUrl: api.url, auth: makeLogin('wr0ng-password') });
  const err = (await client.getJson('/items').catch((e: unknown) => e)) as Error;
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe('[kace] password: rejected user "svc" (HTTP 401: invalid credentials)');
  expect(api.requests).toHaveLength(1); // not retried: the same credentials would be refused again
});

test('keep-alive renews while valid; its failure falls back to a new login; the fallback provider serves servers without sessions', async () => {
  let kept = 0;
  api = await startTestServer({
    'POST /token': { json: { token: 'abcd-1', expires_in: 100 } },
    'POST /keep-alive': () => (++kept === 1 ? { json: { token: 'abcd-2', expires_in: 100 } } : { status: 401 }),
    'GET /x': (req) => ({ json: { auth: req.headers.authorization } }),
  });
  root = new HttpClient({ section: 's', tls: { verify: true }, retry: { retries: 0 } });
  clock = 0;
  const reject = () => new Error('no');
  const login = sessionLogin({
    login: jsonLogin({ url: `${api.url}/token`, token: 'token', expiresIn: 'expires_in', rejected: reject, now: () => clock }),
    renew: (c, t) => jsonLogin({ url: `${api.url}/keep-alive`, headers: { authorization: `Bearer ${t}` }, token: 'token', expiresIn: 'expires_in', rejected: reject, now: () => clock })(c),
    inject: { header: 'Authorization', scheme: 'Bearer' },
    now: () => clock,
  });
  const client = root.with({ baseUrl: api.url, auth: login });
  expect(await client.getJson('/x')).toEqual({ auth: 'Bearer abcd-1' });
  clock = 85_000;
  expect(await client.getJson('/x')).toEqual({ auth: 'Bearer abcd-2' });
  clock = 170_000;
  expect(await client.getJson('/x')).toEqual({ auth: 'Bearer abcd-1' }); // keep-alive refused: logged in again
  expect(api.requests.map((r) => r.path)).toEqual(['/token', '/x', '/keep-alive', '/x', '/keep-alive', '/token', '/x']);

  const old = await startTestServer({ 'POST /token': { status: 404 }, 'GET /x': (req) => ({ json: { auth: req.headers.authorization } }) });
  const legacy = sessionLogin({
    login: jsonLogin({ url: `${old.url}/token`, token: 'token', rejected: (status) => (status === 404 ? 'fallback' : reject()) }),
    inject: { header: 'Authorization', scheme: 'Bearer' },
    fallback: basicAuth('svc', 'pw-1234'),
  });
  const oldClient = root.with({ baseUrl: old.url, auth: legacy });
  expect(await oldClient.getJson('/x')).toEqual({ auth: `Basic ${Buffer.from('svc:pw-1234').toString('base64')}` });
  expect(await oldClient.getJson('/x')).toEqual({ auth: `Basic ${Buffer.from('svc:pw-1234').toString('base64')}` });
  expect(legacy.usesFallback).toBe(true);
  expect(old.requests.filter((r) => r.path === '/token')).toHaveLength(1);
  await old.close();
});

test('a 401 for a token already replaced by a concurrent caller keeps the replacement (no second login)', async () => {
  const fake = sessionServer();
  api = await startTestServer(fake.routes);
  root = new HttpClient({ section: 'kace', tls: { verify: true }, retry: { retries: 0 } });
  const login = makeLogin('Corr3ct!pw');
  const sent = () => ({ method: 'GET', url: new URL(`${api.url}/items`), headers: {} as Record<string, string> });
  const first = sent();
  const second = sent();
  await login.authorize(first, root);
  await login.authorize(second, root);
  expect(second.headers.cookie).toBe('sid=tok-1-xxxxxxxx');
  login.invalidate(first); // the first 401 back: log in again
  const third = sent();
  await login.authorize(third, root);
  expect(third.headers.cookie).toBe('sid=tok-2-xxxxxxxx');
  expect(login.invalidate(second)).toBe(true); // the second 401, for tok-1, arrives after the new login: retry, keep tok-2
  const fourth = sent();
  await login.authorize(fourth, root);
  expect(fourth.headers.cookie).toBe('sid=tok-2-xxxxxxxx');
  expect(fake.issued()).toBe(2);
  login.invalidate(fourth); // a 401 for the current token drops it
  await login.authorize(sent(), root);
  expect(fake.issued()).toBe(3);
});
