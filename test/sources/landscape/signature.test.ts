/**
 * The legacy API signature, byte for byte. The expected values were computed with Python's hmac and
 * urllib.parse.quote(safe="~") over sorted parameters, as Landscape's own Python client signs.
 */
import { canonicalQuery, legacySigner, rfc3986, signatureTimestamp } from '../../../src/sources/landscape/signature.js';
import type { OutgoingRequest } from '../../../src/http/index.js';

const QUERY = 'tag:server OR title:"Zoë\'s box" (a*b)!~/x+y';

test('RFC 3986 encoding: only A-Z a-z 0-9 - _ . ~ stay; ! \' ( ) * are encoded, a space is %20, UTF-8 bytes in upper-case hex', () => {
  expect(rfc3986(QUERY)).toBe('tag%3Aserver%20OR%20title%3A%22Zo%C3%AB%27s%20box%22%20%28a%2Ab%29%21~%2Fx%2By');
  expect(rfc3986('AZaz09-_.~')).toBe('AZaz09-_.~');
  expect(canonicalQuery([['b', '2'], ['a', 'x y'], ['B', '1'], ['a', 'w']])).toBe('B=1&a=w&a=x%20y&b=2');
  expect(signatureTimestamp(Date.UTC(2011, 7, 18, 8, 7, 0, 456))).toBe('2011-08-18T08:07:00Z');
});

test('the signed request: sorted canonical query, Host with its port, path, HMAC-SHA256 in base64 (Python reference value)', () => {
  const url = new URL('https://Landscape.Example.com:8443/api/');
  for (const [k, v] of Object.entries({ action: 'GetComputers', version: '2011-08-01', query: QUERY, limit: '500', offset: '0', with_hardware: 'true' })) url.searchParams.set(k, v);
  const req: OutgoingRequest = { method: 'GET', url, headers: {} };
  legacySigner('0GS7553JW74RRM612K02EXAMPLE', 'secret/KEY+with=chars')(req, Date.UTC(2011, 7, 18, 8, 7, 0));
  expect(req.url.search).toBe(
    '?access_key_id=0GS7553JW74RRM612K02EXAMPLE&action=GetComputers&limit=500&offset=0' +
      '&query=tag%3Aserver%20OR%20title%3A%22Zo%C3%AB%27s%20box%22%20%28a%2Ab%29%21~%2Fx%2By' +
      '&signature_method=HmacSHA256&signature_version=2&timestamp=2011-08-18T08%3A07%3A00Z&version=2011-08-01&with_hardware=true' +
      `&signature=${encodeURIComponent('wr0qNDwxlR0GvA/gBIfJc3atsipppGd8YDVBM0qRsNI=')}`,
  );
});

test('a retry is signed anew: the old signature parameters are replaced, not added to', () => {
  const url = new URL('http://127.0.0.1:9/api/?action=GetComputers&version=2011-08-01');
  const req: OutgoingRequest = { method: 'GET', url, headers: {} };
  const sign = legacySigner('KEY', 'SECRET');
  sign(req, Date.UTC(2024, 0, 1));
  const first = req.url.searchParams.get('signature');
  sign(req, Date.UTC(2024, 0, 1, 0, 0, 1));
  expect([...req.url.searchParams.keys()].sort()).toEqual(['access_key_id', 'action', 'signature', 'signature_method', 'signature_version', 'timestamp', 'version']);
  expect(req.url.searchParams.get('timestamp')).toBe('2024-01-01T00:00:01Z');
  expect(req.url.searchParams.get('signature')).not.toBe(first);
});
