/** Default field mappings, as listed in the original's README ("LDAP Users Configuration"). */
import type { FieldMappings } from '../../records.js';

export const userMappings: FieldMappings = {
  USER: { source: 'uid', required: true, converter: 'ldap_user_field' },
  FIRST_NAME: { source: 'givenName' },
  LAST_NAME: { source: 'sn' },
  EMAIL: { source: 'mail', required: true },
  PERMISSIONS_ID: { setting: 'default_role' },
};

/** LDAP assets have no default mappings: the admin maps every field in the INI. */
export const assetMappings: FieldMappings = {};

/**
 * Attributes the users source always requests: `ldap_user_field` falls back to sAMAccountName when uid
 * is empty (Active Directory has no uid), so it must be in the record even if no mapping names it.
 */
export const USER_EXTRA_ATTRIBUTES = ['sAMAccountName'];
