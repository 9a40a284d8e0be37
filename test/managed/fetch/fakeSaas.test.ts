/** The fake SaaS rejects what the APIs it stands for reject, so that the fetch engine's tests mean something. */
import { startFakeSaas, type FakeSaas } from '../../support/fakeSaas.js';

let saas: FakeSaas;
afterEach(async () => {
  await saas?.close();
});

const login = async (body = { username: 'admin', password: 's3cret' }, cookie?: string) =>
  fetch(`${saas.url}/session/login`, { method: 'POST', body: JSON.stringify(body), headers: cookie ? { cookie } : {} });

test('session: a CSRF token is good for one request of its session; no cookie, no token or a used one: 403', async () => {
  saas = await startFakeSaas({ devices: 3 });
  expect((await login({ username: 'admin', password: 'x' })).status).toBe(401);
  const first = await login();
  const sid = first.headers.get('set-cookie')!.split(';')[0];
  const csrf = first.headers.get('x-csrf-token')!;
  const devices = (headers: Record<string, string>) => fetch(`${saas.url}/session/devices?page=0`, { headers });
  expect((await devices({ 'x-csrf-token': csrf })).status).toBe(403);
  expect((await devices({ cookie: sid })).status).toBe(403);
  expect((await devices({ cookie: sid, 'x-csrf-token': csrf })).status).toBe(200);
  expect((await devices({ cookie: sid, 'x-csrf-token': csrf })).status).toBe(403);
  const again = await login(undefined, sid);
  expect(again.headers.get('set-cookie')!.split(';')[0]).toBe(sid);
  expect((await devices({ cookie: sid, 'x-csrf-token': again.headers.get('x-csrf-token')! })).status).toBe(200);
});

test('paging parameters are checked: offset without limit, a bad page token, a bad $skiptoken: 400', async () => {
  saas = await startFakeSaas();
  expect((await fetch(`${saas.url}/offset/devices?offset=0`)).status).toBe(400);
  expect((await fetch(`${saas.url}/offset/devices?offset=0&limit=101`)).status).toBe(400);
  expect((await fetch(`${saas.url}/token/devices?page_token=zzz`)).status).toBe(400);
  expect((await fetch(`${saas.url}/odata/users?$skiptoken=3`)).status).toBe(400);
  expect((await fetch(`${saas.url}/static/users`)).status).toBe(401);
  expect((await fetch(`${saas.url}/static/users?api_key=key-123`)).status).toBe(200);
  const limited = await fetch(`${saas.url}/limited/users`);
  expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '1']);
  expect((await fetch(`${saas.url}/limited/users`)).status).toBe(200);
});
