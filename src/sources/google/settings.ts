/**
 * Settings every Google source shares: the service account's key (the original's `service_account_json_key`, or a
 * key file), the user it acts as for the Admin SDK (`service_account_impersonate`), the API host and token endpoint
 * overrides, and the bounds of rate-limit waits. Names and defaults of the first two are the original's
 * (connectors/chromebooks.py, google_mobile_devices.py, 2.3.3).
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

/** The original's default key: "no key pasted yet". */
export const NO_KEY = '{}';

export const serviceAccountKeySettings = {
  service_account_json_key: setting.secret({
    default: NO_KEY,
    example: NO_KEY,
    description: "The service account's JSON key file, its whole content on one line (or set service_account_key_file instead).",
  }),
  service_account_key_file: setting.path({
    mustExist: 'file',
    description: "Path of the service account's JSON key file as downloaded, instead of service_account_json_key.",
  }),
};

export const impersonateSetting = {
  service_account_impersonate: setting.string({
    example: 'username@example.com',
    description: 'E-mail of the Google Workspace administrator the service account acts as (domain-wide delegation).',
  }),
};

/** `url` (the API's scheme and host), `token_url` and `rate_limit_max_wait`. */
export function googleEndpointSettings(host: string) {
  return {
    ...baseUrlSetting({ default: host, origin: true }),
    token_url: setting.url({
      description: "Token endpoint the signed assertion is sent to; default the key file's token_uri (https://oauth2.googleapis.com/token). For a proxy or tests.",
    }),
    ...rateLimitSettings,
  };
}

export type ServiceAccountKeySettings = SettingsOf<typeof serviceAccountKeySettings>;
