/**
 * Certificate credentials of a Microsoft Entra app registration: the certificate (uploaded to the app) and its
 * private key, read from PEM, checked when the section is created (a wrong file is a config error, not a refused
 * sign-in later), and the client assertion signed with them for every token request:
 * RS256, header `x5t` = base64url SHA-1 thumbprint of the certificate's DER, claims aud = the token endpoint,
 * iss = sub = client id, a fresh jti, nbf/iat = now, exp = now + 10 minutes.
 * https://learn.microsoft.com/entra/identity-platform/certificate-credentials
 */
import crypto, { X509Certificate, type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import { ConfigError } from '../../errors.js';
import { signJwt, type JwtHeader } from '../../http/index.js';
import { redactor } from '../../logging.js';

export interface AppCertificate {
  key: KeyObject;
  /** Base64url SHA-1 thumbprint, the assertion's `x5t` header. */
  x5t: string;
  /** Hex SHA-1 thumbprint as the Entra admin center shows it (Certificates & secrets > Certificates). */
  thumbprint: string;
  notAfter: Date;
}

/** Entra ID does not limit exp, but an assertion only needs to live as long as one token request (docs: 5-10 minutes). */
const ASSERTION_LIFETIME_S = 600;

const CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const PRIVATE_KEY = /-----BEGIN ((?:RSA |ENCRYPTED |EC )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

export interface CertificateSource {
  section: string;
  /** Absolute path of certificate_file. */
  file: string;
  /** certificate_key, when the key is kept apart from the certificate. */
  key?: string;
  now?: number;
}

/** Reads and checks the certificate and its key; every problem is a ConfigError naming the setting to fix. */
export function loadCertificate(src: CertificateSource): AppCertificate {
  const at = (key: string) => ({ section: src.section, key });
  let text: string;
  try {
    text = fs.readFileSync(src.file, 'latin1');
  } catch (err) {
    throw new ConfigError(at('certificate_file'), `"${src.file}" cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const pem = CERTIFICATE.exec(text)?.[0];
  if (!pem) {
    const hint = text.includes('-----BEGIN') ? '' : ' (a .pfx or .cer file in binary form: convert it with "openssl pkcs12 -in cert.pfx -out cert.pem -nodes" or "openssl x509 -inform der -in cert.cer -out cert.pem")';
    throw new ConfigError(at('certificate_file'), `"${src.file}" holds no PEM certificate (-----BEGIN CERTIFICATE-----)${hint}`);
  }
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(pem);
  } catch {
    throw new ConfigError(at('certificate_file'), `"${src.file}": the certificate cannot be parsed`);
  }
  const thumbprint = certificate.fingerprint.replace(/:/g, '');
  const key = privateKey(src, text, at);
  if (key.asymmetricKeyType !== 'rsa') {
    throw new ConfigError(at(src.key ? 'certificate_key' : 'certificate_file'), `is a${key.asymmetricKeyType === 'ec' ? 'n EC' : ` ${key.asymmetricKeyType}`} key; the client assertion is signed RS256, which needs an RSA key`);
  }
  if (!certificate.checkPrivateKey(key)) {
    throw new ConfigError(at(src.key ? 'certificate_key' : 'certificate_file'), `the private key does not belong to the certificate (thumbprint ${thumbprint})`);
  }
  const now = src.now ?? Date.now();
  const notAfter = new Date(certificate.validTo);
  if (now > notAfter.getTime()) {
    throw new ConfigError(at('certificate_file'), `the certificate (thumbprint ${thumbprint}) expired on ${notAfter.toISOString()}: create a new one and upload it to the app registration (Certificates & secrets > Certificates)`);
  }
  if (now < new Date(certificate.validFrom).getTime()) {
    throw new ConfigError(at('certificate_file'), `the certificate (thumbprint ${thumbprint}) is not valid before ${new Date(certificate.validFrom).toISOString()}`);
  }
  return { key, x5t: crypto.createHash('sha1').update(certificate.raw).digest('base64url'), thumbprint, notAfter };
}

function privateKey(src: CertificateSource, fileText: string, at: (key: string) => { section: string; key: string }): KeyObject {
  // Keys pasted into an INI value or a vault often arrive with literal "\n" instead of line breaks.
  const given = src.key ? (src.key.includes('\\n') ? src.key.replace(/\\n/g, '\n') : src.key) : undefined;
  const setting = given ? 'certificate_key' : 'certificate_file';
  const block = PRIVATE_KEY.exec(given ?? fileText);
  if (!block) {
    throw new ConfigError(at(setting), given
      ? 'is not a PEM private key (-----BEGIN PRIVATE KEY-----)'
      : `"${src.file}" holds no private key: put the certificate's key in the same file, or in certificate_key`);
  }
  redactor.add(block[0]);
  if (block[1] === 'ENCRYPTED PRIVATE KEY') {
    throw new ConfigError(at(setting), 'the private key is encrypted: store it unencrypted ("openssl pkey -in key.pem -out plain.pem") and protect the file or keep it in a vault');
  }
  try {
    return crypto.createPrivateKey(block[0]);
  } catch {
    throw new ConfigError(at(setting), 'the private key cannot be parsed; paste the PEM as it was exported');
  }
}

/** A function that signs a new client assertion for a token request made at `nowMs`. */
export function clientAssertion(cert: AppCertificate, clientId: string, audience: string): (nowMs: number) => string {
  const header: JwtHeader & { x5t: string } = { alg: 'RS256', typ: 'JWT', x5t: cert.x5t };
  return (nowMs) => {
    const now = Math.floor(nowMs / 1000);
    const claims = { aud: audience, iss: clientId, sub: clientId, jti: crypto.randomUUID(), nbf: now, iat: now, exp: now + ASSERTION_LIFETIME_S };
    return signJwt(header, claims, cert.key);
  };
}
