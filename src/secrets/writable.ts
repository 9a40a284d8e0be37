/**
 * Stores `strongbox` can write to (keyring, file). Vault and CyberArk stay read-only from our side, as
 * in the original: their admins manage secrets with their own tools and policies.
 */
import type { SecretStore } from './types.js';

export interface WritableSecretStore extends SecretStore {
  set(alias: string, key: string, value: string): Promise<void>;
  /** True when something was deleted, false when there was nothing under that name. */
  delete(alias: string, key: string): Promise<boolean>;
  /** Key names stored under `alias`, sorted. Never values. */
  listKeys(alias: string): Promise<string[]>;
}

/**
 * Why a store could not answer. `config`: the admin must change something (wrong token, missing policy,
 * no keyring daemon on this host, unknown backend). `unavailable`: the backend is there but cannot serve
 * right now (unreachable, timed out, sealed Vault); retrying later may work.
 */
export class SecretStoreError extends Error {
  readonly kind: 'config' | 'unavailable';
  constructor(kind: 'config' | 'unavailable', message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SecretStoreError';
    this.kind = kind;
  }
}

/** The command an admin runs to store a missing secret; printed in errors, so keep it copy-pasteable. */
export function strongboxCommand(alias: string, key: string, backend?: 'file'): string {
  const quote = (s: string) => (/^[A-Za-z0-9_.@%+=:,/-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return `strongbox --connector=${quote(alias)} --key=${quote(key)} --value${backend ? ` --backend=${backend}` : ''}`;
}
