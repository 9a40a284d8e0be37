/** The original's default mappings for Okta users (its FieldMappings; README "Okta Configuration"). */
import type { FieldMappings } from '../../records.js';

export const OKTA_DEFAULT_MAPPINGS: Readonly<FieldMappings> = {
  USER: { source: 'profile.login' },
  FIRST_NAME: { source: 'profile.firstName' },
  LAST_NAME: { source: 'profile.lastName' },
  EMAIL: { source: 'profile.email' },
  PHONE: { source: 'profile.mobilePhone' },
  PERMISSIONS_ID: { setting: 'default_role' },
};
