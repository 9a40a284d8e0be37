/** Where the secrets file passphrase comes from: CONNECTOR_SECRETS_PASSPHRASE, else a prompt on a terminal. */
import { promptHidden, stdinIsTty } from '../prompt.js';
import { SecretStoreError } from '../writable.js';
import { PASSPHRASE_ENV } from './fileStore.js';

export function passphraseSource(file: string, env: NodeJS.ProcessEnv = process.env): () => Promise<string> {
  return async () => {
    const fromEnv = env[PASSPHRASE_ENV];
    if (fromEnv) return fromEnv;
    if (stdinIsTty()) return promptHidden(`Passphrase for ${file}: `);
    throw new SecretStoreError(
      'config',
      `the secrets file ${file} needs a passphrase: set ${PASSPHRASE_ENV} in the environment (there is no terminal to ask on)`,
    );
  };
}
