/**
 * Settings of `[ldap]` and `[ldap_assets]`. Every name comes from the original's README ("LDAP Users
 * Configuration", "LDAP Assets Configuration") so existing configs load unchanged; `starttls`,
 * `page_size` and `timeout` are new. TLS (`verify_ssl`, `cacert_file`) is a common setting that reaches
 * the source through `ctx.tls`.
 */
import { setting } from '../../config/settings.js';
import type { SettingsOf } from '../../config/settings.js';

/** Settings shared by both LDAP sections. */
export const directorySettings = {
  url: setting.url({
    required: true,
    schemes: ['ldap', 'ldaps'],
    example: 'ldaps://ldap.com:636',
    description: 'URL of the directory server: ldap:// or ldaps://, with the port if it is not 389/636.',
  }),
  username: setting.string({
    example: 'cn=read-only-admin,dc=example,dc=com',
    description: 'Bind DN (or user@domain for Active Directory). Empty or "anonymous" binds anonymously.',
  }),
  password: setting.secret({ description: 'Password of the bind DN.' }),
  base_dn: setting.string({
    example: 'dc=example,dc=com',
    description: 'Where to search when neither groups_dn nor group_dn is set.',
  }),
  group_dn: setting.string({
    description: 'Legacy: read the members of this one group instead of searching base_dn (groups_dn wins).',
  }),
  groups_dn: setting.json<unknown>({
    default: [],
    example: '[]',
    description: 'JSON list of group DNs whose members are read; takes priority over group_dn and base_dn.',
  }),
  group_members_attr: setting.string({
    default: 'member',
    description: 'Attribute of a group that lists its members (member, uniqueMember, memberUid, ...).',
  }),
  group_member_filter: setting.string({
    description:
      'Optional filter used to find each group member under base_dn; "{}" is replaced by the member value, ' +
      'e.g. (uid={}) for memberUid groups. Empty: each member is read by its DN.',
  }),
  protocol_version: setting.string({
    default: '3',
    description: 'LDAP protocol version. Only 3 is supported (version 2 was retired by RFC 3494).',
  }),
  filter: setting.string({
    default: '(objectClass=*)',
    description: 'LDAP filter for the records to read, e.g. (&(objectClass=person)(mail=*)).',
  }),
  page_criterium: setting.string({
    description: 'Accepted for compatibility; has no effect (as in the original).',
  }),
  starttls: setting.bool({ default: false, description: 'Upgrade an ldap:// connection with StartTLS before binding.' }),
  page_size: setting.int({
    default: 500,
    min: 1,
    max: 100000,
    description: 'Entries per page (Simple Paged Results); keep it below the server size limit (AD: 1000).',
  }),
  timeout: setting.int({
    default: 30,
    min: 1,
    max: 3600,
    description: 'Seconds to wait for the connection and for each answer of the server.',
  }),
};

export const ldapUserSettings = {
  ...directorySettings,
  default_role: setting.string({ default: '25', description: 'Numeric ID of the role given to imported users.' }),
  default_position: setting.string({ default: 'Employee', description: 'Position given to imported users.' }),
};

export const ldapAssetSettings = {
  ...directorySettings,
  // A common setting too; repeated here because LDAP assets have no server-side mapping to take it from.
  sync_field: setting.list({
    example: '24DCF85294E411E38A52066B556BA4EE',
    description: 'Oomnitza field(s) identifying an asset, comma-separated (required: there is no server mapping).',
  }),
};

export type DirectorySettings = SettingsOf<typeof directorySettings>;
export type LdapUserSettings = SettingsOf<typeof ldapUserSettings>;
export type LdapAssetSettings = SettingsOf<typeof ldapAssetSettings>;
