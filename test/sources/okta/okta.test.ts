/** The Okta source against the Okta test server: pages, the two passes, rate limits on a fake clock, explained failures. */
import { ConfigError, PermanentError, TransientError } from '../../../src/errors.js';
import { okta } from '../../../src/sources/okta/index.js';
import { oktaErrorText } from '../../../src/sources/okta/api.js';
import { oktaSettings } from '../../../src/sources/okta/settings.js';
import { collect, recordingContext, rejection, settingsFrom, type RecordingContext } from '../../helpers/sourceContext.js';
import { fakeClock, type FakeClock } from '../../http/kit/fakeClock.js';
import { startFakeOkta, type FakeOkta, type FakeOktaOptions } from '../../support/fakeOkta.js';

let fake: FakeOkta;
let ctx: RecordingContext;
let clock: FakeClock;
afterEach(async () => {
  await ctx?.http.close();
  await fake?.close();
});

async function setup(o: FakeOktaOptions = {}, values: Record<string, string> = {}) {
  clock = fakeClock();
  fake = await startFakeOkta({ now: clock.now, ...o });
  ctx = recordingContext('okta', { clock });
  const settings = settingsFrom(oktaSettings, { url: fake.url, api_token: fake.token, default_role: '25', default_position: 'Employee', ...values });
  return okta.create(settings, ctx);
}

const usersQueries = () => fake.requests.map((r) => r.query);

test('reads every page through the Link header, then the DEPROVISIONED users; records are Okta users as sent', async () => {
  const source = await setup({ users: 5, deprovisioned: 2, maxLimit: 2 }, { deprovisioned: 'true' });
  const records = await collect(source);
  expect(records).toEqual([...fake.listed(), ...fake.deprovisionedUsers()]);
  expect(records).toHaveLength(7);
  const [first] = fake.users;
  expect(Object.keys(first)).toEqual(['id', 'status', 'created', 'activated', 'statusChanged', 'lastLogin', 'lastUpdated', 'passwordChanged', 'type', 'profile', 'credentials', '_links']);
  // First page as we ask for it; the next ones exactly as Okta's Link header names them (cursor, limit, filter).
  const listed = fake.listed();
  expect(usersQueries()).toEqual([
    { limit: '200' },
    { after: listed[1].id, limit: '2' },
    { after: listed[3].id, limit: '2' },
    { limit: '200', filter: 'status eq "DEPROVISIONED"' },
  ]);
  expect(fake.requests.every((r) => r.headers.authorization === `SSWS ${fake.token}` && r.headers.accept === 'application/json')).toBe(true);
  expect(ctx.failures).toEqual([]);
});

// The original: `if self.settings.get('deprovisioned') in TrueValues` (True, true, 1, Yes, yes, Y, y) -> second pass.
test.each([
  ['true', true], ['True', true], ['TRUE', true], ['1', true], ['yes', true], ['Yes', true], ['Y', true], ['y', true], ['on', true],
  ['false', false], ['False', false], ['0', false], ['no', false], ['N', false], ['off', false], ['', false],
])('deprovisioned = %j: second pass %s', async (value, twoPasses) => {
  const source = await setup({ users: 2, deprovisioned: 1 }, { deprovisioned: value });
  const records = await collect(source);
  expect(records.map((r) => r.status)).toEqual(twoPasses ? ['ACTIVE', 'ACTIVE', 'DEPROVISIONED'] : ['ACTIVE', 'ACTIVE']);
  expect(usersQueries().some((q) => q.filter !== undefined)).toBe(twoPasses);
});

test('a 429 mid-run waits until X-Rate-Limit-Reset (epoch seconds), past the retry budget, and loses nothing', async () => {
  const source = await setup({ users: 6, deprovisioned: 2, maxLimit: 2 }, { deprovisioned: 'true' });
  // After page 2 other clients use up the org's window; it resets 60 s later.
  fake.exhaustRateLimitAfter(2, 60_000);
  const records = await collect(source);
  expect(records).toEqual([...fake.listed(), ...fake.deprovisionedUsers()]);
  expect(fake.throttled).toBe(1);
  expect(clock.sleeps).toEqual([60_000]);
  expect(fake.requests.map((r) => r.status)).toEqual([200, 200, 429, 200, 200]);
});

test('when X-Rate-Limit-Remaining reaches 0 the next request waits for the reset instead of running into a 429', async () => {
  const source = await setup({ users: 5, maxLimit: 1, rateLimit: 3 });
  const records = await collect(source);
  expect(records).toHaveLength(5);
  expect(fake.throttled).toBe(0);
  expect(clock.sleeps).toEqual([60_000]);
});

test('a page that fails once is retried and nothing is lost; one that keeps failing stops the read, naming it', async () => {
  let source = await setup({ users: 5, deprovisioned: 2, maxLimit: 2 }, { deprovisioned: 'true' });
  fake.failPage(1);
  fake.failPage(0, { filter: 'status eq "DEPROVISIONED"', status: 503 });
  expect(await collect(source)).toHaveLength(7);
  expect(fake.requests.map((r) => r.status)).toEqual([200, 500, 200, 200, 503, 200]);

  await ctx.http.close();
  await fake.close();
  source = await setup({ users: 5, maxLimit: 2 });
  fake.failPage(2, { times: 99 });
  const seen: unknown[] = [];
  const err = await rejection((async () => {
    for await (const r of source.read({ fields: [], allFields: true })) seen.push(r);
  })());
  expect(seen).toHaveLength(4);
  expect(err).toBeInstanceOf(TransientError);
  expect(err.message).toBe(`[okta] GET ${fake.url}/api/v1/users failed: HTTP 500: Internal Server Error (E0000009) (gave up after 4 attempts)`);
});

test('Okta error bodies are explained with the setting to check; secrets stay out', async () => {
  let source = await setup({}, { api_token: 'wrong-token-abcdef' });
  let err = await rejection(collect(source));
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe('[okta] api_token: Okta rejected the API token (HTTP 401: Invalid token provided (E0000011)). Check api_token: ' +
    'a token expires after 30 days without use and is revoked when the admin who created it is deactivated; create a new one under Security > API > Tokens');
  // A 401 is final: no second try with the same token.
  expect(fake.requests).toHaveLength(1);
  await ctx.http.close();
  await fake.close();

  source = await setup({ forbiddenToken: 'helpdesk-token-123456' }, { api_token: 'helpdesk-token-123456' });
  err = await rejection(source.check());
  expect(err.message).toBe('[okta] api_token: the API token may not list users (HTTP 403: You do not have permission to perform the requested action (E0000006)). ' +
    'A token acts with the admin roles of the admin who created it: that admin needs a role that can view users (Read-Only Administrator is enough), ' +
    'or use a token created by one who has it');
  expect(err.message).not.toContain('helpdesk-token-123456');
  await ctx.http.close();
  await fake.close();

  source = await setup({}, {});
  const elsewhere = okta.create(settingsFrom(oktaSettings, { url: `${fake.url}/admin`, api_token: fake.token }), ctx);
  err = await rejection(elsewhere.check());
  expect(err.message).toBe(`[okta] url: ${fake.url} has no Okta Users API (HTTP 404 from /admin/api/v1/users). Set url to your Okta org URL, e.g. https://example.okta.com`);
});

test('check() reads one user and reports the rate-limit budget; an org listing no users is its own failure', async () => {
  let source = await setup({ users: 3 }, { deprovisioned: 'yes' });
  expect(await source.check()).toBe(`authenticated to ${fake.url} with the API token; read user "user1@example.com" (ACTIVE); ` +
    'DEPROVISIONED users are read in a second pass; 599 of 600 requests left until the rate limit resets');
  expect(usersQueries()).toEqual([{ limit: '1' }]);
  await ctx.http.close();
  await fake.close();

  source = await setup({ users: 0 });
  const err = await rejection(source.check());
  expect(err).toBeInstanceOf(PermanentError);
  expect(err.message).toBe(`[okta] authenticated to ${fake.url} with the API token, but Okta lists no users: ` +
    "the token's admin may see none (a custom admin role limited to an empty group?)");
});

test('oktaErrorText: summary, code and causes; other bodies fall back to the kit', () => {
  expect(oktaErrorText(JSON.stringify({ errorCode: 'E0000001', errorSummary: 'Api validation failed: limit', errorCauses: [{ errorSummary: 'limit: must be 200 or less' }] })))
    .toBe('Api validation failed: limit (E0000001): limit: must be 200 or less');
  expect(oktaErrorText('<html>gateway</html>')).toBeUndefined();
  expect(oktaErrorText('{"error":"x"}')).toBeUndefined();
});

test('plugin: section name, mapping name, record type and the original default mappings', () => {
  const s = settingsFrom(oktaSettings, { api_token: 't', default_role: '25', default_position: 'Employee' });
  expect(okta.name).toBe('okta');
  expect(okta.mappingName(s)).toBe('Okta');
  expect(okta.variant(s).dataType).toBe('users');
  expect(okta.defaultMappings(s)).toEqual({
    USER: { source: 'profile.login' },
    FIRST_NAME: { source: 'profile.firstName' },
    LAST_NAME: { source: 'profile.lastName' },
    EMAIL: { source: 'profile.email' },
    PHONE: { source: 'profile.mobilePhone' },
    PERMISSIONS_ID: { setting: 'default_role' },
  });
});
