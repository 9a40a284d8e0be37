/** Settings of `[casper]` / `[casper.MDM]` (names as in the original's "Jamf Configuration"). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { webhookSettings } from '../webhookSettings.js';

export const SYNC_TYPES = ['computers', 'mobiledevices'] as const;
export type SyncType = (typeof SYNC_TYPES)[number];

export const casperSettings = {
  // A string checked by create() (kit checkBaseUrl), which reports it with file:line before any connection.
  url: setting.string({
    required: true,
    example: 'https://jss.jamfcloud.com/example',
    description: 'URL of the Jamf Pro server (e.g. https://example.jamfcloud.com or https://jss.example.com:8443).',
  }),
  client_id: setting.string({
    description: 'Client ID of a Jamf Pro API client (preferred over username/password; needs read privileges on computers, mobile devices and their groups).',
  }),
  client_secret: setting.secret({ description: 'Client secret of the Jamf Pro API client.' }),
  username: setting.string({
    example: 'username@example.com',
    description: 'Jamf Pro user (an auditor account is enough) when no API client is configured.',
  }),
  password: setting.secret({ example: 'change-me', description: 'Password of that Jamf Pro user.' }),
  sync_type: setting.choice(SYNC_TYPES, {
    default: 'computers',
    description: 'What to read: computers (mapping "Casper") or mobiledevices (mapping "Casper.MDM").',
  }),
  group_name: setting.string({
    description: 'Read only the members of this computer / mobile device group; empty reads every device.',
  }),
  // Used only by `connector serve` (src/server/README.md).
  ...webhookSettings,
};

export type CasperSettings = SettingsOf<typeof casperSettings>;
