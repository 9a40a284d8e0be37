/**
 * Loads the secret settings of a section (vault_keys) from its backend.
 * The backends themselves are tracked in their own issue; until they land, a section that names
 * secrets fails with a clear configuration error instead of pretending.
 */
import { ConfigError } from '../errors.js';
import type { SecretRequest } from './types.js';

export async function loadSecrets(req: SecretRequest): Promise<Record<string, string>> {
  if (req.keys.length === 0) return {};
  throw new ConfigError(
    { file: req.configFile, line: req.line, section: req.section, key: 'vault_keys' },
    `secret backend "${req.backend}" is not available in this version; put the value in the INI for now`,
  );
}
