import { attributesFor } from '../../../src/sources/ldap/ldapReader.js';
import { entryToRecord, isCredentialAttribute } from '../../../src/sources/ldap/values.js';

// An entry as ldapts returns it for a search with attributes ['*', ...] by an account whose ACLs allow reading hashes.
const entry = {
  dn: 'uid=jdoe,ou=People,dc=example,dc=com',
  uid: ['jdoe'],
  mail: ['jdoe@example.com'],
  userPassword: ['{SSHA}c2VjcmV0LWhhc2g='],
  'ms-Mcs-AdmPwd': ['LapsPassw0rd!'],
  'msLAPS-Password': ['{"p":"x"}'],
  unicodePwd: [Buffer.from('"pw"', 'utf16le')],
  'userPassword;binary': [Buffer.from('x')],
};

test('credential attributes never reach a record read with "*" (filters, custom converters)', () => {
  const requested = attributesFor(['uid', 'mail'], [], true);
  expect(requested[0]).toBe('*');
  const record = entryToRecord(entry as never, requested);
  expect(Object.keys(record).sort()).toEqual(['dn', 'mail', 'uid']);
});

test('a mapping that names a credential attribute explicitly still gets it', () => {
  const record = entryToRecord(entry as never, attributesFor(['uid', 'ms-Mcs-AdmPwd'], [], false));
  expect(record['ms-Mcs-AdmPwd']).toBe('LapsPassw0rd!');
  expect(record.userPassword).toBeUndefined();
});

test.each(['userPassword', 'UNICODEPWD', 'ms-Mcs-AdmPwd', 'msLAPS-EncryptedPassword', 'userPassword;binary', 'msFVE-RecoveryPassword'])('%s is a credential attribute', (name) => {
  expect(isCredentialAttribute(name)).toBe(true);
});
