/** Settings of `[dnac_network_devices]`, named and defaulted as in the original (dnac_network_devices.py, 2024.11.1). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, basicCredentialSettings, rateLimitSettings } from '../../http/index.js';

export const dnacSettings = {
  ...basicCredentialSettings({ what: 'the Catalyst Center user (HTTP Basic on the token request)' }),
  ...baseUrlSetting({ name: 'base_url', example: 'https://dnac.example.com', description: 'URL of Cisco Catalyst Center (DNA Center), without /dna/...' }),
  authorization_settings: {
    ...setting.json<Record<string, unknown>>({
      default: {},
      example: '{}',
      description: 'Used only without username/password: a JSON object whose Authorization value is sent as it is on the token request.',
    }),
    secret: true,
  },
  ...rateLimitSettings,
};

export type DnacSettings = SettingsOf<typeof dnacSettings>;
