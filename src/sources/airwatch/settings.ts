/** Settings of `[airwatch]`: the original's (url, username, password, api_token, dep_uuid), then what is new. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';
import { uemBasicSettings, uemOAuthSettings } from '../workspaceone/index.js';

export const airwatchSettings = {
  ...baseUrlSetting({
    default: 'https://apidev.awmdm.com',
    description: 'REST API server of your Workspace ONE UEM environment (SaaS: https://asNNNN.awmdm.com, not the console cnNNNN).',
  }),
  ...uemBasicSettings({ examples: true }),
  dep_uuid: setting.string({
    description: 'UUID of an Apple DEP group (UEM 9.2 or later): each device whose serial number it lists gets that entry as `dep`.',
  }),
  // New: an OAuth client instead of username/password (the token service is SaaS only).
  ...uemOAuthSettings,
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type AirwatchSettings = SettingsOf<typeof airwatchSettings>;
