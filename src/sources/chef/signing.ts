/**
 * Chef's signed request headers (mixlib-authentication, https://docs.chef.io/server/api_chef_server/#required-headers),
 * for the kit's signedRequests:
 * - 1.0: the canonical request `Method:GET\nHashed Path:<b64 sha1(path)>\nX-Ops-Content-Hash:<b64 sha1(body)>\n
 *   X-Ops-Timestamp:<UTC, ...Z>\nX-Ops-UserId:<client>` encrypted with the private key (RSA PKCS#1 v1.5 type 1
 *   padding, no digest info: OpenSSL's RSA_private_encrypt) - what the original sends.
 * - 1.3: `Method:\nPath:\nX-Ops-Content-Hash:<b64 sha256(body)>\nX-Ops-Sign:version=1.3\nX-Ops-Timestamp:\n
 *   X-Ops-UserId:\nX-Ops-Server-API-Version:` signed RSA-SHA256.
 * The signature's base64, cut in lines of 60 characters, goes in X-Ops-Authorization-1..N.
 */
import { constants, createHash, privateEncrypt, sign, type KeyObject } from 'node:crypto';
import type { RequestSigner } from '../../http/index.js';

export type SignVersion = '1.0' | '1.3';

/** The Chef Server API version a 1.3 signature names (search answers alike in 0 and 1). */
export const SERVER_API_VERSION = '1';

const b64 = (data: Buffer | string, algorithm: 'sha1' | 'sha256') => createHash(algorithm).update(data).digest('base64');

/** Repeated slashes collapsed, a trailing one dropped (mixlib's canonical path). */
export function canonicalPath(path: string): string {
  const collapsed = path.replace(/\/+/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/+$/, '') : collapsed;
}

/** `2024-07-10T22:00:00Z`: UTC to the second. */
export function canonicalTime(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export interface CanonicalParts {
  method: string;
  path: string;
  contentHash: string;
  timestamp: string;
  userId: string;
}

export function canonicalRequest(version: SignVersion, p: CanonicalParts): string {
  const method = p.method.toUpperCase();
  const path = canonicalPath(p.path);
  if (version === '1.0') {
    return `Method:${method}\nHashed Path:${b64(path, 'sha1')}\nX-Ops-Content-Hash:${p.contentHash}\nX-Ops-Timestamp:${p.timestamp}\nX-Ops-UserId:${p.userId}`;
  }
  return `Method:${method}\nPath:${path}\nX-Ops-Content-Hash:${p.contentHash}\nX-Ops-Sign:version=1.3\nX-Ops-Timestamp:${p.timestamp}\nX-Ops-UserId:${p.userId}\nX-Ops-Server-API-Version:${SERVER_API_VERSION}`;
}

export function contentHash(version: SignVersion, body: string | Buffer | undefined): string {
  return b64(body ?? '', version === '1.0' ? 'sha1' : 'sha256');
}

/** Signs every request as `userId` with `key`. */
export function chefSigner(key: KeyObject, userId: string, version: SignVersion): RequestSigner {
  return (req, now) => {
    const hash = contentHash(version, req.body);
    const timestamp = canonicalTime(now);
    const canonical = canonicalRequest(version, { method: req.method, path: req.url.pathname, contentHash: hash, timestamp, userId });
    const signature = version === '1.0'
      ? privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(canonical, 'utf8'))
      : sign('sha256', Buffer.from(canonical, 'utf8'), { key, padding: constants.RSA_PKCS1_PADDING });
    const h = req.headers;
    h['x-ops-sign'] = version === '1.0' ? 'version=1.0' : 'algorithm=sha256;version=1.3';
    h['x-ops-userid'] = userId;
    h['x-ops-timestamp'] = timestamp;
    h['x-ops-content-hash'] = hash;
    // Part of the 1.3 signature; the original's 1.0 requests go without it (the server then assumes version 0).
    if (version === '1.3') h['x-ops-server-api-version'] = SERVER_API_VERSION;
    const lines = signature.toString('base64').match(/.{1,60}/g) ?? [];
    lines.forEach((line, i) => (h[`x-ops-authorization-${i + 1}`] = line));
  };
}
