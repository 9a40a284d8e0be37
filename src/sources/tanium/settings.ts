/** Settings of `[tanium]`: the original's names and defaults (reference/sources.md §22). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

export const taniumSettings = {
  ...baseUrlSetting({ example: 'https://TANIUM_SERVER', description: 'URL of the Tanium server (on-premises) or of your Tanium Cloud instance\'s API host.' }),
  username: setting.string({ example: '***', description: 'Tanium login (REST session login; on-premises only). The account needs the Asset Report Read permission.' }),
  password: setting.secret({ example: '***', description: 'Password of that login.' }),
  session_token: setting.secret({ description: 'A Tanium API token (token-...), sent as it is in the session header instead of logging in; Tanium recommends API tokens for integrations.' }),
  domain: setting.string({ description: 'Domain of the login; optional.' }),
  view: setting.string({ description: 'Numeric id of an Asset view limiting the attributes read; empty: every attribute. Attributes outside the view arrive empty.' }),
  ...rateLimitSettings,
};

export type TaniumSettings = SettingsOf<typeof taniumSettings>;
