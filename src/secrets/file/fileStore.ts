/**
 * An encrypted secrets file for headless servers with no keyring daemon.
 *
 * Format (JSON, mode 0600; read as untrusted input, see format.ts):
 *   { format: 'connector-secrets', version: 1,
 *     kdf: { name: 'scrypt', salt, N, r, p },          // per-file random salt
 *     check: { iv, tag, data },                        // a known text, so a wrong passphrase is detected
 *     secrets: { <alias>: { <key>: { iv, tag, data } } } }
 * Each value is AES-256-GCM with a fresh 12-byte IV and `alias\0key` as additional data, so entries cannot
 * be swapped between names without detection. Names (aliases, keys) are stored in clear so that
 * `strongbox --list` works without the passphrase; values never are.
 * Writes go to a temp file in the same directory, then rename: a crash never leaves half a file.
 */
import crypto from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describeFsError, makeDirectories } from '../../makeDirectories.js';
import { SecretStoreError, type WritableSecretStore } from '../writable.js';
import { checkKdf, damaged, DEFAULT_KDF, nameMap, parseSecretsFile, sealedParts, TAG_BYTES, type Kdf, type Sealed, type SecretsFile } from './format.js';
import { writeFileAtomic } from '../../atomicWrite.js';

export const PASSPHRASE_ENV = 'CONNECTOR_SECRETS_PASSPHRASE';
export const SECRETS_FILE_ENV = 'CONNECTOR_SECRETS_FILE';
const CHECK_TEXT = 'connector-secrets-check';

/** `~/.config/connector/secrets.enc` (XDG_CONFIG_HOME respected; %APPDATA% on Windows), or CONNECTOR_SECRETS_FILE. */
export function defaultSecretsFile(env: NodeJS.ProcessEnv = process.env): string {
  if (env[SECRETS_FILE_ENV]) return env[SECRETS_FILE_ENV];
  const base =
    process.platform === 'win32' && env.APPDATA ? env.APPDATA : env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
  return path.join(base, 'connector', 'secrets.enc');
}

export interface FileStoreOptions {
  file: string;
  /** Called at most once per store, only when a value must be decrypted or encrypted. */
  passphrase: () => Promise<string>;
  /** Lower scrypt cost for tests only; stored in the file, so reads always use the file's own parameters. */
  kdf?: { N: number; r: number; p: number };
}

export class FileStore implements WritableSecretStore {
  readonly name = 'file';
  private key: { salt: string; key: Buffer } | undefined;

  constructor(private readonly opts: FileStoreOptions) {}

  get file(): string {
    return this.opts.file;
  }

  async get(alias: string, key: string): Promise<string | undefined> {
    const doc = await this.read();
    const sealed = doc?.secrets[alias]?.[key];
    if (!doc || !sealed) return undefined;
    const k = await this.unlock(doc);
    return open(k, sealed, aad(alias, key), this.file, `the value of ${alias}/${key}`);
  }

  async set(alias: string, key: string, value: string): Promise<void> {
    const doc = (await this.read()) ?? (await this.create());
    const k = await this.unlock(doc);
    (doc.secrets[alias] ??= nameMap())[key] = seal(k, value, aad(alias, key));
    await this.write(doc);
  }

  async delete(alias: string, key: string): Promise<boolean> {
    const doc = await this.read();
    if (!doc?.secrets[alias]?.[key]) return false;
    delete doc.secrets[alias][key];
    if (Object.keys(doc.secrets[alias]).length === 0) delete doc.secrets[alias];
    await this.write(doc);
    return true;
  }

  async listKeys(alias: string): Promise<string[]> {
    const doc = await this.read();
    return Object.keys(doc?.secrets[alias] ?? {}).sort();
  }

  async listAliases(): Promise<string[]> {
    const doc = await this.read();
    return Object.keys(doc?.secrets ?? {}).sort();
  }

  private async read(): Promise<SecretsFile | undefined> {
    let text: string;
    try {
      text = await readBounded(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (err instanceof SecretStoreError) throw err;
      throw new SecretStoreError('config', `cannot read secrets file ${this.file}: ${describeFsError(err)}`, { cause: err });
    }
    return parseSecretsFile(text, this.file);
  }

  private async create(): Promise<SecretsFile> {
    const kdf: Kdf = { name: 'scrypt', salt: crypto.randomBytes(16).toString('base64'), ...(this.opts.kdf ?? DEFAULT_KDF) };
    // What we write must be readable by the same bounds.
    checkKdf(kdf, this.file);
    const key = await this.derive(kdf);
    return { format: 'connector-secrets', version: 1, kdf, check: seal(key, CHECK_TEXT, 'check'), secrets: nameMap() };
  }

  private async unlock(doc: SecretsFile): Promise<Buffer> {
    const key = await this.derive(doc.kdf);
    open(key, doc.check, 'check', this.file, 'the passphrase check', `wrong passphrase for secrets file ${this.file} (check ${PASSPHRASE_ENV})`);
    return key;
  }

  private async derive(kdf: Kdf): Promise<Buffer> {
    if (this.key?.salt === kdf.salt) return this.key.key;
    const passphrase = await this.opts.passphrase();
    if (!passphrase) throw new SecretStoreError('config', `an empty passphrase cannot protect ${this.file}`);
    const key = await new Promise<Buffer>((resolve, reject) =>
      crypto.scrypt(
        passphrase,
        Buffer.from(kdf.salt, 'base64'),
        32,
        // Bounded by checkKdf; scrypt needs 128·N·r bytes plus a little.
        { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r },
        (err, buf) =>
          err ? reject(new SecretStoreError('config', `cannot derive the key of secrets file ${this.file}: ${err.message}`)) : resolve(buf),
      ),
    );
    this.key = { salt: kdf.salt, key };
    return key;
  }

  private async write(doc: SecretsFile): Promise<void> {
    try {
      await writeAtomically(this.file, `${JSON.stringify(doc, null, 2)}\n`);
    } catch (err) {
      throw new SecretStoreError('config', `cannot write secrets file ${this.file}: ${describeFsError(err)}`, { cause: err });
    }
  }
}

/** Our files are a few KB; a device, a FIFO or a huge file is not one of them and must not hang or fill memory. */
const MAX_FILE_BYTES = 16 * 1024 * 1024;

async function readBounded(file: string): Promise<string> {
  // O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
  const handle = await fs.open(file, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw damaged(file, 'it is not a regular file');
    if (stat.size > MAX_FILE_BYTES) throw damaged(file, `it is ${stat.size} bytes, more than a secrets file ever is`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  makeDirectories(dir, 0o700);
  await writeFileAtomic(file, text);
  // rename keeps the temp file's 0600; chmod covers a umask that narrowed nothing on exotic filesystems.
  await fs.chmod(file, 0o600).catch(() => undefined);
}

function aad(alias: string, key: string): string {
  return `${alias}\u0000${key}`;
}

function seal(key: Buffer, text: string, additional: string): Sealed {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(additional, 'utf8'));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

/**
 * Decrypts and authenticates one value. A value whose shape is wrong (short tag, bad IV) is "damaged"; one that
 * fails authentication gets `failure` (a wrong passphrase for the check, an edited or moved value otherwise).
 */
function open(key: Buffer, sealed: Sealed, additional: string, file: string, what: string, failure = `${what} in ${file} was altered`): string {
  const { iv, tag, data } = sealedParts(sealed, what, file);
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(additional, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretStoreError('config', failure);
  }
}
