/** Settings of `[meraki_network_devices]`, named and defaulted as in the original (meraki_network_devices.py, 2.3.4+). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

/** The original hard-codes this host; regional clouds (api.meraki.cn, api.gov-meraki.com, ...) set `url`. */
export const MERAKI_HOST = 'https://api.meraki.com';

export const merakiNetworkDevicesSettings = {
  meraki_api_key: setting.secret({ description: 'Meraki Dashboard API key (sent as X-Cisco-Meraki-API-Key); Organization > Settings > Dashboard API access.' }),
  org_id: setting.string({ description: 'Meraki organization id; empty: every organization the API key can access.' }),
  authorization_settings: {
    ...setting.json<Record<string, unknown>>({
      default: {},
      example: '{}',
      description: 'The original\'s managed mode: a JSON object whose X-Cisco-Meraki-API-Key value is sent instead of meraki_api_key.',
    }),
    secret: true,
  },
  ...baseUrlSetting({ default: MERAKI_HOST, origin: true }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type MerakiNetworkDevicesSettings = SettingsOf<typeof merakiNetworkDevicesSettings>;
