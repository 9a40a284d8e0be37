/**
 * HTTP failures as the user sees them: one line naming the section, the method, the URL (never its query
 * string or credentials), the status and what the server said. Header values, tokens and passwords never appear.
 */
import { PermanentError, TransientError } from '../errors.js';
import { redactor, secretForms } from '../logging.js';

export interface HttpErrorDetails {
  section: string;
  method: string;
  /** Already stripped of query string, fragment and credentials (see safeUrl). */
  url: string;
  /** HTTP status; undefined when no response arrived (connection refused, timeout, TLS failure). */
  status?: number;
  attempts: number;
  retryAfterMs?: number;
  cause?: unknown;
}

export class HttpTransientError extends TransientError {
  readonly status?: number;
  readonly method: string;
  readonly url: string;
  readonly section: string;
  readonly attempts: number;
  constructor(message: string, d: HttpErrorDetails) {
    super(message, { cause: d.cause, retryAfterMs: d.retryAfterMs });
    this.status = d.status;
    this.method = d.method;
    this.url = d.url;
    this.section = d.section;
    this.attempts = d.attempts;
  }
}

export class HttpPermanentError extends PermanentError {
  readonly status?: number;
  readonly method: string;
  readonly url: string;
  readonly section: string;
  readonly attempts: number;
  constructor(message: string, d: HttpErrorDetails) {
    super(message, { cause: d.cause });
    this.status = d.status;
    this.method = d.method;
    this.url = d.url;
    this.section = d.section;
    this.attempts = d.attempts;
  }
}

/**
 * A class cannot extend both TransientError and PermanentError, so HttpError is the union of the two; the
 * value below makes `err instanceof HttpError` work (and narrow) through Symbol.hasInstance.
 */
export type HttpError = HttpTransientError | HttpPermanentError;
abstract class AnyHttpError {
  static [Symbol.hasInstance](value: unknown): value is HttpError {
    return value instanceof HttpTransientError || value instanceof HttpPermanentError;
  }
}
export const HttpError: typeof AnyHttpError = AnyHttpError;

export function isRetriableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** scheme://host/path: drops user:password@, the query string (API keys often travel there) and the fragment. */
export function safeUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return String(url).replace(/[?#].*$/s, '').replace(/\/\/[^/@]*@/, '//');
  }
}

/** A URL as shown to the admin (connector test, logs): safeUrl without the lone trailing slash of a bare origin. */
export function displayUrl(url: string | URL): string {
  const shown = safeUrl(url);
  return shown.endsWith('/') && new URL(shown).pathname === '/' ? shown.slice(0, -1) : shown;
}

const MAX_SERVER_TEXT = 300;

/**
 * The server's own explanation: what the API's extractor finds (Okta's errorSummary, Graph's error.message), else
 * JSON error/message/detail when present, else the body text (an HTML page loses its tags); 300 chars at most.
 */
export function serverErrorText(
  body: string,
  extract?: (body: string, status: number, headers: Record<string, string | string[] | undefined>) => string | undefined,
  status = 0,
  headers: Record<string, string | string[] | undefined> = {},
): string {
  let text = body;
  let custom: string | undefined;
  try {
    custom = extract?.(body, status, headers);
  } catch {
    custom = undefined;
  }
  if (custom !== undefined) text = custom;
  else {
    try {
      const parsed: unknown = JSON.parse(body);
      const picked = pickMessage(parsed);
      if (picked !== undefined) text = picked;
    } catch {
      // Not JSON: the body itself (often an HTML error page, trimmed below) is the best we have.
    }
  }
  text = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return text.length > MAX_SERVER_TEXT ? `${text.slice(0, MAX_SERVER_TEXT)}...` : text;
}

/** An extractor for an API whose explanation sits at one path (e.g. `fault.faultstring`); falls back to the default. */
export function errorTextAt(path: string): (body: string) => string | undefined {
  return (body) => {
    try {
      let value: unknown = JSON.parse(body);
      for (const part of path.split('.')) value = (value as Record<string, unknown> | null)?.[part];
      return typeof value === 'string' && value ? value : undefined;
    } catch {
      return undefined;
    }
  };
}

function pickMessage(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!value || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return value.length ? pickMessage(value[0]) ?? JSON.stringify(value[0]) : undefined;
  const record = value as Record<string, unknown>;
  // Okta: errorSummary; Graph: error.message; OAuth: error + error_description; many: message/detail/errors.
  for (const key of ['errorSummary', 'error', 'message', 'errorMessage', 'error_message', 'detail', 'error_description', 'errors']) {
    if (record[key] === undefined || record[key] === null) continue;
    const inner = pickMessage(record[key]);
    if (inner !== undefined) {
      // OAuth servers answer {"error":"invalid_client","error_description":"..."}: both halves help.
      const description = typeof record.error_description === 'string' && key === 'error' ? `: ${record.error_description}` : '';
      return `${inner}${description}`;
    }
    return JSON.stringify(record[key]);
  }
  return undefined;
}

/** Removes values we know are secret (auth header values, query credentials) plus everything the redactor knows. */
export function scrub(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    // A server or proxy may echo a credential URL-encoded, form-encoded, JSON-escaped or base64-encoded.
    for (const form of secretForms(secret)) out = out.split(form).join('***');
  }
  return redactor.redact(out);
}

interface NetworkFailure {
  text: string;
  retriable: boolean;
}

const TLS_HINT = 'check verify_ssl, cacert_file and ssl_protocol';

const NETWORK_CODES: Record<string, NetworkFailure> = {
  ECONNREFUSED: { text: 'connection refused', retriable: true },
  ECONNRESET: { text: 'connection reset by the server', retriable: true },
  EPIPE: { text: 'connection closed by the server', retriable: true },
  ETIMEDOUT: { text: 'connection timed out', retriable: true },
  EHOSTUNREACH: { text: 'host unreachable', retriable: true },
  ENETUNREACH: { text: 'network unreachable', retriable: true },
  EAI_AGAIN: { text: 'DNS lookup failed temporarily', retriable: true },
  ENOTFOUND: { text: 'host not found (DNS)', retriable: true },
  UND_ERR_CONNECT_TIMEOUT: { text: 'connect timed out', retriable: true },
  UND_ERR_HEADERS_TIMEOUT: { text: 'timed out waiting for the response headers', retriable: true },
  UND_ERR_BODY_TIMEOUT: { text: 'timed out reading the response body', retriable: true },
  UND_ERR_SOCKET: { text: 'connection closed unexpectedly', retriable: true },
  UND_ERR_CLOSED: { text: 'connection closed', retriable: true },
  DEPTH_ZERO_SELF_SIGNED_CERT: { text: `TLS: the server's certificate is self-signed (${TLS_HINT})`, retriable: false },
  SELF_SIGNED_CERT_IN_CHAIN: { text: `TLS: a self-signed certificate is in the server's chain (${TLS_HINT})`, retriable: false },
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: { text: `TLS: cannot verify the server's certificate (${TLS_HINT})`, retriable: false },
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: { text: `TLS: the server's certificate issuer is not trusted (${TLS_HINT})`, retriable: false },
  CERT_HAS_EXPIRED: { text: "TLS: the server's certificate has expired", retriable: false },
  ERR_TLS_CERT_ALTNAME_INVALID: { text: "TLS: the server's certificate does not match the host name", retriable: false },
};

/** Explains an error thrown before any response arrived, and says whether retrying may help. */
export function describeNetworkError(err: unknown): NetworkFailure {
  const chain: unknown[] = [];
  for (let e: unknown = err; e && chain.length < 5; e = (e as { cause?: unknown }).cause) chain.push(e);
  for (const e of chain) {
    const code = (e as { code?: string }).code;
    if (code && NETWORK_CODES[code]) return NETWORK_CODES[code];
  }
  for (const e of chain) {
    const code = (e as { code?: string }).code ?? '';
    const message = e instanceof Error ? e.message : String(e);
    if (code.startsWith('ERR_SSL_') || /alert|handshake|wrong version number|unsupported protocol/i.test(message)) {
      // OpenSSL's message is a multi-line dump; its `reason` field ("tlsv1 alert protocol version") says it all.
      const reason = (e as { reason?: unknown }).reason;
      const why = typeof reason === 'string' && reason ? reason : message.split('\n')[0];
      const hint = /protocol version|unsupported protocol|no protocols available/i.test(why)
        ? 'the server accepts none of the TLS versions ssl_protocol allows'
        : TLS_HINT;
      return { text: `TLS handshake failed: ${why} (${hint})`, retriable: false };
    }
  }
  const first = chain[0];
  const code = (first as { code?: string }).code;
  const message = first instanceof Error ? first.message : String(first);
  return { text: code && !message.includes(code) ? `${message} (${code})` : message, retriable: true };
}
