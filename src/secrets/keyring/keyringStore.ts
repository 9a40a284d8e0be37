/**
 * The OS keyring: Secret Service (gnome-keyring, KWallet) on Linux, Credential Manager on Windows,
 * Keychain on macOS, through @napi-rs/keyring (prebuilt, no compiler needed; see
 * shared/reference/keyring.md for why not keytar). Items are stored as service = alias, username = key.
 *
 * On Linux the store is pinned to the Secret Service: the library otherwise falls back silently to the
 * kernel keyring, which lives in memory and loses every secret at reboot.
 */
// Loaded on first use (a native addon): a run whose secrets are elsewhere never loads it.
import type { AsyncEntry, EntryOptions } from '@napi-rs/keyring';

const keyring = () => import('@napi-rs/keyring');
import { SecretStoreError, type WritableSecretStore } from '../writable.js';

const ENTRY_OPTIONS: EntryOptions = { linux: { store: 'secret-service' } };

/** A stuck Secret Service provider can take ~2 s to fail; the issue requires an answer within 3 s. */
const DEFAULT_TIMEOUT_MS = 2500;

export interface KeyringStoreOptions {
  timeoutMs?: number;
}

export class KeyringStore implements WritableSecretStore {
  readonly name = 'keyring';
  private readonly timeoutMs: number;

  constructor(opts: KeyringStoreOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async get(alias: string, key: string): Promise<string | undefined> {
    const value = await this.call('read', async (signal) => (await entry(alias, key)).getPassword(signal));
    return value ?? undefined;
  }

  async set(alias: string, key: string, value: string): Promise<void> {
    await this.call('write', async (signal) => (await entry(alias, key)).setPassword(value, signal));
  }

  async delete(alias: string, key: string): Promise<boolean> {
    return this.call('delete', async (signal) => (await entry(alias, key)).deleteCredential(signal));
  }

  async listKeys(alias: string): Promise<string[]> {
    // findCredentials takes no store option; on Linux it searches the Secret Service only (measured).
    const found = await this.call('list', async (signal) => (await keyring()).findCredentialsAsync(alias, null, signal));
    return [...new Set(found.map((c) => c.account))].sort();
  }

  private async call<T>(what: string, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(new SecretStoreError('config', unavailableMessage(`no answer within ${this.timeoutMs} ms`)));
      }, this.timeoutMs);
      timer.unref();
    });
    try {
      return await Promise.race([Promise.resolve().then(() => op(controller.signal)), timeout]);
    } catch (err) {
      if (err instanceof SecretStoreError) throw err;
      throw translate(err, what);
    } finally {
      clearTimeout(timer);
    }
  }
}

async function entry(alias: string, key: string): Promise<AsyncEntry> {
  return new (await keyring()).AsyncEntry(alias, key, ENTRY_OPTIONS);
}

function unavailableMessage(reason: string): string {
  return (
    `the OS keyring is not reachable (${reason}). ` +
    'On Linux the keyring backend needs a running Secret Service (gnome-keyring or KWallet) on the D-Bus session ' +
    'bus: run under a desktop session, or start one (dbus-run-session + gnome-keyring-daemon --unlock), or set ' +
    'vault_backend to vault, cyberark, env or file (an encrypted file for headless servers)'
  );
}

/** Library texts seen in practice: shared/reference/keyring.md. */
function translate(err: unknown, what: string): SecretStoreError {
  const text = err instanceof Error ? err.message : String(err);
  if (/dbus|d-bus|zbus|secrets was not provided|autolaunch|Failed to connect|ServiceUnknown|No such file/i.test(text)) {
    return new SecretStoreError('config', unavailableMessage(text.trim()), { cause: err });
  }
  if (/locked|prompt was dismissed/i.test(text)) {
    return new SecretStoreError(
      'config',
      `the OS keyring is locked (${text.trim()}); unlock it (log in to the desktop session, or gnome-keyring-daemon --unlock) and retry`,
      { cause: err },
    );
  }
  return new SecretStoreError('unavailable', `keyring ${what} failed: ${text.trim()}`, { cause: err });
}
