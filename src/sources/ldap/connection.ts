/**
 * Opening an LDAP session: URL check, TLS (ldaps:// or StartTLS), bind. Everything up to a bound client
 * runs under one deadline (`timeout`), because ldapts times single operations but not a StartTLS
 * handshake, and an admin running `connector test` must get an answer within the configured time.
 */
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import { Client } from 'ldapts';
import { ConfigError } from '../../errors.js';
import { nodeTlsOptions } from '../../http/tls.js';
import type { TlsSettings } from '../../http/types.js';
import { LdapTimeout, explainLdapError, type ErrorContext, type Stage } from './errors.js';

export interface ServerAddress {
  /** `ldap://host:port` or `ldaps://host:port`, without path or query (what ldapts wants). */
  url: string;
  host: string;
  secure: boolean;
}

/** Validates `url`; the original accepted an LDAP URL with a DN path, which is ignored here too. */
export function parseServerUrl(raw: string, section: string): ServerAddress {
  let parsed: URL;
  try {
    parsed = new URL(raw.trim());
  } catch {
    throw new ConfigError({ section, key: 'url' }, `"${raw}" is not a URL; write it as ldap://host:389 or ldaps://host:636`);
  }
  const scheme = parsed.protocol.toLowerCase();
  if (scheme !== 'ldap:' && scheme !== 'ldaps:') {
    throw new ConfigError({ section, key: 'url' }, `"${raw}" must start with ldap:// or ldaps://`);
  }
  if (!parsed.hostname) throw new ConfigError({ section, key: 'url' }, `"${raw}" has no host name`);
  const secure = scheme === 'ldaps:';
  const port = parsed.port || (secure ? '636' : '389');
  return { url: `${scheme}//${parsed.hostname}:${port}`, host: parsed.hostname.replace(/^\[|\]$/g, ''), secure };
}

export interface ConnectOptions {
  section: string;
  address: ServerAddress;
  username: string;
  password: string;
  starttls: boolean;
  timeoutSeconds: number;
  tls: TlsSettings;
}

/** `anonymous` as username is the original's way to ask for an anonymous bind; empty means the same. */
export function isAnonymous(username: string): boolean {
  const name = username.trim();
  return name === '' || name.toLowerCase() === 'anonymous';
}

function tlsOptionsFor(opts: ConnectOptions): ConnectionOptions {
  const options = nodeTlsOptions(opts.tls, opts.section);
  // SNI only for names; the certificate is still checked against an IP address through `host`.
  if (!net.isIP(opts.address.host)) options.servername = opts.address.host;
  options.host = opts.address.host;
  return options;
}

async function withDeadline<T>(work: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout();
      reject(new LdapTimeout(`no answer within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** A connected and bound client. Throws ConfigError/TransientError/PermanentError with a clear message. */
export async function openSession(opts: ConnectOptions): Promise<Client> {
  const timeoutMs = opts.timeoutSeconds * 1000;
  const errorContext: ErrorContext = { section: opts.section, url: opts.address.url, timeoutSeconds: opts.timeoutSeconds };
  const tlsOptions = opts.address.secure || opts.starttls ? tlsOptionsFor(opts) : undefined;
  const client = new Client({
    url: opts.address.url,
    timeout: timeoutMs,
    connectTimeout: timeoutMs,
    tlsOptions: opts.address.secure ? tlsOptions : undefined,
    strictDN: false,
  });
  let stage: Stage = { kind: 'connect' };
  const steps = async () => {
    if (opts.starttls && !opts.address.secure) {
      stage = { kind: 'starttls' };
      await client.startTLS({ ...tlsOptions });
    }
    const anonymous = isAnonymous(opts.username);
    stage = { kind: 'bind', bindDn: anonymous ? '' : opts.username.trim() };
    // An explicit anonymous bind makes a server that refuses anonymous access say so now, not at the first search.
    if (anonymous) await client.bind('', '');
    else await client.bind(opts.username.trim(), opts.password);
  };
  try {
    await withDeadline(steps(), timeoutMs, () => void client.unbind().catch(() => undefined));
    return client;
  } catch (err) {
    await client.unbind().catch(() => undefined);
    throw explainLdapError(err, stage, errorContext);
  }
}
