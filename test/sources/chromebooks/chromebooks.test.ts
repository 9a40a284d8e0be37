/** [chromebooks] against the Google test server, in process (a fake clock makes waits instant). */
import { ConfigError, TransientError } from '../../../src/errors.js';
import { chromebooks, CHROMEOS_SCOPE } from '../../../src/sources/chromebooks/index.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { startTestServer } from '../../support/httpTestServer.js';
import { GOOGLE_AUDIENCE, startFakeGoogle, type FakeGoogle, type FakeGoogleOptions } from '../../support/fakeGoogle.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const servers: FakeGoogle[] = [];
async function google(opts: FakeGoogleOptions = {}) {
  const g = await startFakeGoogle(opts);
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGoogle, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(chromebooks.settings, {
    service_account_impersonate: 'admin@example.com', service_account_json_key: g.keyJson, url: g.url, token_url: g.tokenUrl, page_size: '2', ...raw,
  });
  const ctx = sourceContext('chromebooks', { clock });
  return { src: chromebooks.create(settings, ctx), ctx, clock };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

test('every page through nextPageToken with one token acting as the admin; records are the FULL resources as they come', async () => {
  const g = await google({ chromeDevices: 5 });
  const { src } = source(g);
  expect(await collect(src)).toEqual([1, 2, 3, 4, 5].map((i) => g.chromeDevice(i)));
  expect(g.pages.map((p) => p.query)).toEqual([
    { projection: 'FULL', maxResults: '2' },
    { projection: 'FULL', maxResults: '2', pageToken: expect.any(String) },
    { projection: 'FULL', maxResults: '2', pageToken: expect.any(String) },
  ]);
  expect(g.tokensIssued).toBe(1);
  // The assertion was sent to token_url, but names Google's token endpoint as its audience, as Google requires.
  expect(g.assertions).toEqual([{ iss: g.key.client_email, sub: 'admin@example.com', scope: CHROMEOS_SCOPE, aud: GOOGLE_AUDIENCE, iat: expect.any(Number), exp: expect.any(Number) }]);
  const [claims] = g.assertions as Array<{ iat: number; exp: number }>;
  expect(claims.exp - claims.iat).toBe(3600);
});

test('rate limits: 429 without Retry-After and the Admin SDK\'s 403 userRateLimitExceeded are retried with backoff, Retry-After is waited out', async () => {
  const g = await google({ chromeDevices: 5 });
  g.throttle(2, { status: 403, afterPages: 1 });
  const first = source(g);
  expect(await collect(first.src)).toHaveLength(5);
  expect(g.pages.map((p) => p.status)).toEqual([200, 403, 403, 200, 200]);
  // Backoff delays of the test policy (5 ms base), not rate-limit waits.
  expect(first.clock.sleeps.every((ms) => ms <= 10)).toBe(true);

  const g2 = await google({ chromeDevices: 5 });
  g2.throttle(1, { afterPages: 2 });
  expect(await collect(source(g2).src)).toHaveLength(5);
  expect(g2.pages.map((p) => p.status)).toEqual([200, 200, 429, 200]);

  const g3 = await google({ chromeDevices: 5 });
  g3.throttle(1, { retryAfterSec: 30, afterPages: 1 });
  const third = source(g3);
  expect(await collect(third.src)).toHaveLength(5);
  expect(third.clock.sleeps).toEqual([30_000]);
});

test('a token that expires mid-run is renewed and the page sent again; nothing is lost', async () => {
  const g = await google({ chromeDevices: 5 });
  g.expireTokensAfterPages(1);
  expect((await collect(source(g).src)).map((d) => d.serialNumber)).toEqual([1, 2, 3, 4, 5].map((i) => g.chromeDevice(i).serialNumber));
  expect(g.pages.map((p) => p.status)).toEqual([200, 401, 200, 200]);
  expect(g.tokensIssued).toBe(2);
});

test('a page that keeps failing stops the read loudly after the devices before it', async () => {
  const g = await google({ chromeDevices: 5 });
  g.failPages(10, { afterPages: 1 });
  const seen: unknown[] = [];
  const error = await failureOf((async () => {
    for await (const d of source(g).src.read({ fields: [], allFields: false })) seen.push(d);
  })());
  expect(seen).toHaveLength(2);
  expect(error).toBeInstanceOf(TransientError);
  expect(error.message).toMatch(/^\[chromebooks\] GET http:\/\/127\.0\.0\.1:\d+\/admin\/directory\/v1\/customer\/my_customer\/devices\/chromeos failed: HTTP 503: backendError: Backend Error \(gave up after 4 attempts\)$/);
});

test('failures Google explains name the setting to fix', async () => {
  const notAdmin = source(await google(), { service_account_impersonate: 'user@example.com' });
  const forbidden = await failureOf(collect(notAdmin.src));
  expect(forbidden).toBeInstanceOf(ConfigError);
  expect(forbidden.message).toBe('[chromebooks] service_account_impersonate: "user@example.com" may not read ChromeOS devices (HTTP 403: forbidden: Not Authorized to access this resource/api): ' +
    'impersonate a super administrator, or an administrator whose role has the privilege under Services > Chrome Management that lets it view ChromeOS devices (Admin console > Account > Admin roles)');

  const disabled = await failureOf(collect(source(await google({ disabledApis: ['admin.googleapis.com'] })).src));
  expect(disabled).toBeInstanceOf(ConfigError);
  expect(disabled.message).toMatch(/^\[chromebooks\] service_account_json_key: the Admin SDK API is not enabled in Google Cloud project "oomnitza-sync-415210" \(HTTP 403: accessNotConfigured: Admin SDK API has not been used in project .*\)\. Enable it: https:\/\/console\.cloud\.google\.com\/apis\/library\/admin\.googleapis\.com\?project=oomnitza-sync-415210$/);

  const g = await google();
  const noDelegation = await failureOf(collect(source(await google({ delegatedScopes: [] })).src));
  expect(noDelegation).toBeInstanceOf(ConfigError);
  expect(noDelegation.message).toBe(`[chromebooks] service_account_impersonate: Google refused to let service account "${g.key.client_email}" act as "admin@example.com" ` +
    '(HTTP 401: unauthorized_client: Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.): ' +
    'domain-wide delegation is not granted for these scopes. In the Admin console, Security > Access and data control > API controls > Manage Domain Wide Delegation, ' +
    `add client ID ${g.key.client_id} with the scope ${CHROMEOS_SCOPE}`);

  const nobody = await failureOf(collect(source(g, { service_account_impersonate: 'nobody@example.com' }).src));
  expect(nobody.message).toBe('[chromebooks] service_account_impersonate: "nobody@example.com" is not a user of the Google Workspace domain (HTTP 400: invalid_grant: Invalid email or User ID): ' +
    'set service_account_impersonate to the e-mail of an administrator');

  const revoked = await failureOf(collect(source(g, { service_account_json_key: g.revokedKeyJson() }).src));
  expect(revoked).toBeInstanceOf(ConfigError);
  expect(revoked.message).toBe(`[chromebooks] service_account_json_key: Google does not accept the key of service account "${g.key.client_email}" (HTTP 400: invalid_grant: Invalid JWT Signature.): ` +
    'the key "0badc0de0badc0de0badc0de0badc0de0badc0de" was deleted or disabled, or private_key does not belong to client_email. Create a new key (IAM & Admin > Service accounts > Keys) and use that file');

  // A url that is not the Admin SDK's host (a proxy misconfigured, a typo): Google's token, someone else's 404.
  const other = await startTestServer(() => ({ status: 404, headers: { 'content-type': 'text/html' }, body: '<html><title>Not Found</title></html>' }));
  try {
    const notGoogle = await failureOf(collect(source(g, { url: other.url }).src));
    expect(notGoogle).toBeInstanceOf(ConfigError);
    expect(notGoogle.message).toBe(`[chromebooks] url: ${other.url} has no Admin SDK API (HTTP 404 from /admin/directory/v1/customer/my_customer/devices/chromeos): url must be https://admin.googleapis.com or a proxy of it`);
  } finally {
    await other.close();
  }

});

test('check(): authenticates and reads one device; an empty account is said so', async () => {
  const g = await google({ chromeDevices: 3 });
  const { src } = source(g);
  const d = g.chromeDevice(1);
  expect(await src.check()).toBe(`authenticated as Google service account "${g.key.client_email}" acting as "admin@example.com"; read ChromeOS device "${String(d.serialNumber)}" (${String(d.model)})`);
  expect(g.pages[0].query).toEqual({ projection: 'BASIC', maxResults: '1' });
  const empty = await google({ chromeDevices: 0 });
  expect(await source(empty).src.check()).toMatch(/acting as "admin@example\.com"; the administrator sees no ChromeOS devices$/);
});

test.each([
  [{ service_account_impersonate: '' }, '[chromebooks] service_account_impersonate: is empty: set the e-mail of the Google Workspace administrator the service account acts as (domain-wide delegation)'],
  [{ service_account_json_key: '{}' }, "[chromebooks] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file"],
])('create() refuses %j before any request (the original crashed here)', async (raw, message) => {
  const g = await google();
  let error: unknown;
  try {
    source(g, raw);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toBe(message);
  expect(g.requests).toHaveLength(0);
});
