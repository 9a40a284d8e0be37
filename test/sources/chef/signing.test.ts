/** Chef request signing: the signature the server checks with the public key, for 1.0 and 1.3. */
import { constants, createHash, generateKeyPairSync, publicDecrypt, verify } from 'node:crypto';
import { canonicalPath, canonicalRequest, canonicalTime, chefSigner, contentHash } from '../../../src/sources/chef/signing.js';
import type { OutgoingRequest } from '../../../src/http/index.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const at = Date.UTC(2024, 6, 10, 22, 0, 5, 678);
const request = (): OutgoingRequest => ({ method: 'GET', url: new URL('https://chef.example.com//organizations/acme/search/node/?q=name:*&rows=1000&start=0'), headers: {} });
const signature = (h: Record<string, string>) => Buffer.from(Object.keys(h).filter((k) => k.startsWith('x-ops-authorization-')).sort((a, b) => Number(a.split('-').pop()) - Number(b.split('-').pop())).map((k) => h[k]).join(''), 'base64');

test('canonical parts: path without query, slashes collapsed, the trailing one dropped; UTC to the second', () => {
  expect(canonicalPath('//organizations/acme/search/node/')).toBe('/organizations/acme/search/node');
  expect(canonicalPath('/')).toBe('/');
  expect(canonicalTime(at)).toBe('2024-07-10T22:00:05Z');
  // SHA-1 of the empty body, as every Chef client sends it on a GET.
  expect(contentHash('1.0', undefined)).toBe('2jmj7l5rSw0yVb/vlWAYkK/YBwk=');
});

test('1.0: the canonical request, private-encrypted (the server public-decrypts it), in lines of 60 characters', () => {
  const req = request();
  chefSigner(privateKey, 'connector', '1.0')(req, at);
  const h = req.headers;
  expect(h).toMatchObject({ 'x-ops-sign': 'version=1.0', 'x-ops-userid': 'connector', 'x-ops-timestamp': '2024-07-10T22:00:05Z', 'x-ops-content-hash': '2jmj7l5rSw0yVb/vlWAYkK/YBwk=' });
  expect(h).not.toHaveProperty('x-ops-server-api-version');
  const lines = Object.keys(h).filter((k) => k.startsWith('x-ops-authorization-'));
  expect(lines).toHaveLength(6);
  expect(lines.slice(0, 5).every((k) => h[k]!.length === 60)).toBe(true);
  const canonical = canonicalRequest('1.0', { method: 'GET', path: '/organizations/acme/search/node', contentHash: h['x-ops-content-hash']!, timestamp: h['x-ops-timestamp']!, userId: 'connector' });
  const hashedPath = createHash('sha1').update('/organizations/acme/search/node').digest('base64');
  expect(canonical).toBe(`Method:GET\nHashed Path:${hashedPath}\nX-Ops-Content-Hash:2jmj7l5rSw0yVb/vlWAYkK/YBwk=\nX-Ops-Timestamp:2024-07-10T22:00:05Z\nX-Ops-UserId:connector`);
  expect(publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature(h)).toString()).toBe(canonical);
});

test('1.3: SHA-256 body hash and an RSA-SHA256 signature over the 1.3 canonical request', () => {
  const req = { ...request(), body: '{"a":1}' };
  chefSigner(privateKey, 'connector', '1.3')(req, at);
  const h = req.headers;
  expect(h).toMatchObject({ 'x-ops-sign': 'algorithm=sha256;version=1.3', 'x-ops-server-api-version': '1', 'x-ops-content-hash': contentHash('1.3', '{"a":1}') });
  const canonical = `Method:GET\nPath:/organizations/acme/search/node\nX-Ops-Content-Hash:${h['x-ops-content-hash']}\nX-Ops-Sign:version=1.3\nX-Ops-Timestamp:2024-07-10T22:00:05Z\nX-Ops-UserId:connector\nX-Ops-Server-API-Version:1`;
  expect(verify('sha256', Buffer.from(canonical), { key: publicKey, padding: constants.RSA_PKCS1_PADDING }, signature(h))).toBe(true);
});
