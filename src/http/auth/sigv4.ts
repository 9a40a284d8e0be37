/**
 * AWS Signature Version 4 (header form) for one request: the canonical request, the string to sign, the derived
 * key, the `Authorization` header. Checked against AWS's published test suite (test/http/auth/sigv4.test.ts).
 *
 * What is signed: `host` (from the URL, with its port when not the default), `x-amz-date`, the session token when
 * there is one (`x-amz-security-token`, signed as AWS's "post-sts-header-before" example), and the headers the
 * caller passes. The query is canonicalized from the URL as it goes on the wire: each `name=value` pair decoded
 * (form rules: `+` is a space), re-encoded the RFC 3986 way, sorted. The path is the wire path encoded once more
 * (every service but S3); `doubleEncodePath: false` for S3.
 */
import { createHash, createHmac } from 'node:crypto';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** Temporary credentials (STS) carry a session token. */
  sessionToken?: string;
}

export interface AwsScope {
  /** The signing name of the service: `iam`, `sts`, `ec2`, ... */
  service: string;
  region: string;
}

export interface SigV4Request {
  method: string;
  /** The final URL, query included, exactly as it is sent. */
  url: string | URL;
  /** Further headers to sign (and send); names in any case. */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
}

export interface SigV4Options {
  /** false for S3, whose canonical path is the wire path as is. */
  doubleEncodePath?: boolean;
  /** Adds `x-amz-content-sha256` (S3 wants it). */
  contentSha256Header?: boolean;
}

export interface SigV4Result {
  /** What to add to the request: `authorization`, `x-amz-date`, maybe `x-amz-security-token` / `x-amz-content-sha256`. */
  headers: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';

export function sigV4Sign(request: SigV4Request, credentials: AwsCredentials, scope: AwsScope, now: Date | number, opts: SigV4Options = {}): SigV4Result {
  const url = typeof request.url === 'string' ? new URL(request.url) : request.url;
  const amzDate = amzDateOf(now);
  const day = amzDate.slice(0, 8);
  const payloadHash = sha256Hex(request.body ?? '');
  const added: Record<string, string> = { 'x-amz-date': amzDate };
  if (credentials.sessionToken) added['x-amz-security-token'] = credentials.sessionToken;
  if (opts.contentSha256Header) added['x-amz-content-sha256'] = payloadHash;

  const signed = new Map<string, string>();
  signed.set('host', url.host);
  for (const [name, value] of Object.entries(request.headers ?? {})) signed.set(name.toLowerCase(), value);
  for (const [name, value] of Object.entries(added)) signed.set(name, value);
  const names = [...signed.keys()].sort();
  const canonicalHeaders = names.map((n) => `${n}:${signed.get(n)!.trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');

  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(url.pathname, opts.doubleEncodePath ?? true),
    canonicalQuery(url.search),
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join('\n');
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, credentialScope, sha256Hex(canonicalRequest)].join('\n');
  const key = signingKey(credentials.secretAccessKey, day, scope.region, scope.service);
  const signature = createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
  return {
    headers: {
      authorization: `${ALGORITHM} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
      ...added,
    },
    canonicalRequest,
    stringToSign,
    signature,
  };
}

/** `20150830T123600Z` */
export function amzDateOf(now: Date | number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function signingKey(secret: string, day: string, region: string, service: string): Buffer {
  const kDate = createHmac('sha256', `AWS4${secret}`).update(day, 'utf8').digest();
  const kRegion = createHmac('sha256', kDate).update(region, 'utf8').digest();
  const kService = createHmac('sha256', kRegion).update(service, 'utf8').digest();
  return createHmac('sha256', kService).update('aws4_request', 'utf8').digest();
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** RFC 3986 encoding: everything but `A-Z a-z 0-9 - _ . ~` as %XX (upper case). */
export function uriEncode(text: string, keepSlash = false): string {
  return encodeURIComponent(text)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%2F/g, keepSlash ? '/' : '%2F');
}

function canonicalPath(pathname: string, doubleEncode: boolean): string {
  const path = pathname || '/';
  return doubleEncode ? uriEncode(path, true) : path;
}

function formDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

function canonicalQuery(search: string): string {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (!query) return '';
  const pairs = query.split('&').filter((p) => p !== '').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    const value = eq < 0 ? '' : pair.slice(eq + 1);
    return [uriEncode(formDecode(name)), uriEncode(formDecode(value))] as const;
  });
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/**
 * The signing service and region of an AWS endpoint host: `iam.amazonaws.com` → iam / us-east-1,
 * `ec2.eu-west-1.amazonaws.com` → ec2 / eu-west-1, `sts.cn-north-1.amazonaws.com.cn`, `ec2-fips.us-gov-west-1...`,
 * `bucket.s3.us-west-2.amazonaws.com` → s3 / us-west-2, `ec2.us-east-1.api.aws`. Undefined for any other host.
 * Services whose signing name differs from their endpoint prefix (a few, e.g. SES's `email`) are not known here.
 */
export function awsScopeOfHost(host: string): AwsScope | undefined {
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const m = /^(?:.+\.)?([a-z0-9-]+)\.([a-z]{2}(?:-[a-z]+)+-\d+)\.(?:amazonaws\.com(?:\.cn)?|api\.aws)$/.exec(name);
  if (m) return { service: m[1].replace(/-fips$/, ''), region: m[2] };
  const global = /^([a-z0-9-]+)\.amazonaws\.com$/.exec(name);
  if (global) return { service: global[1].replace(/-fips$/, ''), region: 'us-east-1' };
  return undefined;
}
