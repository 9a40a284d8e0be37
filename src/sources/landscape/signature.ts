/**
 * The legacy Landscape API's request signature (signature_version 2, HmacSHA256), byte for byte as documented
 * (https://documentation.ubuntu.com/landscape/how-to-guides/api/use-the-legacy-api-via-http-requests):
 *
 *   StringToSign = METHOD "\n" lower-case Host header "\n" path (up to the query) "\n" CanonicalizedQueryString
 *
 * where the canonical query is every parameter but `signature`, sorted by name (UTF-8 bytes), names and values
 * percent-encoded as RFC 3986 (only A-Z a-z 0-9 - _ . ~ left as they are, %XY in upper case, a space as %20),
 * joined by "=" and "&". The signature is the base64 HMAC-SHA256 of that string under the secret key. The request
 * goes out with exactly that query (plus `signature`), so what the server decodes is what was signed.
 */
import { createHmac } from 'node:crypto';
import { redactor } from '../../logging.js';
import type { RequestSigner } from '../../http/index.js';

export const LEGACY_API_VERSION = '2011-08-01';
const SIGNATURE_PARAMS = ['access_key_id', 'signature_method', 'signature_version', 'timestamp', 'signature'];

/** RFC 3986 percent-encoding: encodeURIComponent leaves ! ' ( ) * as they are, the signature needs them encoded. */
export function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name in byte order (then by value, for repeated names), encoded and joined. */
export function canonicalQuery(params: ReadonlyArray<readonly [string, string]>): string {
  const bytes = (s: string) => Buffer.from(s, 'utf8');
  return [...params]
    .sort(([a, x], [b, y]) => Buffer.compare(bytes(a), bytes(b)) || Buffer.compare(bytes(x), bytes(y)))
    .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
    .join('&');
}

export function stringToSign(method: string, host: string, path: string, canonical: string): string {
  return `${method.toUpperCase()}\n${host.toLowerCase()}\n${path || '/'}\n${canonical}`;
}

export function hmacSignature(secretKey: string, text: string): string {
  return createHmac('sha256', secretKey).update(text, 'utf8').digest('base64');
}

/** `2011-08-18T08:07:00Z`: UTC, whole seconds, as the Python client writes it. */
export function signatureTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Signs each attempt anew (a retry carries a fresh timestamp), replacing the URL's query by the signed one. */
export function legacySigner(accessKey: string, secretKey: string): RequestSigner {
  redactor.add(secretKey);
  return (req, now) => {
    const params: Array<[string, string]> = [...req.url.searchParams].filter(([name]) => !SIGNATURE_PARAMS.includes(name));
    params.push(['access_key_id', accessKey], ['signature_method', 'HmacSHA256'], ['signature_version', '2'], ['timestamp', signatureTimestamp(now)]);
    const canonical = canonicalQuery(params);
    const signature = hmacSignature(secretKey, stringToSign(req.method, req.url.host, req.url.pathname, canonical));
    req.url.search = `?${canonical}&signature=${rfc3986(signature)}`;
  };
}
