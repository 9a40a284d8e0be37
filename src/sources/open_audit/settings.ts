/** Settings of `[open_audit]`: the original's (url, username, password), then the kit's bounds. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const openAuditSettings = {
  ...baseUrlSetting({
    example: 'http://XXX.XXX.XXX.XXX',
    description: 'Scheme and host of the Open-AudIT server (e.g. http://192.168.1.10); /open-audit/index.php is added.',
  }),
  username: setting.string({ required: true, example: '', description: 'Open-AudIT user name.' }),
  password: setting.secret({ description: 'Password of that user.' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type OpenAuditSettings = SettingsOf<typeof openAuditSettings>;
