/**
 * Secrets from environment variables, for containers and CI schedulers that inject them:
 * `CONNECTOR_<ALIAS>_<KEY>`, upper-cased, every character other than A-Z and 0-9 written as `_`
 * (`[zendesk.abc] password` -> `CONNECTOR_ZENDESK_ABC_PASSWORD`).
 */
import type { SecretStore } from '../types.js';

export function envVariableName(alias: string, key: string): string {
  return `CONNECTOR_${alias}_${key}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

export class EnvStore implements SecretStore {
  readonly name = 'env';
  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  async get(alias: string, key: string): Promise<string | undefined> {
    const value = this.env[envVariableName(alias, key)];
    // An empty variable is how schedulers render "not set"; treat it as missing, not as an empty password.
    return value === undefined || value === '' ? undefined : value;
  }
}
