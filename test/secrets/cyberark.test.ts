import { ConfigError } from '../../src/errors.js';
import { loadSecrets } from '../../src/secrets/index.js';
import { ConjurStore, TOKEN_REFRESH_MS } from '../../src/secrets/cyberark/conjurStore.js';
import type { SecretRequest } from '../../src/secrets/types.js';
import { startFakeConjur, type FakeConjur } from '../support/fakeConjur.js';
import { MemoryStore } from './memoryStore.js';

const API_KEY = 'conjur-api-key-XYZ';
let clock = 1_700_000_000_000;
let conjur: FakeConjur;

beforeAll(async () => {
  conjur = await startFakeConjur({
    account: 'zendesk',
    logins: { admin: API_KEY, 'host/connector': 'host-key-123' },
    variables: { api_token: 'cy-token-AAA', 'prod/db/password': 'cy-pw-BBB', secret_key: 'cy-key-CCC' },
    denied: { 'host/connector': ['secret_key'] },
    now: () => clock,
  });
});
afterAll(() => conjur.close());

const keyring = (apiKey = API_KEY) => new MemoryStore({ zendesk: { vault_url: conjur.url, vault_token: apiKey } });
const request = (over: Partial<SecretRequest> = {}): SecretRequest => ({
  section: 'zendesk',
  alias: 'zendesk',
  backend: 'cyberark',
  keys: ['api_token', 'prod/db/password'],
  settings: {},
  configFile: 'config.ini',
  line: 9,
  ...over,
});

test('authenticates as admin in the alias account, then reads each variable (ids URL-encoded)', async () => {
  const before = conjur.requests.length;
  await expect(loadSecrets(request(), { keyring: keyring() })).resolves.toEqual({ api_token: 'cy-token-AAA', 'prod/db/password': 'cy-pw-BBB' });
  const seen = conjur.requests.slice(before);
  expect(seen.map((r) => `${r.method} ${r.path}`)).toEqual([
    'POST /authn/zendesk/admin/authenticate',
    'GET /secrets/zendesk/variable/api_token',
    'GET /secrets/zendesk/variable/prod%2Fdb%2Fpassword',
  ]);
  expect(seen[0].body).toBe(API_KEY);
  expect(seen[1].authorization).toMatch(/^Token token="[A-Za-z0-9+/=]+"$/);
});

test('cyberark_login and cyberark_account are honoured (login URL-encoded)', async () => {
  const before = conjur.requests.length;
  const ring = new MemoryStore({ other: { vault_url: conjur.url, vault_token: 'host-key-123' } });
  const values = await loadSecrets(
    request({ alias: 'other', keys: ['api_token'], settings: { cyberark_login: 'host/connector', cyberark_account: 'zendesk' } }),
    { keyring: ring },
  );
  expect(values).toEqual({ api_token: 'cy-token-AAA' });
  expect(conjur.requests[before].path).toBe('/authn/zendesk/host%2Fconnector/authenticate');
});

test('a wrong API key is a config error naming login and account, never the key', async () => {
  const err = await loadSecrets(request(), { keyring: keyring('wrong-key-000') }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('rejected the API key (vault_token in the keyring) for login "admin" in account "zendesk" (401)');
  expect(err.message).not.toContain('wrong-key-000');
});

test('a missing variable names the conjur command', async () => {
  const err = await loadSecrets(request({ keys: ['nope'] }), { keyring: keyring() }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('CyberArk Conjur has no variable "nope"');
  expect(err.message).toContain('conjur variable set -i nope');
});

test('a variable the login may not read: 403 config error', async () => {
  const ring = new MemoryStore({ zendesk: { vault_url: conjur.url, vault_token: 'host-key-123' } });
  const err = await loadSecrets(request({ keys: ['secret_key'], settings: { cyberark_login: 'host/connector' } }), { keyring: ring }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('(403)');
});

test('the access token is reused within 7 minutes and renewed after (tokens live 8)', async () => {
  const store = new ConjurStore({ url: conjur.url, apiKey: API_KEY, tls: { verify: true }, now: () => clock });
  try {
    const start = conjur.authnCalls;
    expect(await store.get('zendesk', 'api_token')).toBe('cy-token-AAA');
    clock += TOKEN_REFRESH_MS - 1000;
    expect(await store.get('zendesk', 'secret_key')).toBe('cy-key-CCC');
    expect(conjur.authnCalls - start).toBe(1);
    clock += 2000; // past 7 minutes: renewed before the server's 8-minute expiry
    expect(await store.get('zendesk', 'api_token')).toBe('cy-token-AAA');
    expect(conjur.authnCalls - start).toBe(2);
  } finally {
    await store.close();
  }
});

test('a token the server expired early (401) is renewed once and the read retried', async () => {
  let storeClock = clock;
  const store = new ConjurStore({ url: conjur.url, apiKey: API_KEY, tls: { verify: true }, now: () => storeClock });
  try {
    const start = conjur.authnCalls;
    expect(await store.get('zendesk', 'api_token')).toBe('cy-token-AAA');
    clock += 9 * 60 * 1000; // the server's clock moves on, ours does not (skew)
    storeClock += 1000;
    expect(await store.get('zendesk', 'api_token')).toBe('cy-token-AAA');
    expect(conjur.authnCalls - start).toBe(2);
  } finally {
    await store.close();
  }
});
