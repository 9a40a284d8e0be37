/** Settings of `[bamboohr]`, named and defaulted as in the original (connectors/bamboohr.py, 2.3.3). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { apiTokenSetting, baseUrlSetting, rateLimitSettings } from '../../http/index.js';
import { userDefaultsSettings } from '../userSettings.js';

export const bamboohrSettings = {
  ...baseUrlSetting({
    default: 'https://api.bamboohr.com/api/gateway.php',
    description: 'BambooHR API gateway; requests go to {url}/{system_name}/v1/... Change it only for a proxy or tests.',
  }),
  system_name: setting.string({
    required: true,
    example: 'YOUR BambooHR SYSTEM NAME',
    description: 'Your company\'s BambooHR subdomain: "acme" for https://acme.bamboohr.com.',
  }),
  ...apiTokenSetting({ description: 'BambooHR API key (your user menu > API Keys); sent as the Basic auth user name with the password "x".' }),
  ...userDefaultsSettings({ required: true }),
  ...rateLimitSettings,
};

export type BambooHRSettings = SettingsOf<typeof bamboohrSettings>;
