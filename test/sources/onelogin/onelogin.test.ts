/** The OneLogin source in process: record shaping, the token's renewal before expiry and rate-limit waits on a fake clock. */
import { createOneLoginSource } from '../../../src/sources/onelogin/index.js';
import { tokenUrlFor } from '../../../src/sources/onelogin/oneLoginApi.js';
import type { OneLoginSettings } from '../../../src/sources/onelogin/settings.js';
import { shapeApi1User, shapeLegacyUser } from '../../../src/sources/onelogin/userRecord.js';
import { getPath } from '../../../src/records.js';
import { collect, testContext, type TestContext } from '../../helpers/sourceContext.js';
import { fakeClock, type FakeClock } from '../../http/kit/fakeClock.js';
import { startFakeOneLogin, type FakeOneLogin, type FakeOneLoginOptions } from '../../support/fakeOneLogin.js';

describe('record shaping (the original read unknown mapping sources as custom attributes)', () => {
  const api1 = shapeApi1User({
    id: 1, department: 'Built-in dept', notes: 'a top-level field outside the list', nil_one: { '@nil': 'true' },
    custom_attributes: { cost_center: 'CC-1', department: 'custom dept', notes: 'custom notes', 'a.b': 'dotted', custom_attributes: 'x' },
  });
  test.each([
    // mapping source -> what the original's prefixed lookup gave
    ['cost_center', 'CC-1'],
    ['custom_attributes.cost_center', 'CC-1'],
    ['department', 'Built-in dept'],
    ['notes', 'custom notes'],
    ['a.b', 'dotted'],
    ['nil_one', null],
  ])('API/1: %s resolves to %j', (source, value) => expect(getPath(api1, source)).toEqual(value));

  test('API/1: the custom_attributes object itself stays, whatever a custom attribute is called', () => {
    expect(api1.custom_attributes).toEqual(expect.objectContaining({ cost_center: 'CC-1' }));
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

test('the token host is the users URL\'s own: an EU tenant gets its token from api.eu.onelogin.com', () => {
  expect(tokenUrlFor('https://api.eu.onelogin.com/api/1/users')).toBe('https://api.eu.onelogin.com/auth/oauth2/token');
  expect(tokenUrlFor('https://acme.onelogin.com/api/1/users')).toBe('https://acme.onelogin.com/auth/oauth2/token');
});

describe('on a fake clock', () => {
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

  test('the 10-hour token is renewed before it expires, so no request is refused', async () => {
    const source = await setUp({ tokenLifetimeSec: 36000 });
    // After page 1, 9 h 56 min pass: the token is still valid at the server, but within the renewal margin.
    const users = await collect(source, (_, i) => i === 2 && clock.advance((9 * 60 + 56) * 60_000));
    expect(users).toHaveLength(7);
    expect(server.tokensIssued).toBe(2);
    expect(server.statuses).not.toContain(401);
  });

  test('a 429 waits as long as X-RateLimit-Reset says (seconds until the hourly window resets)', async () => {
    const source = await setUp({});
    server.throttlePage(1, 1, 45);
    expect(await collect(source)).toHaveLength(7);
    expect(clock.sleeps).toEqual([45_000]);
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
