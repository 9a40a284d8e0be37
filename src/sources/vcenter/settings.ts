/** Settings of `[vcenter]`: the original's (url, username, password, use_legacy_apis), then the kit's bounds. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const vcenterSettings = {
  ...baseUrlSetting({
    // The original's default: a placeholder that must be replaced, kept so an original config loads unchanged.
    default: 'https://api_host',
    description: 'Scheme and host of the vCenter Server (e.g. https://vcenter.example.com); /rest or /api is added.',
  }),
  username: setting.string({ required: true, example: 'administrator@vsphere.local', description: 'vCenter (SSO) user name, e.g. administrator@vsphere.local.' }),
  password: setting.secret({ required: true, example: 'change-me', description: 'Password of that user.' }),
  use_legacy_apis: setting.bool({
    default: true,
    description: 'True: the /rest API (vCenter 6.5 to 7.0U1; still served by 7.0U2 and 8.0). False: the /api API (vCenter 7.0U2 and later).',
  }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type VcenterSettings = SettingsOf<typeof vcenterSettings>;
