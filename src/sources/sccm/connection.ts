/**
 * From `[sccm]` settings to an mssql connection pool, and from driver errors to messages an admin can act
 * on. Every failure becomes one of the project's three error kinds with the setting to fix named.
 */
import type { SecureContextOptions } from 'node:tls';
import type sql from 'mssql';
import { ConfigError, PermanentError, TransientError } from '../../errors.js';
import { nodeTlsOptions } from '../../http/tls.js';
import type { TlsSettings } from '../../http/types.js';
import type { SccmSettings } from './settings.js';

export interface ServerAddress {
  host: string;
  port?: number;
  instanceName?: string;
}

/** `host`, `host,port` or `host\instance` (the forms SQL Server tools accept); `port` wins over both. */
export function parseServer(server: string, port: number, section: string): ServerAddress {
  const text = server.trim();
  const [hostPart, portPart] = text.split(',', 2).map((s) => s.trim());
  const [host, instanceName] = hostPart.split('\\', 2).map((s) => s.trim());
  if (!host) throw new ConfigError({ section, key: 'server' }, `"${server}" names no host (use host, host,port or host\\instance)`);
  let inlinePort: number | undefined;
  if (portPart !== undefined) {
    inlinePort = Number(portPart);
    if (!Number.isInteger(inlinePort) || inlinePort < 1 || inlinePort > 65535) {
      throw new ConfigError({ section, key: 'server' }, `"${portPart}" after the comma is not a TCP port`);
    }
  }
  const explicitPort = port > 0 ? port : inlinePort;
  // With a port the SQL Browser lookup of the instance is not needed: connect to the port directly, as ODBC does.
  if (explicitPort) return { host, port: explicitPort };
  return instanceName ? { host, instanceName } : { host, port: 1433 };
}

export function describeAddress(a: ServerAddress): string {
  return a.instanceName ? `${a.host}\\${a.instanceName}` : `${a.host}:${a.port}`;
}

/** Checks setting combinations that cannot work; throws ConfigError. Never connects. */
export function validateSettings(s: SccmSettings, section: string): ServerAddress {
  const address = parseServer(s.server, s.port, section);
  if (s.authentication === 'Windows') {
    if (!/^[^\\]+\\[^\\]+$/.test(s.username)) {
      throw new ConfigError(
        { section, key: 'username' },
        'Windows authentication needs username = DOMAIN\\user and its password: this connector logs in with NTLM and cannot ' +
          "reuse the logged-in user's Windows or Kerberos credentials (not possible from Node.js, and never from Linux)",
      );
    }
    if (!s.password) throw new ConfigError({ section, key: 'password' }, 'Windows authentication needs the password of ' + s.username);
  } else {
    if (!s.username) throw new ConfigError({ section, key: 'username' }, 'SQL Server authentication needs a SQL login name');
    if (!s.password) throw new ConfigError({ section, key: 'password' }, `SQL Server authentication needs the password of "${s.username}"`);
    if (s.username.includes('\\')) {
      throw new ConfigError(
        { section, key: 'authentication' },
        `"${s.username}" looks like a Windows account; set authentication = Windows to log in with it (SQL Server logins have no domain)`,
      );
    }
  }
  return address;
}

/**
 * The shared TLS settings (cacert_file, cacert_dir, ssl_protocol) as tedious takes them: its `cryptoCredentialsDetails`
 * go to tls.createSecureContext, so only context options apply; certificate checking is `trustServerCertificate`.
 * TDS 7.4 carries the TLS handshake inside PRELOGIN packets and tedious caps it at TLS 1.2 there, so a protocol
 * that needs TLS 1.3 cannot work and is refused here, when the source is created. Throws ConfigError.
 */
export function tdsSecureContext(tls: TlsSettings, section: string): SecureContextOptions {
  const node = nodeTlsOptions(tls, section);
  if (node.minVersion === 'TLSv1.3') {
    throw new ConfigError(
      { section, key: 'ssl_protocol' },
      `${tls.protocol} cannot work with SQL Server: TDS 7.4 connections are encrypted with TLS 1.2 at most; use tls1.2 or leave it empty`,
    );
  }
  const { ca, minVersion, maxVersion, ciphers } = node;
  return Object.fromEntries(Object.entries({ ca, minVersion, maxVersion, ciphers }).filter(([, v]) => v !== undefined));
}

export interface PoolOptions {
  settings: SccmSettings;
  address: ServerAddress;
  tls: TlsSettings;
  /** From tdsSecureContext(tls), when encrypt = True. */
  secureContext?: SecureContextOptions;
  section: string;
  /** Numbers of the error tokens the server sent during login (a failed login can send several). */
  loginErrors: number[];
  /** Set when encrypt = True but a connection came up without TLS (tedious accepts that silently). */
  unencrypted?: boolean;
}

interface TediousInternals {
  messageIo?: { tlsNegotiationComplete?: boolean };
}

export function poolConfig(o: PoolOptions): sql.config {
  const s = o.settings;
  const options: sql.IOptions = {
    encrypt: s.encrypt,
    trustServerCertificate: s.trust_server_certificate || !o.tls.verify,
    appName: 'oomnitza-connector',
    ...(o.address.instanceName ? { instanceName: o.address.instanceName } : {}),
  };
  if (o.secureContext && s.encrypt) options.cryptoCredentialsDetails = o.secureContext;
  const config: sql.config = {
    server: o.address.host,
    port: o.address.port,
    database: s.database,
    connectionTimeout: s.connect_timeout * 1000,
    requestTimeout: s.query_timeout * 1000,
    options,
    // Two connections: the hardware and the software queries stream side by side.
    pool: { min: 0, max: 2 },
    validateConnection: false,
    beforeConnect: (conn) => {
      conn.on('errorMessage', (token: { number: number }) => o.loginErrors.push(token.number));
      conn.once('connect', (err?: Error) => {
        if (!err && s.encrypt && !(conn as unknown as TediousInternals).messageIo?.tlsNegotiationComplete) o.unencrypted = true;
      });
    },
  };
  if (s.authentication === 'Windows') {
    const [domain, userName] = s.username.split('\\');
    config.authentication = { type: 'ntlm', options: { domain, userName, password: s.password } };
  } else {
    config.user = s.username;
    config.password = s.password;
  }
  return config;
}

/** encrypt = True must mean encrypted: a server (or a man in the middle) answering "no encryption" is refused. */
export function unencryptedError(o: Pick<PoolOptions, 'address' | 'section'>): ConfigError {
  return new ConfigError(
    { section: o.section, key: 'encrypt' },
    `${describeAddress(o.address)} did not negotiate TLS although encrypt = True (the server offers no encryption, or ` +
      'something on the way removed it); the connection was closed. Set encrypt = False only if an unencrypted connection is acceptable',
  );
}

const CERTIFICATE_CODES = /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|HOSTNAME_MISMATCH/;
/** No TLS version both sides accept (the server's protocol_version alert, or none left on our side). */
const PROTOCOL_CODES = /^ERR_SSL_(TLSV1_ALERT_PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|NO_PROTOCOLS_AVAILABLE)$/;

/** The code matching `codes` anywhere in the error's cause chain. */
function errorCode(err: unknown, codes: RegExp): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown; originalError?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string' && codes.test(e.code)) return e.code;
    e = (e.originalError ?? e.cause) as typeof e;
  }
  return undefined;
}

interface DriverError {
  code?: string;
  number?: number;
  message: string;
  originalError?: { code?: string; message?: string; errors?: unknown[] };
}

/** Turns an mssql/tedious error into a ConfigError, TransientError or PermanentError with a clear message. */
export function explainError(
  err: unknown,
  o: Pick<PoolOptions, 'settings' | 'address' | 'section' | 'loginErrors'> & { tls?: TlsSettings },
  phase: 'connect' | 'query',
): Error {
  if (err instanceof ConfigError || err instanceof TransientError || err instanceof PermanentError) return err;
  const e = (err ?? {}) as DriverError;
  const s = o.settings;
  const where = describeAddress(o.address);
  const at = (key: string) => ({ section: o.section, key });
  const original = e.originalError?.message ?? e.message;
  if (e.code === 'ELOGIN') {
    if (o.loginErrors.includes(4060)) {
      return new ConfigError(at('database'), `cannot open database "${s.database}" on ${where}: it does not exist or "${s.username}" has no access to it (SQL Server error 4060)`);
    }
    if (o.loginErrors.includes(18452)) {
      return new ConfigError(at('authentication'), `${where} refused the Windows login of "${s.username}": ${original} (SQL Server error 18452)`);
    }
    if (o.loginErrors.includes(18456)) {
      return new ConfigError(
        at(s.authentication === 'Windows' ? 'username' : 'password'),
        `${where} rejected the login for "${s.username}" (SQL Server error 18456): check username and password` +
          (s.authentication === 'SQL Server' ? ', and that the server allows SQL Server authentication' : ''),
      );
    }
    return new ConfigError(at('username'), `login to ${where} failed: ${original}`);
  }
  const protocolCode = errorCode(err, PROTOCOL_CODES);
  if (protocolCode) {
    return new ConfigError(
      at('ssl_protocol'),
      `${where} and this connector share no TLS version (${protocolCode})` +
        (o.tls?.protocol ? ` with ssl_protocol = ${o.tls.protocol}` : '') + '; leave ssl_protocol empty or set the version the server accepts',
    );
  }
  const tlsCode = errorCode(err, CERTIFICATE_CODES);
  if (tlsCode) {
    return new ConfigError(
      at('cacert_file'),
      `the TLS certificate of ${where} is not trusted (${tlsCode}: ${original}); give the CA that signed it in cacert_file, ` +
        'or set trust_server_certificate = True (or verify_ssl = False) to accept it without verification',
    );
  }
  if (e.code === 'ETIMEOUT' && phase === 'connect') {
    return new TransientError(`could not connect and log in to ${where} within connect_timeout (${s.connect_timeout} s): ${original}`, { cause: err });
  }
  if (e.code === 'ETIMEOUT') {
    return new TransientError(`a query on ${where} returned no rows within query_timeout (${s.query_timeout} s); raise query_timeout or check the server load`, { cause: err });
  }
  if (e.code === 'ESOCKET' || e.code === 'EINSTLOOKUP' || e.code === 'ECONNCLOSED') {
    return new TransientError(`cannot reach SQL Server at ${where}: ${original}`, { cause: err });
  }
  if (e.number === 229) {
    return new PermanentError(
      `"${s.username}" may not read the SCCM views on ${where} (SQL Server error 229: ${original}); ` +
        'grant it SELECT on the v_GS_*, v_R_System and v_UserMachineRelationship views (e.g. the db_datareader role)',
      { cause: err },
    );
  }
  if (e.number === 208) {
    return new PermanentError(`${original} in database "${s.database}" (SQL Server error 208): is this the SCCM site database (CM_<site code>)?`, { cause: err });
  }
  if (e.code === 'ECANCEL') return new TransientError(`the query on ${where} was cancelled`, { cause: err });
  return new PermanentError(`SQL Server ${where}: ${original}${e.number ? ` (error ${e.number})` : ''}`, { cause: err });
}
