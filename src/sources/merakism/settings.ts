/** Settings of `[merakism]`: the original's two (connectors/merakism.py, 2.3.3), then what is new. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

export const MERAKI_HOST = 'https://api.meraki.com';

export const merakismSettings = {
  // Declared with default '' as in the original; create() says which is missing.
  meraki_api_key: setting.secret({ description: 'Meraki Dashboard API key (Dashboard > My profile > API access), sent as X-Cisco-Meraki-API-Key.' }),
  network_id: setting.string({ example: 'N_**************', description: 'Id of the Systems Manager network whose devices are read (N_... or L_...).' }),
  // New: the original always called https://dashboard.meraki.com/api/v0 (retired).
  ...baseUrlSetting({
    default: MERAKI_HOST,
    origin: true,
    description: `Scheme and host of the Dashboard API (default ${MERAKI_HOST}; e.g. https://api.meraki.cn for China, https://api.gov-meraki.com for FedRAMP); /api/v1 is added.`,
  }),
  ...rateLimitSettings,
};

export type MerakismSettings = SettingsOf<typeof merakismSettings>;
