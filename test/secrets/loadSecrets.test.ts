import { ConfigError, ConfigErrors } from '../../src/errors.js';
import { loadSecrets } from '../../src/secrets/index.js';
import { envVariableName } from '../../src/secrets/env/envStore.js';
import type { SecretRequest } from '../../src/secrets/types.js';

const request = (over: Partial<SecretRequest>): SecretRequest => ({
  section: 'zendesk.abc',
  alias: 'zendesk.abc',
  backend: 'env',
  keys: ['password'],
  settings: {},
  configFile: 'config.ini',
  line: 7,
  ...over,
});

test('env variable names: upper-cased, every non-alphanumeric as _', () => {
  expect(envVariableName('zendesk.abc', 'api_token')).toBe('CONNECTOR_ZENDESK_ABC_API_TOKEN');
  expect(envVariableName('I love-cats', 'pass.word')).toBe('CONNECTOR_I_LOVE_CATS_PASS_WORD');
});

test('env backend returns every vault_key', async () => {
  const env = { CONNECTOR_ZENDESK_ABC_PASSWORD: 'pw-1', CONNECTOR_ZENDESK_ABC_API_TOKEN: 'tok-1' };
  await expect(loadSecrets(request({ keys: ['password', 'api_token'] }), { env })).resolves.toEqual({ password: 'pw-1', api_token: 'tok-1' });
});

test('no vault_keys: nothing is read, whatever the backend', async () => {
  await expect(loadSecrets(request({ keys: [], backend: 'vault' }))).resolves.toEqual({});
});

test('missing secrets: one ConfigError per key, naming file, line, section, key and the fix', async () => {
  const err = await loadSecrets(request({ keys: ['password', 'api_token'] }), { env: { CONNECTOR_ZENDESK_ABC_PASSWORD: '' } }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigErrors);
  const messages = (err as ConfigErrors).errors.map((e) => e.message);
  expect(messages[0]).toBe(
    'config.ini:7: [zendesk.abc] password: secret "password" (vault_alias "zendesk.abc", vault_backend env) is missing: set the environment variable CONNECTOR_ZENDESK_ABC_PASSWORD (it is unset or empty)',
  );
  expect(messages[1]).toContain('CONNECTOR_ZENDESK_ABC_API_TOKEN');
});

test('the keyring hint is the exact strongbox command (with the alias, not the section)', async () => {
  const { MemoryStore } = await import('./memoryStore.js');
  const err = await loadSecrets(request({ backend: 'keyring', alias: 'I_love_cats', keys: ['api_token'] }), { keyring: new MemoryStore() }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('strongbox --connector=I_love_cats --key=api_token --value');
  expect(err.message).toMatch(/^config\.ini:7: \[zendesk\.abc\] api_token: /);
});

test('an empty vault_backend means keyring (the original default)', async () => {
  const { MemoryStore } = await import('./memoryStore.js');
  const keyring = new MemoryStore({ 'zendesk.abc': { password: 'pw-2' } });
  await expect(loadSecrets(request({ backend: '' }), { keyring })).resolves.toEqual({ password: 'pw-2' });
});

test('unknown backend is a config error on vault_backend listing the choices', async () => {
  const err = await loadSecrets(request({ backend: 'hsm' })).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toBe('config.ini:7: [zendesk.abc] vault_backend: unknown vault_backend "hsm": use one of keyring, vault, cyberark, env, file');
});

test('vault without vault_url/vault_token in the keyring: both strongbox commands are printed', async () => {
  const { MemoryStore } = await import('./memoryStore.js');
  const err = await loadSecrets(request({ backend: 'vault', alias: 'zendesk' }), { keyring: new MemoryStore() }).catch((e) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect(err.message).toContain('strongbox --connector=zendesk --key=vault_url --value');
  expect(err.message).toContain('strongbox --connector=zendesk --key=vault_token --value');
});

test('file backend: reads values, and a missing one names the file and the strongbox --backend=file command', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const { FileStore } = await import('../../src/secrets/file/fileStore.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ls-file-'));
  try {
    const file = path.join(dir, 'secrets.enc');
    await new FileStore({ file, passphrase: async () => 'pp-1', kdf: { N: 1024, r: 8, p: 1 } }).set('zendesk.abc', 'password', 'pw-3');
    const env = { CONNECTOR_SECRETS_PASSPHRASE: 'pp-1' };
    const settings = { secrets_file: 'secrets.enc' };
    const configFile = path.join(dir, 'config.ini'); // relative secrets_file resolves against the INI's folder
    await expect(loadSecrets(request({ backend: 'file', settings, configFile }), { env })).resolves.toEqual({ password: 'pw-3' });
    const err = await loadSecrets(request({ backend: 'file', settings, configFile, keys: ['api_token'] }), { env }).catch((e) => e);
    expect(err.message).toContain(`store it in the secrets file ${file} with: strongbox --connector=zendesk.abc --key=api_token --value --backend=file`);
    const wrong = await loadSecrets(request({ backend: 'file', settings, configFile }), { env: { CONNECTOR_SECRETS_PASSPHRASE: 'nope' } }).catch((e) => e);
    expect(wrong).toBeInstanceOf(ConfigError);
    expect(wrong.message).toContain('wrong passphrase');
    const none = await loadSecrets(request({ backend: 'file', settings, configFile }), { env: {} }).catch((e) => e);
    expect(none.message).toContain('set CONNECTOR_SECRETS_PASSPHRASE');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

