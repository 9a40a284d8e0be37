/** Settings of `[onelogin]`, in the original's order and with its defaults. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { rateLimitSettings } from '../../http/index.js';
import { userDefaultsSettings } from '../userSettings.js';

export const API1_USERS_URL = 'https://api.us.onelogin.com/api/1/users';

export const oneLoginSettings = {
  url: setting.url({
    default: API1_USERS_URL,
    description: 'Your OneLogin host, as the original\'s users URL: https://<subdomain>.onelogin.com/api/1/users (or api.us/api.eu.onelogin.com); users are read through API v2 on that host, which also issues the token. Legacy api_token: https://app.onelogin.com/api/v2/users.xml.',
  }),
  client_id: setting.string({ description: 'Client ID of a OneLogin API credential with the "Read users" scope.' }),
  client_secret: setting.secret({ description: 'Client secret of that API credential.' }),
  ...userDefaultsSettings({ required: true }),
  api_token: setting.secret({ description: 'LEGACY: API key of the old XML API, used only when client_id/client_secret are empty.' }),
  ...rateLimitSettings,
};

export type OneLoginSettings = SettingsOf<typeof oneLoginSettings>;
