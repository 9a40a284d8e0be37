import { decodeValue, entryToRecord, guidToString, sidToString } from '../../../src/sources/ldap/values.js';
import { attributesFor, escapeFilterValue, scopeOf } from '../../../src/sources/ldap/ldapReader.js';

test('sidToString follows the MS-DTYP layout', () => {
  // S-1-5-32-544 (BUILTIN\Administrators)
  const sid = Buffer.from('01020000000000052000000020020000', 'hex');
  expect(sidToString(sid)).toBe('S-1-5-32-544');
  expect(sidToString(Buffer.from('0102000000', 'hex'))).toBeUndefined();
});

test('guidToString swaps the first three groups', () => {
  const bytes = Buffer.from('33221100554477668899aabbccddeeff', 'hex');
  expect(guidToString(bytes)).toBe('00112233-4455-6677-8899-aabbccddeeff');
  expect(guidToString(Buffer.alloc(3))).toBeUndefined();
});

test('decodeValue: binary never becomes text garbage', () => {
  expect(decodeValue('jpegPhoto', Buffer.from([0xff, 0xd8]))).toBe('/9g=');
  // A GUID whose bytes happen to be valid UTF-8 still becomes a GUID.
  expect(decodeValue('objectGUID', Buffer.from('0123456789abcdef').toString('utf8'))).toBe('33323130-3534-3736-3839-616263646566');
  expect(decodeValue('description', Buffer.from([0xc3, 0x28]))).toBe('wyg=');
  expect(decodeValue('cn', 'José')).toBe('José');
  expect(decodeValue('objectSid', Buffer.from([1, 2, 3]))).toBe('AQID');
});

test('entryToRecord: first value of plain attributes, lists for list attributes, requested spelling, empty dropped', () => {
  const entry = { dn: 'uid=a,dc=x', givenname: 'A', mail: ['a@x', 'b@x'], memberOf: 'cn=g,dc=x', sn: [] as string[] };
  expect(entryToRecord(entry, ['givenName', 'mail', 'memberOf', 'sn'])).toEqual({
    dn: 'uid=a,dc=x',
    givenName: 'A',
    mail: 'a@x',
    memberOf: ['cn=g,dc=x'],
  });
});

test('attributesFor: heads of dotted paths, no dn, 1.1 when nothing, * for all fields', () => {
  expect(attributesFor(['memberOf.0', 'dn', 'mail', 'MAIL', '2.5.4.3'], ['sAMAccountName'], false)).toEqual(['memberOf', 'mail', '2.5.4.3', 'sAMAccountName']);
  expect(attributesFor([], [], false)).toEqual(['1.1']);
  expect(attributesFor(['mail'], [], true)).toEqual(['*', 'mail']);
});

test('escapeFilterValue escapes what RFC 4515 requires', () => {
  expect(escapeFilterValue('cn=Smith (IT)*\\')).toBe('cn=Smith \\28IT\\29\\2a\\5c');
});

test('scope priority: groups_dn, then group_dn, then base_dn', () => {
  expect(scopeOf({ base_dn: 'dc=x', group_dn: 'cn=g' }, ['cn=a', 'cn=b'])).toEqual({ kind: 'groups', groups: ['cn=a', 'cn=b'], setting: 'groups_dn' });
  expect(scopeOf({ base_dn: 'dc=x', group_dn: 'cn=g' }, [])).toEqual({ kind: 'groups', groups: ['cn=g'], setting: 'group_dn' });
  expect(scopeOf({ base_dn: 'dc=x', group_dn: ' ' }, [])).toEqual({ kind: 'subtree', base: 'dc=x' });
});
