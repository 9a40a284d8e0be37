/**
 * The secrets file's JSON, read as untrusted input: anyone who can write the file can put anything in it. So its
 * shape is checked before use, the scrypt cost it asks for is bounded (a tampered header must not make us
 * allocate gigabytes or spin for a minute), GCM tags must be full length (a 4-byte tag is forged in 2^32 tries),
 * and every name is kept in a prototype-free map (an alias called "__proto__" or "constructor" is just a name).
 * Any problem is one message naming the file; never a JavaScript error.
 */
import { SecretStoreError } from '../writable.js';

export interface Sealed {
  iv: string;
  tag: string;
  data: string;
}
export interface KdfParams {
  N: number;
  r: number;
  p: number;
}
export interface Kdf extends KdfParams {
  name: 'scrypt';
  salt: string;
}
/** alias -> key -> sealed value; both levels have no prototype. */
export type SecretsTable = Record<string, Record<string, Sealed>>;
export interface SecretsFile {
  format: 'connector-secrets';
  version: 1;
  kdf: Kdf;
  check: Sealed;
  secrets: SecretsTable;
}

/** scrypt cost: 2^15 x 8 uses 32 MiB and ~100 ms, OWASP's recommended minimum for scrypt. */
export const DEFAULT_KDF: KdfParams = { N: 1 << 15, r: 8, p: 1 };
/**
 * What a file may ask for: 8 times the work and memory of what we write (or of a faster machine's choice later),
 * and a floor that still needs real work. 128·N·r bytes of memory, N·r·p units of time.
 */
export const KDF_LIMITS = {
  minN: 1 << 10,
  maxN: 1 << 18,
  maxR: 32,
  maxP: 16,
  maxMemoryBytes: 8 * 128 * DEFAULT_KDF.N * DEFAULT_KDF.r,
  maxWork: 8 * DEFAULT_KDF.N * DEFAULT_KDF.r * DEFAULT_KDF.p,
};
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
const SALT_BYTES = { min: 16, max: 64 };

/** A prototype-free object: user-chosen names never collide with Object.prototype. */
export function nameMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

export function damaged(file: string, why: string): SecretStoreError {
  return new SecretStoreError('config', `secrets file ${file} is damaged or not a connector secrets file: ${why}`);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function base64(value: unknown, what: string, file: string): Buffer {
  if (typeof value !== 'string' || !BASE64.test(value) || value.length % 4 === 1) throw damaged(file, `${what} is not base64`);
  return Buffer.from(value, 'base64');
}

/** Throws unless the parameters are scrypt-valid and within KDF_LIMITS; used for reads and for writes. */
export function checkKdf(kdf: KdfParams, file: string): void {
  const { N, r, p } = kdf;
  const integers = [N, r, p].every((n) => Number.isSafeInteger(n) && n > 0);
  // N must be a power of two for scrypt at all.
  if (!integers || (N & (N - 1)) !== 0) throw damaged(file, `scrypt parameters N=${N}, r=${r}, p=${p} are not valid`);
  const L = KDF_LIMITS;
  if (N < L.minN || N > L.maxN || r > L.maxR || p > L.maxP || 128 * N * r > L.maxMemoryBytes || N * r * p > L.maxWork) {
    throw damaged(
      file,
      `scrypt parameters N=${N}, r=${r}, p=${p} are outside what connector writes (N=${DEFAULT_KDF.N}, r=${DEFAULT_KDF.r}, p=${DEFAULT_KDF.p}; ` +
        `at most ${L.maxMemoryBytes / 2 ** 20} MiB and ${L.maxWork / (DEFAULT_KDF.N * DEFAULT_KDF.r * DEFAULT_KDF.p)} times the default work)`,
    );
  }
}

/** iv, tag and data of a sealed value as bytes, after checking their shape (12-byte IV, 16-byte tag). */
export function sealedParts(sealed: unknown, what: string, file: string): { iv: Buffer; tag: Buffer; data: Buffer } {
  if (!isObject(sealed)) throw damaged(file, `${what} is not an encrypted value`);
  const iv = base64(sealed.iv, `the IV of ${what}`, file);
  const tag = base64(sealed.tag, `the tag of ${what}`, file);
  const data = base64(sealed.data, `the data of ${what}`, file);
  if (iv.length !== IV_BYTES) throw damaged(file, `the IV of ${what} is ${iv.length} bytes, not ${IV_BYTES}`);
  if (tag.length !== TAG_BYTES) throw damaged(file, `the authentication tag of ${what} is ${tag.length} bytes, not ${TAG_BYTES}`);
  return { iv, tag, data };
}

/**
 * Parses and checks the whole structure and the header. Sealed values are checked when they are opened, so that
 * one damaged entry can still be listed and deleted.
 */
export function parseSecretsFile(text: string, file: string): SecretsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw damaged(file, 'it is not JSON');
  }
  if (!isObject(doc) || doc.format !== 'connector-secrets') throw damaged(file, 'it has no "format": "connector-secrets"');
  if (doc.version !== 1) throw damaged(file, `version ${JSON.stringify(doc.version)} is not supported (this connector reads version 1)`);
  const kdf = doc.kdf;
  if (!isObject(kdf) || kdf.name !== 'scrypt') throw damaged(file, 'its key derivation is not scrypt');
  const salt = base64(kdf.salt, 'the salt', file);
  if (salt.length < SALT_BYTES.min || salt.length > SALT_BYTES.max) throw damaged(file, `the salt is ${salt.length} bytes`);
  const params = { N: kdf.N, r: kdf.r, p: kdf.p } as KdfParams;
  checkKdf(params, file);
  sealedParts(doc.check, 'the passphrase check', file);
  if (!isObject(doc.secrets)) throw damaged(file, '"secrets" is not an object');
  const secrets = nameMap<Record<string, Sealed>>();
  for (const [alias, keys] of Object.entries(doc.secrets)) {
    if (!isObject(keys)) throw damaged(file, `the entry for ${JSON.stringify(alias)} is not an object`);
    const table = nameMap<Sealed>();
    for (const [key, sealed] of Object.entries(keys)) table[key] = sealed as Sealed;
    secrets[alias] = table;
  }
  return {
    format: 'connector-secrets',
    version: 1,
    kdf: { name: 'scrypt', salt: kdf.salt as string, ...params },
    check: doc.check as Sealed,
    secrets,
  };
}
