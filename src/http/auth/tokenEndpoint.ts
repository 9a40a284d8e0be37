/**
 * One request to an OAuth2 token endpoint (RFC 6749 section 5) and what comes of it: the access token and its
 * lifetime, or, when the endpoint rejects the client (HTTP 400/401), a ConfigError that quotes the server's
 * `error` and `error_description` and names the settings to check. Secrets are scrubbed from that text.
 */
import { ConfigError, PermanentError } from '../../errors.js';
import { redactor } from '../../logging.js';
import { safeUrl, scrub, serverErrorText } from '../httpError.js';
import type { ErrorTextExtractor, HttpClientLike } from '../types.js';
import { refreshTime, type IssuedToken } from './tokenCache.js';

export interface TokenRequest {
  tokenUrl: string;
  form: Record<string, string>;
  /** 'form' (default, RFC 6749): the parameters form-encoded; 'json': the same parameters as a JSON object (OneLogin). */
  encoding?: 'form' | 'json';
  headers?: Record<string, string>;
  /** Whom we authenticate as, for messages: `OAuth2 client "abc"`. */
  who: string;
  /** Setting names to check when the client is rejected, most likely first (e.g. client_secret, client_id). */
  settings: string[];
  /** The setting that holds the scope, named instead when the server answers invalid_scope. */
  scopeSetting?: string;
  /** Values sent in this request that a server might echo back (secret, assertion, Basic pair). */
  secrets: string[];
  /** A vendor's own reading of a rejection (Entra ID's AADSTS codes); undefined keeps the generic ConfigError. */
  rejected?: (status: number, said: string) => Error | undefined;
  /** How the token endpoint explains itself when it is not RFC 6749's {error, error_description} (Apigee). */
  errorText?: ErrorTextExtractor;
  now: () => number;
}

/** OAuth2 statuses for "this client, grant or scope is not accepted" (RFC 6749 section 5.2). */
const REJECTED = [400, 401];

/**
 * POSTs the form to the token endpoint through `client` (so TLS, proxy, retries on 5xx and rate limits apply) and
 * returns the Authorization header value with its refresh time.
 */
export async function requestToken(client: HttpClientLike, req: TokenRequest): Promise<IssuedToken> {
  const requestedAt = req.now();
  const response = await client.request('POST', req.tokenUrl, {
    ...(req.encoding === 'json' ? { json: req.form } : { form: req.form }),
    headers: { accept: 'application/json', ...req.headers },
    acceptStatus: REJECTED,
  }).catch((err: unknown) => {
    // The client masks header credentials and registered secrets; a form's assertion is only known here.
    if (err instanceof Error) err.message = scrub(err.message, req.secrets);
    throw err;
  });
  if (REJECTED.includes(response.status)) throw rejection(response.status, response.text, client, req);

  const body = response.json<{ access_token?: unknown; token_type?: unknown; expires_in?: unknown }>();
  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new PermanentError(`${req.who}: the token response from ${safeUrl(req.tokenUrl)} has no access_token`);
  }
  redactor.add(body.access_token);
  // Some servers answer "bearer" in lower case (the scheme is case-insensitive in RFC 6750, but not every API is),
  // Apigee answers "BearerToken" and still expects "Bearer": any bearer flavour is sent as `Bearer`.
  const type = typeof body.token_type === 'string' && !/^bearer/i.test(body.token_type) ? body.token_type : 'Bearer';
  const expiresIn = body.expires_in === undefined || body.expires_in === null ? undefined : Number(body.expires_in) * 1000;
  return { header: `${type} ${body.access_token}`, refreshAt: refreshTime(requestedAt, expiresIn) };
}

function rejection(status: number, text: string, client: HttpClientLike, req: TokenRequest): Error {
  // Scrubbed before serverErrorText cuts the text to length, so that no secret survives cut in half.
  const said = serverErrorText(scrub(text, req.secrets), req.errorText, status);
  const own = req.rejected?.(status, said);
  if (own) return own;
  const code = errorCode(text);
  const settings = code === 'invalid_scope' && req.scopeSetting ? [req.scopeSetting] : req.settings;
  // HttpClient knows its section; HttpClientLike does not promise it (test doubles), so it is optional here.
  const section = (client as { section?: string }).section;
  return new ConfigError(
    { section, key: settings[0] },
    `the token endpoint ${safeUrl(req.tokenUrl)} rejected ${req.who} (HTTP ${status}${said ? `: ${said}` : ''}); check ${list(settings)}`,
  );
}

function errorCode(text: string): string | undefined {
  try {
    const error = (JSON.parse(text) as { error?: unknown }).error;
    return typeof error === 'string' ? error : undefined;
  } catch {
    return undefined;
  }
}

function list(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
