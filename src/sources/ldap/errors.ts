/**
 * One place that turns what ldapts and Node throw into messages an admin can act on. Each failure an
 * admin meets at setup (wrong password, unreachable host, bad base DN, untrusted certificate) gets its
 * own wording, so `connector test ldap` tells them which one it is.
 *
 * ldapts result errors reset their prototype to ResultCodeError, so they are told apart by `code`
 * (the LDAP result code, RFC 4511 section 4.1.9), not by `instanceof`.
 */
import { ConfigError, ConnectorError, PermanentError, TransientError, errorMessage } from '../../errors.js';

/** RFC 4511 result codes this module gives a specific message for. */
const RESULT = {
  sizeLimitExceeded: 4,
  strongerAuthRequired: 8,
  adminLimitExceeded: 11,
  unavailableCriticalExtension: 12,
  confidentialityRequired: 13,
  noSuchObject: 32,
  invalidDNSyntax: 34,
  inappropriateAuthentication: 48,
  invalidCredentials: 49,
  insufficientAccessRights: 50,
  busy: 51,
  unavailable: 52,
  unwillingToPerform: 53,
} as const;

/** Node/OpenSSL codes meaning "the certificate is not trusted or does not match". */
const CERT_ERRORS = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
]);

const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is the server running and is the port right?)',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed (DNS)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
  ETIMEDOUT: 'connection timed out',
};

/** What was being done when the error happened; decides which setting a message points at. */
export type Stage =
  | { kind: 'connect' }
  | { kind: 'starttls' }
  | { kind: 'bind'; bindDn: string }
  | { kind: 'search'; base: string; setting: 'base_dn' | 'group_dn' | 'groups_dn' | 'filter' };

export interface ErrorContext {
  section: string;
  url: string;
  timeoutSeconds: number;
}

/** Thrown by our own deadline around connect/StartTLS/bind, which ldapts does not time as a whole. */
export class LdapTimeout extends Error {}

function resultCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'number' ? code : undefined;
}

function nodeCode(err: unknown): string | undefined {
  // ldapts wraps socket errors in a new Error that only keeps the text, so look there too.
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string') return code;
  const text = errorMessage(err);
  return [...CERT_ERRORS, ...Object.keys(NETWORK_ERRORS)].find((c) => text.includes(c));
}

/** The server's own diagnostic, without ldapts' " Code: 0x31" suffix. */
function serverText(err: unknown): string {
  return errorMessage(err).replace(/\s*Code: 0x[0-9a-f]+$/i, '').trim();
}

export function explainLdapError(err: unknown, stage: Stage, ctx: ErrorContext): ConnectorError {
  if (err instanceof ConnectorError) return err;
  const { section, url } = ctx;
  const where = (key: string) => ({ section, key });
  const code = resultCode(err);
  const osCode = nodeCode(err);
  const text = errorMessage(err);

  if (err instanceof LdapTimeout || /timed out|timeout/i.test(text)) {
    return new TransientError(`[${section}] ${url} did not answer within ${ctx.timeoutSeconds} s (timeout); check the url and firewalls, or raise timeout`, { cause: err });
  }
  if (osCode && CERT_ERRORS.has(osCode)) {
    return new ConfigError(
      where('verify_ssl'),
      `the TLS certificate of ${url} is not trusted (${osCode}: ${text.split('\n').pop()}); ` +
        'set cacert_file to the PEM of the CA that signed it, or verify_ssl = False to skip the check',
      { cause: err },
    );
  }
  if ((osCode === 'ECONNRESET' || osCode === 'EPIPE') && url.startsWith('ldaps:') && (stage.kind === 'connect' || stage.kind === 'bind')) {
    // slapd and AD drop a connection that starts with a TLS hello on their plain port.
    return new TransientError(
      `[${section}] cannot reach ${url}: the server closed the connection during the TLS handshake; is this port serving ldaps? (ldaps:// is usually port 636, ldap:// 389)`,
      { cause: err },
    );
  }
  if (osCode && NETWORK_ERRORS[osCode]) {
    return new TransientError(`[${section}] cannot reach ${url}: ${NETWORK_ERRORS[osCode]}`, { cause: err });
  }
  if (code === undefined && /EPROTO|wrong version number|packet length too long|handshake|ssl3_|tls_/i.test(text)) {
    return new ConfigError(
      where(stage.kind === 'starttls' ? 'starttls' : 'url'),
      `TLS handshake with ${url} failed (${text.split('\n').pop()}); ldaps:// needs a TLS port (usually 636), ldap:// a plain one (389)`,
      { cause: err },
    );
  }

  if (stage.kind === 'starttls' && code !== undefined) {
    return new ConfigError(where('starttls'), `${url} refused StartTLS (${serverText(err)}); use an ldaps:// url or set starttls = False`, { cause: err });
  }

  if (stage.kind === 'bind') {
    const who = stage.bindDn ? `"${stage.bindDn}"` : 'anonymous';
    switch (code) {
      case RESULT.invalidCredentials:
        return new ConfigError(where('password'), `the server rejected the bind as ${who}: invalid credentials (check username and password)`, { cause: err });
      case RESULT.inappropriateAuthentication:
      case RESULT.insufficientAccessRights:
        return new ConfigError(
          where('username'),
          stage.bindDn ? `the server refused the bind as ${who} (${serverText(err)})` : 'the server does not allow anonymous binds; set username and password',
          { cause: err },
        );
      case RESULT.unwillingToPerform:
        return new ConfigError(
          where('password'),
          stage.bindDn ? `the server is unwilling to bind as ${who} (${serverText(err)}); an empty password is refused by most servers` : `the server refused the anonymous bind (${serverText(err)}); set username and password`,
          { cause: err },
        );
      case RESULT.strongerAuthRequired:
      case RESULT.confidentialityRequired:
        return new ConfigError(where('url'), `the server requires an encrypted connection to bind (${serverText(err)}); use ldaps:// or starttls = True`, { cause: err });
      case RESULT.invalidDNSyntax:
        return new ConfigError(where('username'), `"${stage.bindDn}" is not a valid DN (${serverText(err)})`, { cause: err });
      default:
        break;
    }
  }

  if (stage.kind === 'search') {
    switch (code) {
      case RESULT.noSuchObject:
        return new ConfigError(where(stage.setting), `"${stage.base}" does not exist on ${url} (no such object); check ${stage.setting}`, { cause: err });
      case RESULT.invalidDNSyntax:
        return new ConfigError(where(stage.setting), `"${stage.base}" is not a valid DN (${serverText(err)})`, { cause: err });
      case RESULT.insufficientAccessRights:
      case RESULT.inappropriateAuthentication:
        return new ConfigError(where('username'), `not allowed to read "${stage.base}" (${serverText(err)}); bind as a user with read access`, { cause: err });
      case RESULT.strongerAuthRequired:
      case RESULT.confidentialityRequired:
        return new ConfigError(where('username'), `the server requires authentication or an encrypted connection to search (${serverText(err)})`, { cause: err });
      case RESULT.sizeLimitExceeded:
      case RESULT.adminLimitExceeded:
        return new PermanentError(`[${section}] the server stopped the search at its size limit (${serverText(err)}); lower page_size below the server limit`, { cause: err });
      case RESULT.unavailableCriticalExtension:
        return new PermanentError(`[${section}] the server does not support paged results (${serverText(err)})`, { cause: err });
      default:
        break;
    }
  }

  if (code === RESULT.busy || code === RESULT.unavailable) {
    return new TransientError(`[${section}] ${url} is busy or unavailable (${serverText(err)})`, { cause: err });
  }
  if (code !== undefined) return new PermanentError(`[${section}] LDAP error from ${url}: ${serverText(err)}`, { cause: err });
  if (/socket error|closed|ECONN/i.test(text)) {
    return new TransientError(`[${section}] connection to ${url} lost: ${text.split('\n').pop()}`, { cause: err });
  }
  return new PermanentError(`[${section}] LDAP error from ${url}: ${text}`, { cause: err });
}
