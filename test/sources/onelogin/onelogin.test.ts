/** The OneLogin source in process: API v2 endpoints and record shape, the token's renewal and rate limits on a fake clock. */
import { ConfigError } from '../../../src/errors.js';
import { createOneLoginSource } from '../../../src/sources/onelogin/index.js';
import { oneLoginEndpoints } from '../../../src/sources/onelogin/oneLoginApi.js';
import type { OneLoginSettings } from '../../../src/sources/onelogin/settings.js';
import { API2_REQUESTED_FIELDS, shapeApi2User, shapeLegacyUser } from '../../../src/sources/onelogin/userRecord.js';
import { getPath } from '../../../src/records.js';
import { collect, rejection, testContext, type TestContext } from '../../helpers/sourceContext.js';
import { fakeClock, type FakeClock } from '../../http/kit/fakeClock.js';
import { startFakeOneLogin, type FakeOneLogin, type FakeOneLoginOptions } from '../../support/fakeOneLogin.js';

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What the source makes of v2 user i: the API/1 keys the original pushed, custom attributes also by bare name. */
function expectedRecord(server: FakeOneLogin, i: number): Record<string, unknown> {
  const { role_ids: roleIds, ...v2 } = server.user(i) as Record<string, unknown> & { custom_attributes: Record<string, unknown> };
  return {
    ...v2, role_id: roleIds, locale_code: v2.preferred_locale_code, openid_name: null, notes: null,
    // department is a built-in field: it keeps its own value, as in the original.
    cost_center: v2.custom_attributes.cost_center, employee_type: v2.custom_attributes.employee_type,
  };
}

describe('API v2 users under the API/1 keys', () => {
  const user = shapeApi2User({
    id: 1, role_ids: [7, 9], preferred_locale_code: 'de', status: 3, state: 1, department: 'Built-in dept',
    created_at: '2025-03-03T08:00:00.000Z', manager_user_id: '42',
    custom_attributes: { cost_center: 'CC-1', department: 'custom dept', notes: 'custom notes', 'a.b': 'dotted' },
  });
  test.each([
    // v1 mapping source -> value
    ['role_id', [7, 9]],
    ['locale_code', 'de'],
    ['preferred_locale_code', 'de'],
    ['openid_name', null],
    ['status', 3],
    ['state', 1],
    ['created_at', '2025-03-03T08:00:00.000Z'],
    ['manager_user_id', '42'],
    ['cost_center', 'CC-1'],
    ['custom_attributes.cost_center', 'CC-1'],
    ['department', 'Built-in dept'],
    // notes is not a v2 field: the original read it as custom_attributes.notes, and so does this record.
    ['notes', 'custom notes'],
    ['a.b', 'dotted'],
  ])('%s resolves to %j', (source, value) => expect(getPath(user, source)).toEqual(value));

  test('the v2 name role_ids is gone (the record has the v1 keys); a user without custom attributes gets an empty object', () => {
    expect(user).not.toHaveProperty('role_ids');
    expect(shapeApi2User({ id: 2 })).toEqual({ id: 2, role_id: null, locale_code: null, openid_name: null, notes: null, custom_attributes: {} });
  });

  test('every field asked for with `fields=` is a v2 name (role_ids, not role_id)', () => {
    expect(API2_REQUESTED_FIELDS).toContain('role_ids');
    expect(API2_REQUESTED_FIELDS).toContain('custom_attributes');
    expect(API2_REQUESTED_FIELDS).not.toContain('role_id');
  });

  const legacy = shapeLegacyUser({
    id: { '@type': 'integer', '#text': '12' }, phone: { '@nil': 'true' }, email: 'a@example.com',
    custom_attribute_cost_center: 'CC-9', custom_attribute_email: 'not the email', custom_attribute_gone: { '@nil': 'true' },
  });
  test.each([
    ['cost_center', 'CC-9'],
    ['custom_attribute_cost_center', 'CC-9'],
    ['email', 'a@example.com'],
    ['phone', null],
    ['gone', null],
    ['id', { '@type': 'integer', '#text': '12' }],
  ])('legacy: %s resolves to %j', (source, value) => expect(getPath(legacy, source)).toEqual(value));
});

describe('the tenant comes from url: region host or subdomain, token and users on that host', () => {
  test.each([
    ['https://api.us.onelogin.com/api/1/users', 'https://api.us.onelogin.com'],
    ['https://api.eu.onelogin.com/api/1/users', 'https://api.eu.onelogin.com'],
    ['https://acme.onelogin.com/api/1/users/', 'https://acme.onelogin.com'],
    ['https://acme.onelogin.com/api/2/users', 'https://acme.onelogin.com'],
    ['https://acme.onelogin.com', 'https://acme.onelogin.com'],
    ['https://proxy.example.com/onelogin/api/1/users', 'https://proxy.example.com/onelogin'],
  ])('%s', (url, base) => {
    expect(oneLoginEndpoints(url)).toEqual({ tokenUrl: `${base}/auth/oauth2/v2/token`, usersUrl: `${base}/api/2/users` });
  });
  test('a url that names something else is refused (undefined: a config error)', () => {
    expect(oneLoginEndpoints('https://acme.onelogin.com/api/1/groups')).toBeUndefined();
  });
});

describe('against the test server', () => {
  let clock: FakeClock;
  let server: FakeOneLogin;
  let ctx: TestContext;
  async function setUp(opts: FakeOneLoginOptions, settings: Partial<OneLoginSettings> = {}) {
    clock = fakeClock();
    server = await startFakeOneLogin({ users: 7, pageSize: 3, now: clock.now, ...opts });
    ctx = testContext('onelogin', { clock });
    const s: OneLoginSettings = {
      url: `${server.url}/api/1/users`, client_id: 'ol-client-0123', client_secret: 'ol-secret-s3cr3t-value',
      default_role: '25', default_position: 'Employee', api_token: '', rate_limit_max_wait: 300, ...settings,
    };
    return createOneLoginSource(s, ctx, { now: clock.now });
  }
  afterEach(async () => {
    await ctx.http.close();
    await server.close();
  });

  test('three After-Cursor pages of API v2, every field asked for, records with the API/1 keys', async () => {
    const source = await setUp({});
    expect(await collect(source)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => expectedRecord(server, i)));
    const fields = encodeURIComponent(API2_REQUESTED_FIELDS.join(','));
    expect(server.log).toEqual([
      'POST /auth/oauth2/v2/token',
      `GET /api/2/users?limit=50&fields=${fields}`,
      expect.stringMatching(new RegExp(`^${escape(`GET /api/2/users?limit=50&fields=${fields}&cursor=`)}[\\w%]+$`)),
      expect.stringMatching(/&cursor=/),
    ]);
    // OneLogin's token request: the client in a Basic header, the grant as JSON.
    const [token] = server.tokenRequests;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from('ol-client-0123:ol-secret-s3cr3t-value').toString('base64')}`);
    expect(token.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(token.body)).toEqual({ grant_type: 'client_credentials' });
  });

  test('the 10-hour token is renewed when it runs out, before a request could be refused', async () => {
    const source = await setUp({ tokenLifetimeSec: 36000 });
    // After page 1, 10 hours pass.
    const users = await collect(source, (_, i) => i === 2 && clock.advance(10 * 3_600_000));
    expect(users).toHaveLength(7);
    expect(server.tokensIssued).toBe(2);
    expect(server.statuses).not.toContain(401);
  });

  test('asked again within its last minute, OneLogin hands out the same token with what is left of it: still no 401', async () => {
    const source = await setUp({ tokenLifetimeSec: 36000 });
    // 9 h 59 min 30 s: inside the kit's 60 s renewal margin, 30 s before the token dies at the server.
    const users = await collect(source, (_, i) => i === 2 && clock.advance(36000_000 - 30_000));
    expect(users).toHaveLength(7);
    expect(server.tokenRequests.length).toBeGreaterThanOrEqual(2);
    expect(server.tokensIssued).toBe(1);
    expect(server.statuses).not.toContain(401);
  });

  test('wrong client credentials: a ConfigError naming client_secret, quoting OneLogin, without the secret', async () => {
    const source = await setUp({}, { client_secret: 'not-the-secret-999' });
    const err = await rejection(collect(source));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toMatch(/^\[onelogin\] client_secret: OneLogin refused API credential "ol-client-0123" at http:\/\/127\.0\.0\.1:\d+\/auth\/oauth2\/v2\/token \(HTTP 401: Unauthorized Error\): check client_id and client_secret/);
    expect(err.message).not.toContain('not-the-secret-999');
    expect(server.log).toEqual(['POST /auth/oauth2/v2/token']);
  });

  test('a 429 waits as long as X-RateLimit-Reset says (seconds until the hourly window resets), nothing lost', async () => {
    const source = await setUp({});
    server.throttlePage(1, 1, 45);
    expect((await collect(source)).map((u) => u.username)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => `user${i}`));
    expect(clock.sleeps).toEqual([45_000]);
    expect(server.statuses.filter((s) => s === 429)).toHaveLength(1);
  });

  test('X-RateLimit-Remaining 0: the next request waits for the reset instead of running into a 429', async () => {
    const source = await setUp({});
    server.exhaustAfterPage(0, 20);
    expect(await collect(source)).toHaveLength(7);
    expect(clock.sleeps).toEqual([20_000]);
    expect(server.statuses).not.toContain(429);
  });

  test('a reset beyond rate_limit_max_wait fails with a message naming the setting; raising it waits', async () => {
    let source = await setUp({});
    server.throttlePage(1, 1, 1800);
    await expect(collect(source)).rejects.toThrow(/asks to wait 1800 s, more than the 300 s allowed by rate_limit_max_wait/);
    await ctx.http.close();
    await server.close();
    source = await setUp({}, { rate_limit_max_wait: 3600 });
    server.throttlePage(1, 1, 1800);
    expect(await collect(source)).toHaveLength(7);
    expect(clock.sleeps).toEqual([1_800_000]);
  });
});
