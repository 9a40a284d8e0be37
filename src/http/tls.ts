/**
 * Turns the INI's TLS settings (verify_ssl, cacert_file, user_pem_file, ssl_protocol) into Node TLS options.
 * Shared by the HTTP client and the LDAP source, so every connection treats these settings the same way.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import type { SecureVersion } from 'node:tls';
import { ConfigError } from '../errors.js';
import { getLogger } from '../logging.js';
import type { TlsSettings } from './types.js';

interface VersionRange {
  minVersion?: SecureVersion;
  maxVersion?: SecureVersion;
  /** OpenSSL 3 refuses TLS 1.0/1.1 at its default security level; an admin who forces them needs level 0. */
  legacyCiphers?: boolean;
}

/** The original's ssl_protocol values (lib/httpadapters.py AdapterMap, plus explicit versions). */
const PROTOCOLS: Record<string, VersionRange> = {
  '': {},
  ssl: { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' },
  sslv23: { minVersion: 'TLSv1', maxVersion: 'TLSv1.3' },
  tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1', legacyCiphers: true },
  tls1: { minVersion: 'TLSv1', maxVersion: 'TLSv1', legacyCiphers: true },
  'tls1.1': { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', legacyCiphers: true },
  'tls1.2': { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' },
  'tls1.3': { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' },
};

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN ((?:RSA |EC |DSA |ENCRYPTED )?PRIVATE KEY)-----[\s\S]+?-----END \1-----/;

export function nodeTlsOptions(settings: TlsSettings, section: string): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { rejectUnauthorized: settings.verify };
  Object.assign(options, protocolOptions(settings.protocol ?? '', section));
  if (settings.caFile) {
    const pem = readPem(settings.caFile, section, 'cacert_file');
    if (!pem.match(CERT_BLOCK)) {
      throw new ConfigError({ section, key: 'cacert_file' }, `"${settings.caFile}" contains no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    }
    // Node replaces its default roots when `ca` is given; keep them so public CAs still work next to the private one.
    options.ca = [...tls.rootCertificates, pem];
  }
  if (settings.caDir) options.ca = [...((options.ca as string[] | undefined) ?? tls.rootCertificates), ...readCaDir(settings.caDir, section)];
  if (settings.clientPemFile) Object.assign(options, clientCertificate(settings.clientPemFile, section));
  return options;
}

/** Every certificate in the PEM files of a folder (cacert_dir). */
function readCaDir(dir: string, section: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter((n) => /\.(pem|crt|cer)$/i.test(n)).sort();
  } catch (err) {
    throw new ConfigError({ section, key: 'cacert_dir' }, `cannot read the folder "${dir}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const certs = names.flatMap((n) => readPem(`${dir}/${n}`, section, 'cacert_dir').match(CERT_BLOCK) ?? []);
  if (certs.length === 0) throw new ConfigError({ section, key: 'cacert_dir' }, `"${dir}" holds no PEM certificate (*.pem, *.crt, *.cer)`);
  return certs;
}

function protocolOptions(protocol: string, section: string): tls.ConnectionOptions {
  const name = protocol.trim().toLowerCase();
  if (name === 'sslv3' || name === 'sslv2') {
    throw new ConfigError(
      { section, key: 'ssl_protocol' },
      `${protocol} is not supported: Node.js and OpenSSL 3 no longer implement SSLv2/SSLv3. Use ssl (negotiate) or tls1.2.`,
    );
  }
  const range = PROTOCOLS[name];
  if (!range) {
    throw new ConfigError(
      { section, key: 'ssl_protocol' },
      `unknown value "${protocol}"; use one of: ${Object.keys(PROTOCOLS).filter(Boolean).join(', ')} (or leave it empty)`,
    );
  }
  if (range.legacyCiphers) {
    getLogger('http').warn(
      `[${section}] ssl_protocol = ${protocol} forces ${range.maxVersion}, which is insecure and refused by most modern servers and OpenSSL builds`,
    );
  }
  const options: tls.ConnectionOptions = {};
  if (range.minVersion) options.minVersion = range.minVersion;
  if (range.maxVersion) options.maxVersion = range.maxVersion;
  if (range.legacyCiphers) options.ciphers = 'DEFAULT:@SECLEVEL=0';
  return options;
}

/** One PEM holding the client certificate (plus any chain) and its key, as the original's user_pem_file. */
function clientCertificate(file: string, section: string): Pick<tls.ConnectionOptions, 'cert' | 'key'> {
  const pem = readPem(file, section, 'user_pem_file');
  const certs = pem.match(CERT_BLOCK);
  const key = pem.match(KEY_BLOCK);
  const where = { section, key: 'user_pem_file' };
  if (!certs) throw new ConfigError(where, `"${file}" contains no certificate (-----BEGIN CERTIFICATE-----)`);
  if (!key) throw new ConfigError(where, `"${file}" contains no private key (-----BEGIN PRIVATE KEY-----)`);
  if (key[1].startsWith('ENCRYPTED') || /Proc-Type: 4,ENCRYPTED/.test(key[0])) {
    throw new ConfigError(where, `the private key in "${file}" is encrypted; store it unencrypted (openssl pkey -in key.pem -out plain.pem)`);
  }
  return { cert: certs.join('\n'), key: key[0] };
}

function readPem(file: string, section: string, key: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new ConfigError({ section, key }, `cannot read "${file}": ${why}`, { cause: err });
  }
}
