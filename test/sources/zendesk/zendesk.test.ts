/** The Zendesk source in process: past Zendesk's 10,000-record offset limit, next links kept on the configured host, waits on a fake clock. */
import { request } from 'undici';
import { createZendeskSource } from '../../../src/sources/zendesk/index.js';
import type { ZendeskSettings } from '../../../src/sources/zendesk/settings.js';
import { collect, testContext, type TestContext } from '../../helpers/sourceContext.js';
import { fakeClock, type FakeClock } from '../../http/kit/fakeClock.js';
import { startTestServer } from '../../support/httpTestServer.js';
import { startFakeZendesk, type FakeZendesk, type FakeZendeskOptions } from '../../support/fakeZendesk.js';

const servers: Array<{ close(): Promise<void> }> = [];
const contexts: TestContext[] = [];
let clock: FakeClock;
function context(withClock?: FakeClock): TestContext {
  const ctx = testContext('zendesk', { clock: withClock });
  contexts.push(ctx);
  return ctx;
}
async function setUp(opts: FakeZendeskOptions, settings: Partial<ZendeskSettings> = {}) {
  const zd = await startFakeZendesk(opts);
  servers.push(zd);
  clock = fakeClock();
  const ctx = context(clock);
  const s: ZendeskSettings = {
    system_name: 'acme', api_token: 'zd-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv', username: 'admin@example.com',
    default_role: '25', default_position: 'Employee', load_organizations: false, url: zd.url, rate_limit_max_wait: 300, ...settings,
  };
  return { zd, source: createZendeskSource(s, ctx) };
}
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.http.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

test('cursor paging reads past the 10,000 records where Zendesk now refuses offset paging', async () => {
  const { zd, source } = await setUp({ users: 10_050, organizations: 0 });
  const users = await collect(source);
  expect(users).toHaveLength(10_050);
  expect(users[10_049]).toEqual(zd.user(10_050));
  expect(zd.log).toHaveLength(101);
  expect(zd.log.every((l: string) => l.includes('page[size]=100'))).toBe(true);
  // What the original did (offset paging, `next_page`) fails on page 101:
  const auth = `Basic ${Buffer.from('admin@example.com/token:zd-token-6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv').toString('base64')}`;
  const offset = await request(`${zd.url}/api/v2/users.json?page=101`, { headers: { authorization: auth } });
  expect(offset.statusCode).toBe(400);
  expect(await offset.body.json()).toEqual({ error: { title: 'Invalid pagination parameter', message: expect.stringContaining('Offset pagination is limited to the first 10000 records') } });
});

test('links.next names Zendesk\'s own host; the next pages still go to the configured url (a proxy stays in the path)', async () => {
  const { source } = await setUp({ users: 250, publicOrigin: 'http://127.0.0.1:1' });
  expect(await collect(source)).toHaveLength(250);
});

test('a 429 waits as long as Retry-After says', async () => {
  const { zd, source } = await setUp({ users: 250 });
  zd.throttlePage('users', 1, 1, '93');
  expect(await collect(source)).toHaveLength(250);
  expect(clock.sleeps).toEqual([93_000]);
});

test('organizations: the full object, {} for an unknown organization_id; none in the account adds no key (as the original)', async () => {
  const { zd, source } = await setUp({ users: 10, organizations: 3 }, { load_organizations: true });
  const users = await collect(source);
  expect(users[0].organization).toEqual(zd.organization(2));
  expect(users[4].organization).toEqual({}); // organization_id null
  expect(users[6].organization).toEqual({}); // organization_id of a deleted organization
  const none = await setUp({ users: 3, organizations: 0 }, { load_organizations: true });
  expect((await collect(none.source)).map((u) => 'organization' in u)).toEqual([false, false, false]);
});

test('a page that says has_more but names no next page is an error, not a silently short list', async () => {
  const broken = await startTestServer({
    'GET /api/v2/users.json': { json: { users: [{ id: 1, name: 'A B', email: 'a@example.com' }], meta: { has_more: true, after_cursor: 'x' }, links: { next: null } } },
  });
  servers.push(broken);
  const s = createZendeskSource({
    system_name: 'acme', api_token: 't0ken-value', username: 'a@example.com', default_role: '25', default_position: 'Employee',
    load_organizations: false, url: broken.url, rate_limit_max_wait: 300,
  }, context());
  await expect(collect(s)).rejects.toThrow(/\[zendesk\] GET http:\/\/127\.0\.0\.1:\d+\/api\/v2\/users\.json: Zendesk says more pages follow \(meta\.has_more\) but gives no links\.next/);
});
