/** create() validates without connecting: every ConfigError path, and the defaults. */
import { ConfigError } from '../../../src/errors.js';
import { ldap, ldapAssets } from '../../../src/sources/ldap/index.js';
import { userMappings } from '../../../src/sources/ldap/mappings.js';
import { createSource, settingsFor } from './helpers.js';

const base = { url: 'ldap://127.0.0.1:1', base_dn: 'dc=example,dc=com' };

test('defaults are those of the original', () => {
  const s = settingsFor(ldap.settings, {});
  expect(s).toMatchObject({
    filter: '(objectClass=*)',
    protocol_version: '3',
    group_members_attr: 'member',
    group_member_filter: '',
    groups_dn: [],
    default_role: '25',
    default_position: 'Employee',
    page_size: 500,
    timeout: 30,
    starttls: false,
  });
  expect(ldap.settings.password.secret).toBe(true);
  expect(ldap.settings.groups_dn.parse('["cn=a,dc=x"]')).toEqual(['cn=a,dc=x']);
  expect(ldapAssets.settings).not.toHaveProperty('default_role');
  expect(ldapAssets.settings).toHaveProperty('sync_field');
  expect(ldap.mappingName(settingsFor(ldap.settings, {}))).toBe('LDAP');
  expect(ldap.defaultMappings(settingsFor(ldap.settings, {}))).toEqual(userMappings);
  expect(Object.keys(userMappings)).toEqual(['USER', 'FIRST_NAME', 'LAST_NAME', 'EMAIL', 'PERMISSIONS_ID']);
});

test('a valid section creates without connecting', () => {
  expect(() => createSource(ldap, base)).not.toThrow();
  expect(() => createSource(ldap, { ...base, username: 'anonymous' })).not.toThrow();
  // OpenLDAP tools accept a filter without outer parentheses; so does this source.
  expect(() => createSource(ldap, { ...base, filter: 'objectClass=person', group_dn: 'cn=g,dc=x', group_member_filter: 'uid={}' })).not.toThrow();
});

test.each([
  [{ protocol_version: '2' }, '[ldap] protocol_version: LDAP version 2 is not supported'],
  [{ protocol_version: '4' }, '[ldap] protocol_version: "4" is not a protocol version; use 3'],
  [{ url: 'ldap.example.com' }, '[ldap] url: "ldap.example.com" is not a URL'],
  [{ url: 'https://ldap.example.com' }, '[ldap] url: "https://ldap.example.com" must start with ldap:// or ldaps://'],
  [{ url: 'ldaps://h:636', starttls: true }, '[ldap] starttls: starttls = True needs an ldap:// url'],
  [{ filter: '(objectClass=*' }, '[ldap] filter: "(objectClass=*" is not a valid LDAP filter'],
  [{ group_member_filter: '(uid={}' }, '[ldap] group_member_filter: "(&(objectClass=*)(uid=x)" is not a valid LDAP filter'],
  [{ groups_dn: { a: 1 } }, '[ldap] groups_dn: must be a JSON list of group DNs'],
  [{ base_dn: '' }, '[ldap] base_dn: is required when neither groups_dn nor group_dn is set'],
  [{ base_dn: '', group_dn: 'cn=g,dc=x', group_member_filter: '(uid={})' }, '[ldap] base_dn: is required with group_member_filter'],
  [{ username: 'cn=reader,dc=x', password: '' }, '[ldap] password: is empty but username is set'],
  [{ default_role: 'admin' }, '[ldap] default_role: "admin" is not a numeric role ID'],
])('%j is refused', (values, message) => {
  let error: unknown;
  try {
    createSource(ldap, { ...base, ...values });
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message.startsWith(message)).toBe(true);
});
