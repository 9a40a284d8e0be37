/**
 * Loads the secret settings of a section (vault_keys) from its backend, before the settings are validated,
 * so a required `password` may live only in the backend. Every missing key is reported at once, each with
 * the exact command that stores it.
 */
import path from 'node:path';
import { ConfigError, ConfigErrors, TransientError, type ConfigLocation } from '../errors.js';
import { SecretSettingError, createStore, parseBackend, type StoreEnvironment } from './backends.js';
import type { SecretRequest } from './types.js';
import { SecretStoreError } from './writable.js';

export { strongboxCommand } from './writable.js';
export { BACKENDS } from './backends.js';

export async function loadSecrets(req: SecretRequest, environment: StoreEnvironment = {}): Promise<Record<string, string>> {
  const keys = [...new Set(req.keys.filter(Boolean))];
  if (keys.length === 0) return {};
  const at = (key: string): ConfigLocation => ({ file: req.configFile, line: req.line, section: req.section, key });
  const configDir = environment.configDir ?? (req.configFile ? path.dirname(path.resolve(req.configFile)) : undefined);

  let resolved;
  try {
    resolved = await createStore(parseBackend(req.backend), req.alias, req.settings, { ...environment, configDir });
  } catch (err) {
    throw translate(err, at, req);
  }
  const { store, missingHint } = resolved;
  try {
    const values: Record<string, string> = {};
    const missing: ConfigError[] = [];
    for (const key of keys) {
      const value = await store.get(req.alias, key);
      if (value === undefined) missing.push(new ConfigError(at(key), `secret "${key}" (vault_alias "${req.alias}", vault_backend ${store.name}) is missing: ${missingHint(req.alias, key)}`));
      else values[key] = value;
    }
    if (missing.length === 1) throw missing[0];
    if (missing.length > 1) throw new ConfigErrors(missing);
    return values;
  } catch (err) {
    throw translate(err, at, req);
  } finally {
    await store.close?.();
  }
}

function translate(err: unknown, at: (key: string) => ConfigLocation, req: SecretRequest): Error {
  if (err instanceof ConfigError || err instanceof ConfigErrors) return err;
  if (err instanceof SecretSettingError) return new ConfigError(at(err.key), err.message);
  if (err instanceof SecretStoreError) {
    if (err.kind === 'config') return new ConfigError(at('vault_backend'), err.message, { cause: err });
    return new TransientError(`[${req.section}] secrets (vault_backend ${req.backend || 'keyring'}): ${err.message}`, { cause: err });
  }
  return err instanceof Error ? err : new Error(String(err));
}
