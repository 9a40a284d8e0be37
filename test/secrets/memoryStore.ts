/** An in-memory stand-in for the OS keyring, for tests of backends that only read vault_url/vault_token from it. */
import type { WritableSecretStore } from '../../src/secrets/writable.js';

export class MemoryStore implements WritableSecretStore {
  readonly name = 'keyring';
  readonly items = new Map<string, string>();
  constructor(initial: Record<string, Record<string, string>> = {}) {
    for (const [alias, keys] of Object.entries(initial)) for (const [k, v] of Object.entries(keys)) this.items.set(`${alias}\u0000${k}`, v);
  }
  async get(alias: string, key: string) {
    return this.items.get(`${alias}\u0000${key}`);
  }
  async set(alias: string, key: string, value: string) {
    this.items.set(`${alias}\u0000${key}`, value);
  }
  async delete(alias: string, key: string) {
    return this.items.delete(`${alias}\u0000${key}`);
  }
  async listKeys(alias: string) {
    return [...this.items.keys()].filter((k) => k.startsWith(`${alias}\u0000`)).map((k) => k.split('\u0000')[1]).sort();
  }
}
