/** Settings of `[kace]`: the original's names and defaults (reference/sources.md §14). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

export const kaceSettings = {
  ...baseUrlSetting({ example: 'https://KACE_SMA', description: 'URL of the KACE Systems Management Appliance.' }),
  username: setting.string({ example: '***', description: 'KACE SMA user name (an administrator who may read the inventory).' }),
  password: setting.secret({ example: '***', description: 'Password of that user.' }),
  organization_name: setting.string({ default: 'Default', description: 'Organization to log in to (multi-organization appliances).' }),
  api_version: setting.string({
    default: '8',
    description: 'KACE SMA API version, sent as x-kace-api-version (and the older x-dell-api-version) on every request.',
    check: (v) => {
      if (!/^\d+(\.\d+)?$/.test(v.trim())) throw new Error(`"${v}" is not an API version number (e.g. 8, 13)`);
    },
  }),
  ...rateLimitSettings,
};

export type KaceSettings = SettingsOf<typeof kaceSettings>;
