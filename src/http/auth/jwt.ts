/**
 * Compact JWS signing (RFC 7515) for the two algorithms OAuth2 JWT-bearer providers need, with node:crypto only:
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256; Google service accounts) and ES256 (ECDSA P-256 with SHA-256; Apple).
 */
import crypto, { type KeyObject } from 'node:crypto';
import { ConfigError } from '../../errors.js';

export type JwtAlgorithm = 'RS256' | 'ES256';

export interface JwtHeader {
  alg: JwtAlgorithm;
  typ?: 'JWT';
  kid?: string;
}

/** base64url without padding (RFC 7515 section 2), the encoding of every JWS part. */
export function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString('base64url');
}

/** `header.claims.signature`, each part base64url without padding. */
export function signJwt(header: JwtHeader, claims: Record<string, unknown>, key: KeyObject): string {
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  // JWS wants ES256 as the raw 64-byte r||s (RFC 7518 section 3.4); node's default for EC keys is DER.
  const signature = header.alg === 'ES256'
    ? crypto.sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' })
    : crypto.sign('sha256', Buffer.from(signingInput), key);
  return `${signingInput}.${base64url(signature)}`;
}

/**
 * Parses a PEM private key and checks that it suits `alg` (an RSA key for RS256, a P-256 key for ES256), so a
 * wrong file is a config error when the config loads instead of a rejected token later. `setting` names the INI
 * setting in the error; the key itself never appears in it.
 */
export function privateKeyFor(alg: JwtAlgorithm, pem: string, setting: string): KeyObject {
  let key: KeyObject;
  try {
    // Keys pasted into an INI value often arrive with literal "\n" instead of line breaks.
    key = crypto.createPrivateKey(pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem);
  } catch {
    throw new ConfigError({ key: setting }, 'is not a PEM private key (-----BEGIN PRIVATE KEY-----); paste the key file as it was downloaded');
  }
  const type = key.asymmetricKeyType;
  if (alg === 'RS256' && type !== 'rsa') throw new ConfigError({ key: setting }, `is a${type === 'ec' ? 'n EC' : ` ${type}`} key; RS256 needs an RSA private key`);
  if (alg === 'ES256' && (type !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')) {
    throw new ConfigError({ key: setting }, 'is not a P-256 (prime256v1) EC private key, which ES256 needs');
  }
  return key;
}
