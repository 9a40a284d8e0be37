/** [azureusers] against the Microsoft Graph test server, in process (a fake clock makes Retry-After waits instant). */
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { azureusers, createAzureUsersSource, graphErrorText } from '../../../src/sources/azureusers/index.js';
import { toOldUser } from '../../../src/sources/azureusers/record.js';
import { azureUsersSettings } from '../../../src/sources/azureusers/settings.js';
import { fakeClock } from '../../http/kit/fakeClock.js';
import { COST_CENTER, startFakeMicrosoftGraph, type FakeGraph, type FakeGraphOptions } from '../../support/fakeMicrosoftGraph.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const servers: FakeGraph[] = [];
async function graph(opts: FakeGraphOptions = {}) {
  const g = await startFakeMicrosoftGraph(opts);
  servers.push(g);
  return g;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(g: FakeGraph, raw: Record<string, string> = {}, clock = fakeClock()) {
  const settings = settingsFrom(azureUsersSettings, {
    tenant_id: g.tenantId, client_id: g.clientId, secret: g.clientSecret, default_role: '25', default_position: 'Employee',
    url: g.url, token_url: g.url, page_size: '2', ...raw,
  });
  const ctx = sourceContext('azureusers', { clock });
  return { src: createAzureUsersSource(settings, ctx), ctx, clock };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

test('every page is read through @odata.nextLink with one token; records have the original shape', async () => {
  const g = await graph({ users: 5 });
  const { src } = source(g);
  const records = await collect(src, { fields: ['user_principal_name', `additional_properties.${COST_CENTER}`], allFields: false });
  expect(records.map((r) => r.user_principal_name)).toEqual([1, 2, 3, 4, 5].map((i) => g.user(i).userPrincipalName));
  expect(g.tokensIssued).toBe(1);
  // The first page names $top and $select; the others are the nextLinks exactly as Graph gave them.
  expect(g.pages.map((p) => Object.keys(p.query).sort())).toEqual([['$select', '$top'], ['$select', '$skiptoken', '$top'], ['$select', '$skiptoken', '$top']]);
  expect(g.pages[0].query.$top).toBe('2');
  expect(g.pages[0].query.$select.split(',')).toContain(COST_CENTER);
  // What Graph returned for the selected properties, reshaped: user 5 has the directory extension.
  const select = g.pages[0].query.$select.split(',');
  const selected = (i: number) => Object.fromEntries(select.map((p) => [p, g.user(i)[p] ?? null]));
  expect(records[4]).toEqual(toOldUser(selected(5)));
  expect((records[4].additional_properties as Record<string, unknown>)[COST_CENTER]).toBe('CC-5');
  // The token endpoint got the client credentials in the body, for Graph's .default scope.
  const tokenRequest = g.requests.find((r) => r.path.endsWith('/oauth2/v2.0/token'))!;
  expect(tokenRequest.path).toBe(`/${g.tenantId}/oauth2/v2.0/token`);
  expect(Object.fromEntries(new URLSearchParams(tokenRequest.body))).toEqual({
    grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default', client_id: g.clientId, client_secret: g.clientSecret,
  });
});

test('a 429 with Retry-After is waited out as asked, one without it is retried with backoff; nothing is lost', async () => {
  const g = await graph({ users: 6 });
  g.throttle(2, { retryAfterSec: 12, afterPages: 1 });
  const { src, clock } = source(g);
  expect((await collect(src)).map((r) => r.object_id)).toEqual([1, 2, 3, 4, 5, 6].map((i) => g.user(i).id));
  expect(clock.sleeps).toEqual([12_000, 12_000]);

  const g2 = await graph({ users: 6 });
  g2.throttle(1, { afterPages: 2 });
  const second = source(g2);
  expect((await collect(second.src))).toHaveLength(6);
  expect(g2.pages.map((p) => p.status)).toEqual([200, 200, 429, 200]);
  // No Retry-After: a backoff delay of the retry policy (5 ms base here), not a rate-limit wait.
  expect(second.clock.sleeps).toHaveLength(1);
  expect(second.clock.sleeps[0]).toBeLessThanOrEqual(5);
});

test('a token that expires mid-run is replaced and the page sent again', async () => {
  const g = await graph({ users: 5 });
  g.expireTokensAfterPages(1);
  const { src } = source(g);
  expect(await collect(src)).toHaveLength(5);
  expect(g.tokensIssued).toBe(2);
  expect(g.pages.map((p) => p.status)).toEqual([200, 401, 200, 200]);
});

test('a url override keeps receiving every page: nextLink is rebased onto it', async () => {
  const g = await graph({ users: 3 });
  const viaLocalhost = g.url.replace('127.0.0.1', 'localhost');
  const { src } = source(g, { url: viaLocalhost });
  expect(await collect(src)).toHaveLength(3);
  const hosts = g.requests.filter((r) => r.path === '/v1.0/users').map((r) => r.headers.host);
  expect(hosts).toEqual([new URL(viaLocalhost).host, new URL(viaLocalhost).host]);
});

test.each([
  [{ secret: 'wrong-secret-value' }, 'secret', "the client secret is wrong: use the secret's Value (shown once, when it is created), not its Secret ID (HTTP 401, AADSTS7000215: Invalid client secret provided."],
  [{ client_id: '11111111-2222-3333-4444-555555555555' }, 'client_id', 'tenant "72f988bf-86f1-41af-91ab-2d7cd011db47" has no application "11111111-2222-3333-4444-555555555555": check client_id (the Application (client) ID) and tenant_id (HTTP 400, AADSTS700016:'],
  [{ tenant_id: 'nope.onmicrosoft.com' }, 'tenant_id', 'tenant "nope.onmicrosoft.com" was not found: check tenant_id (the Directory (tenant) ID) and, for a national cloud, url and token_url (HTTP 400, AADSTS90002:'],
])('a refused sign-in names the setting to check: %j', async (raw, key, message) => {
  const g = await graph();
  const { src } = source(g, raw);
  const error = await failureOf(collect(src));
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).location.key).toBe(key);
  expect(error.message).toContain(`[azureusers] ${key}: Microsoft Entra ID refused the sign-in: ${message}`);
  expect(error.message).not.toMatch(/Trace ID|wrong-secret-value/);
  expect(error.message).not.toContain(g.clientSecret);
});

test('an application without User.Read.All is told which permission to add', async () => {
  const g = await graph({ permissions: ['Group.Read.All'] });
  const error = await failureOf(source(g).src.check());
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.message).toBe(`Microsoft Graph: application "${g.clientId}" may not read users (HTTP 403, Authorization_RequestDenied: Insufficient privileges to complete the operation.): give the app registration the Microsoft Graph application permission User.Read.All (API permissions > Add a permission > Microsoft Graph > Application permissions) and grant admin consent`);
});

test('a mapping of a property Graph does not have is named', async () => {
  const g = await graph();
  const error = await failureOf(collect(source(g).src, { fields: ['additional_properties.costCentre'], allFields: false }));
  expect(error.message).toBe('Microsoft Graph users have no property "costCentre", which a mapping reads as additional_properties.costCentre: correct the mapping (directory extensions are named extension_<app id without dashes>_<name>)');
});

test('check() reads one user; an empty directory says so', async () => {
  const g = await graph();
  expect(await source(g).src.check()).toBe(`authenticated to tenant "${g.tenantId}" as application "${g.clientId}"; read user "${String(g.user(1).userPrincipalName)}"`);
  expect(g.pages[0].query).toEqual({ $select: 'id,userPrincipalName,displayName', $top: '1' });
  const empty = await graph({ users: [] });
  expect(await source(empty).src.check()).toBe(`authenticated to tenant "${empty.tenantId}" as application "${empty.clientId}"; the directory has no users the application can see`);
});

test('Graph and token-endpoint error bodies are read as their own explanation', () => {
  expect(graphErrorText('{"error":{"code":"TooManyRequests","message":"Too many requests","innerError":{}}}')).toBe('TooManyRequests: Too many requests');
  expect(graphErrorText('{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\\r\\nTrace ID: 1\\r\\nCorrelation ID: 2"}')).toBe('AADSTS7000215: Invalid client secret provided.');
  expect(graphErrorText('<html>')).toBeUndefined();
  expect(azureusers.mappingName(settingsFrom(azureUsersSettings, {}))).toBe('Azureusers');
});
