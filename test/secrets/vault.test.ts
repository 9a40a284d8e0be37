import { ConfigError, TransientError } from '../../src/errors.js';
import { loadSecrets } from '../../src/secrets/index.js';
import { parseVaultUrl } from '../../src/secrets/vault/vaultStore.js';
import type { SecretRequest } from '../../src/secrets/types.js';
import { startFakeVault, type FakeVault } from '../support/fakeVault.js';
import { MemoryStore } from './memoryStore.js';

const TOKEN = 's.good-token';
let vault: FakeVault;

beforeAll(async () => {
  vault = await startFakeVault({
    mounts: {
      secret: { version: 2, secrets: { zendesk: { api_token: 'v2-token-AAA', username: 'svc', password: 'v2-pw-BBB' } } },
      kv1: { version: 1, secrets: { 'team/zendesk': { api_token: 'v1-token-CCC' } } },
      'deep/kv': { version: 2, secrets: { app: { password: 'deep-pw-DDD' } } },
    },
    tokens: { [TOKEN]: ['*'], 's.other-team': ['secret/data/other'] },
  });
});
afterAll(() => vault.close());
beforeEach(() => {
  vault.sealed = false;
  vault.requests.length = 0;
});

const keyring = (url: string, token = TOKEN) => new MemoryStore({ zendesk: { vault_url: url, vault_token: token } });
const request = (over: Partial<SecretRequest> = {}): SecretRequest => ({
  section: 'zendesk',
  alias: 'zendesk',
  backend: 'vault',
  keys: ['api_token', 'username', 'password'],
  settings: {},
  configFile: 'config.ini',
  line: 4,
  ...over,
});

test('KV v2, detected: default path secret/<alias>, read once for all keys, token header sent', async () => {
  const values = await loadSecrets(request(), { keyring: keyring(vault.url) });
  expect(values).toEqual({ api_token: 'v2-token-AAA', username: 'svc', password: 'v2-pw-BBB' });
  expect(vault.requests.map((r) => r.path)).toEqual(['/v1/sys/internal/ui/mounts/secret/zendesk', '/v1/secret/data/zendesk']);
  expect(vault.requests.every((r) => r.token === TOKEN)).toBe(true);
});

test('KV v1, detected, with vault_mount and vault_path', async () => {
  const values = await loadSecrets(request({ keys: ['api_token'], settings: { vault_mount: 'kv1', vault_path: 'team/zendesk' } }), {
    keyring: keyring(vault.url),
  });
  expect(values).toEqual({ api_token: 'v1-token-CCC' });
  expect(vault.requests.at(-1)!.path).toBe('/v1/kv1/team/zendesk');
});

test('explicit vault_kv_version skips detection', async () => {
  const values = await loadSecrets(request({ keys: ['password'], settings: { vault_kv_version: '2' } }), { keyring: keyring(vault.url) });
  expect(values).toEqual({ password: 'v2-pw-BBB' });
  expect(vault.requests.map((r) => r.path)).toEqual(['/v1/secret/data/zendesk']);
});

test('detection finds a multi-segment mount', async () => {
  const values = await loadSecrets(request({ keys: ['password'], settings: { vault_mount: 'deep/kv', vault_path: 'app' } }), {
    keyring: keyring(vault.url),
  });
  expect(values).toEqual({ password: 'deep-pw-DDD' });
  expect(vault.requests.at(-1)!.path).toBe('/v1/deep/kv/data/app');
});

test("the original README's vault_url form (https://host/v1/secret/zendesk) still works", async () => {
  expect(parseVaultUrl('https://vault.example.com/v1/secret/zendesk')).toEqual({ base: 'https://vault.example.com', logicalPath: 'secret/zendesk' });
  expect(parseVaultUrl('https://vault.example.com:8200/')).toEqual({ base: 'https://vault.example.com:8200' });
  const values = await loadSecrets(request({ keys: ['api_token'] }), { keyring: keyring(`${vault.url}/v1/kv1/team/zendesk`) });
  expect(values).toEqual({ api_token: 'v1-token-CCC' });
});

test('a wrong token is a config error that says 403 and what to check; the token is not in the message', async () => {
  const err = await loadSecrets(request(), { keyring: keyring(vault.url, 's.wrong-token') }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toMatch(/^config\.ini:4: \[zendesk\] vault_backend: Vault denied access to secret\/zendesk \(403: permission denied\)/);
  expect(err.message).toContain('policy lacks "read"');
  expect(err.message).not.toContain('s.wrong-token');
});

test('a token whose policy does not cover the path: 403 config error', async () => {
  const err = await loadSecrets(request({ settings: { vault_kv_version: '2' } }), { keyring: keyring(vault.url, 's.other-team') }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('403');
});

test('a missing key names the Vault path and the vault kv command', async () => {
  const err = await loadSecrets(request({ keys: ['api_token', 'ssh_key'] }), { keyring: keyring(vault.url) }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe(
    'config.ini:4: [zendesk] ssh_key: secret "ssh_key" (vault_alias "zendesk", vault_backend vault) is missing: Vault secret secret/zendesk has no key "ssh_key"; add it with: vault kv patch secret/zendesk ssh_key=...  (vault kv put for a new secret)',
  );
});

test('a missing secret path (404) reports every key as missing', async () => {
  const err = await loadSecrets(request({ alias: 'zendesk', keys: ['api_token'], settings: { vault_path: 'nothing-here' } }), {
    keyring: keyring(vault.url),
  }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('Vault secret secret/nothing-here has no key "api_token"');
});

test('a sealed Vault is a TransientError that says to unseal it', async () => {
  vault.sealed = true;
  const err = await loadSecrets(request(), { keyring: keyring(vault.url) }).catch((e) => e);
  expect(err).toBeInstanceOf(TransientError);
  expect(err.message).toContain('is sealed (503): an operator must unseal it');
});

test('an unreachable Vault is a TransientError naming the address', async () => {
  const err = await loadSecrets(request(), { keyring: keyring('http://127.0.0.1:1') }).catch((e) => e);
  expect(err).toBeInstanceOf(TransientError);
  expect(err.message).toContain('cannot reach Vault at http://127.0.0.1:1');
});

test('bad vault_kv_version is a config error on that setting', async () => {
  const err = await loadSecrets(request({ settings: { vault_kv_version: '3' } }), { keyring: keyring(vault.url) }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('[zendesk] vault_kv_version: "3" is not a KV version');
});

test('vault_url and vault_token can come from env on headless servers (vault_credentials_backend = env)', async () => {
  const env = { CONNECTOR_ZENDESK_VAULT_URL: vault.url, CONNECTOR_ZENDESK_VAULT_TOKEN: TOKEN };
  const values = await loadSecrets(request({ keys: ['password'], settings: { vault_credentials_backend: 'env' } }), { env, keyring: new MemoryStore() });
  expect(values).toEqual({ password: 'v2-pw-BBB' });
});
