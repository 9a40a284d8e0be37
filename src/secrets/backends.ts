/**
 * Builds the store a section names in vault_backend, from the section's raw INI values.
 * Vault and CyberArk need their own URL and token first; as in the original these live in the OS keyring
 * under the same alias (`strongbox --connector=<alias> --key=vault_url --value`). On a headless server
 * `vault_credentials_backend = env|file` reads them from there instead.
 */
import path from 'node:path';
import { parseBool } from '../config/settings.js';
import { ConjurStore } from './cyberark/conjurStore.js';
import { EnvStore, envVariableName } from './env/envStore.js';
import { FileStore, defaultSecretsFile } from './file/fileStore.js';
import { passphraseSource } from './file/passphrase.js';
import { KeyringStore } from './keyring/keyringStore.js';
import type { TlsOptions } from './http.js';
import type { SecretStore } from './types.js';
import { VaultStore } from './vault/vaultStore.js';
import { SecretStoreError, strongboxCommand, type WritableSecretStore } from './writable.js';

export const BACKENDS = ['keyring', 'vault', 'cyberark', 'env', 'file'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** A store plus how to tell the admin to add a missing key. */
export interface ResolvedStore {
  store: SecretStore;
  missingHint(alias: string, key: string): string;
}

export interface StoreEnvironment {
  env?: NodeJS.ProcessEnv;
  /** Replaces the OS keyring (tests of vault/cyberark without a keyring daemon). */
  keyring?: WritableSecretStore;
  /** Directory relative paths (cacert_file, secrets_file) resolve against. */
  configDir?: string;
}

/** A setting problem: the caller attaches the file/section location. */
export class SecretSettingError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
    this.name = 'SecretSettingError';
  }
}

export function parseBackend(raw: string | undefined): BackendName {
  const name = (raw ?? '').trim().toLowerCase() || 'keyring';
  if ((BACKENDS as readonly string[]).includes(name)) return name as BackendName;
  throw new SecretSettingError('vault_backend', `unknown vault_backend "${raw}": use one of ${BACKENDS.join(', ')}`);
}

export async function createStore(
  backend: BackendName,
  alias: string,
  settings: Record<string, string>,
  envn: StoreEnvironment = {},
): Promise<ResolvedStore> {
  const env = envn.env ?? process.env;
  switch (backend) {
    case 'keyring': {
      const store = envn.keyring ?? new KeyringStore();
      return { store, missingHint: (a, k) => `store it in the OS keyring with: ${strongboxCommand(a, k)}` };
    }
    case 'env':
      return {
        store: new EnvStore(env),
        missingHint: (a, k) => `set the environment variable ${envVariableName(a, k)} (it is unset or empty)`,
      };
    case 'file': {
      const store = fileStore(settings, envn);
      return {
        store,
        missingHint: (a, k) =>
          `store it in the secrets file ${store.file} with: ${strongboxCommand(a, k, 'file')}${settings.secrets_file ? ` --secrets-file=${store.file}` : ''}`,
      };
    }
    case 'vault': {
      const creds = await backendCredentials(alias, settings, envn);
      const store = new VaultStore({
        url: creds.url,
        token: creds.token,
        mount: optional(settings.vault_mount),
        path: optional(settings.vault_path),
        kvVersion: kvVersion(settings.vault_kv_version),
        namespace: optional(settings.vault_namespace),
        tls: tlsOptions(settings, envn.configDir),
      });
      return { store, missingHint: (a, k) => store.missingHint(a, k) };
    }
    case 'cyberark': {
      const creds = await backendCredentials(alias, settings, envn);
      const store = new ConjurStore({
        url: creds.url,
        apiKey: creds.token,
        account: optional(settings.cyberark_account),
        login: optional(settings.cyberark_login),
        tls: tlsOptions(settings, envn.configDir),
      });
      return { store, missingHint: (a, k) => store.missingHint(a, k) };
    }
  }
}

export function fileStore(settings: Record<string, string>, envn: StoreEnvironment = {}): FileStore {
  const env = envn.env ?? process.env;
  const configured = optional(settings.secrets_file);
  const file = configured ? path.resolve(envn.configDir ?? process.cwd(), expandHome(configured)) : defaultSecretsFile(env);
  return new FileStore({ file, passphrase: passphraseSource(file, env) });
}

/** vault_url / vault_token for Vault and CyberArk, from the keyring (or env/file when configured). */
async function backendCredentials(alias: string, settings: Record<string, string>, envn: StoreEnvironment) {
  const where = (optional(settings.vault_credentials_backend) ?? 'keyring').toLowerCase();
  let store: SecretStore;
  let hint: (key: string) => string;
  if (where === 'keyring') {
    store = envn.keyring ?? new KeyringStore();
    hint = (key) => `store it in the OS keyring with: ${strongboxCommand(alias, key)}`;
  } else if (where === 'env') {
    store = new EnvStore(envn.env ?? process.env);
    hint = (key) => `set the environment variable ${envVariableName(alias, key)}`;
  } else if (where === 'file') {
    store = fileStore(settings, envn);
    hint = (key) => `store it with: ${strongboxCommand(alias, key, 'file')}`;
  } else {
    throw new SecretSettingError('vault_credentials_backend', `unknown vault_credentials_backend "${where}": use keyring, env or file`);
  }
  const url = await store.get(alias, 'vault_url');
  const token = await store.get(alias, 'vault_token');
  const missing = [url ? undefined : 'vault_url', token ? undefined : 'vault_token'].filter((k): k is string => !!k);
  if (missing.length) {
    throw new SecretStoreError(
      'config',
      missing.map((k) => `${k} for "${alias}" is missing; ${hint(k)}`).join('; '),
    );
  }
  return { url: url!, token: token! };
}

function tlsOptions(settings: Record<string, string>, configDir = process.cwd()): TlsOptions {
  const verifyRaw = optional(settings.vault_verify_ssl) ?? optional(settings.verify_ssl);
  let verify = true;
  if (verifyRaw !== undefined) {
    try {
      verify = parseBool(verifyRaw);
    } catch (err) {
      throw new SecretSettingError(settings.vault_verify_ssl ? 'vault_verify_ssl' : 'verify_ssl', (err as Error).message);
    }
  }
  const ca = optional(settings.vault_cacert_file) ?? optional(settings.cacert_file);
  return { verify, caFile: ca ? path.resolve(configDir, expandHome(ca)) : undefined };
}

function kvVersion(raw: string | undefined): 1 | 2 | undefined {
  const v = optional(raw);
  if (v === undefined || v.toLowerCase() === 'detect') return undefined;
  if (v === '1' || v === '2') return Number(v) as 1 | 2;
  throw new SecretSettingError('vault_kv_version', `"${raw}" is not a KV version: use 1, 2, or leave it empty to detect`);
}

function optional(raw: string | undefined): string | undefined {
  const v = raw?.trim();
  return v ? v : undefined;
}

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(process.env.HOME ?? '', p.slice(2)) : p;
}
