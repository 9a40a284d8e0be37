/**
 * Credentials that never change during a run: an API key or token in a header or the query string, HTTP Basic.
 * Every value is registered with the log redactor when the provider is made, so it is masked in every log line
 * and error text from then on.
 */
import { redactor } from '../../logging.js';
import type { AuthProvider } from '../types.js';

export interface StaticCredentials {
  /** Headers sent with every request, e.g. { 'X-API-Key': key } (names are case-insensitive). */
  headers?: Record<string, string>;
  /** Query parameters added to every request URL, e.g. { api_key: key } for APIs that take the key there. */
  query?: Record<string, string>;
}

/**
 * API keys sent as headers and/or query parameters on every request. A query parameter replaces one of the same
 * name the caller put in the URL, so a key can never be sent twice.
 */
export function staticCredentials(credentials: StaticCredentials): AuthProvider {
  const headers = Object.entries(credentials.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value] as const);
  const query = Object.entries(credentials.query ?? {});
  for (const [, value] of [...headers, ...query]) redactor.add(value);
  const names = [...headers.map(([name]) => `header ${name}`), ...query.map(([name]) => `query parameter ${name}`)];
  return {
    async authorize(req) {
      for (const [name, value] of headers) req.headers[name] = value;
      for (const [name, value] of query) req.url.searchParams.set(name, value);
    },
    describe: () => `API key in ${names.join(', ')}`,
  };
}

/** A fixed header, e.g. `Authorization2: <token>` (Oomnitza) or `X-API-Key: <key>`. */
export function tokenHeader(name: string, value: string): AuthProvider {
  return staticCredentials({ headers: { [name]: value } });
}

/** `Authorization: Bearer <token>` with a token the admin configured (no refresh). */
export function bearerToken(value: string): AuthProvider {
  redactor.add(value);
  const provider = staticCredentials({ headers: { authorization: `Bearer ${value}` } });
  return { ...provider, describe: () => 'bearer token' };
}

/**
 * HTTP Basic (RFC 7617): user and password joined by ":" in UTF-8, base64-encoded. The password and the encoded
 * pair are both registered with the redactor, since a proxy or server may echo either.
 */
export function basicAuth(user: string, password: string): AuthProvider {
  redactor.add(password);
  const encoded = Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
  redactor.add(encoded);
  const provider = staticCredentials({ headers: { authorization: `Basic ${encoded}` } });
  return { ...provider, describe: () => `user "${user}"` };
}
