/**
 * Settings of `[entra_groups]` (no original: the names follow the other Graph sources): the app registration,
 * the Graph host, which members become records (users or devices), which groups (a filter), nested groups, and the
 * defaults of user records.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { concurrencySettings, rateLimitSettings } from '../../http/settings.js';
import { graphAppSettings, graphCertificateSettings, graphHostSettings } from '../msgraph/index.js';

export const MEMBER_TYPES = ['users', 'devices'] as const;
export type MemberType = (typeof MEMBER_TYPES)[number];

export const entraGroupsSettings = {
  ...graphAppSettings({ secret: 'client_secret', reads: 'the groups and their members', required: true }),
  ...graphCertificateSettings,
  ...graphHostSettings(),
  member_type: setting.choice(MEMBER_TYPES, {
    default: 'users',
    description: 'Members sent to Oomnitza, each once with the groups it is in: users (as users) or devices (as assets).',
  }),
  filter: setting.string({
    description: "OData $filter choosing the groups, e.g. securityEnabled eq true or startswith(displayName,'Oomnitza-') (default: every group).",
  }),
  transitive: setting.bool({
    default: false,
    description: 'Count members of nested groups as members of the outer group too (transitiveMembers; costs more requests).',
  }),
  // As every user source's, but only member_type = users needs them: create() requires them there.
  default_role: setting.string({
    example: '25',
    description: 'Numeric id of the Oomnitza role given to imported users (sent as PERMISSIONS_ID unless mapped); required with member_type = users.',
  }),
  default_position: setting.string({
    example: 'Employee',
    description: 'Position given to imported users (sent as POSITION unless mapped); required with member_type = users.',
  }),
  page_size: setting.int({ default: 999, min: 1, max: 999, description: 'Groups or members per Microsoft Graph page ($top, at most 999).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type EntraGroupsSettings = SettingsOf<typeof entraGroupsSettings>;
