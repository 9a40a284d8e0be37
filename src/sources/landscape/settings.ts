/** Settings of `[landscape]` (no original: names as proposed in reference/sources.md §32). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const LANDSCAPE_SAAS = 'https://landscape.canonical.com';

export const landscapeSettings = {
  ...baseUrlSetting({
    default: LANDSCAPE_SAAS,
    origin: true,
    description: `Scheme and host of Landscape: ${LANDSCAPE_SAAS} (SaaS, the default) or a self-hosted server.`,
  }),
  email: setting.string({ description: 'Landscape login (REST API, Landscape 24.04 and later): the account\'s email address.' }),
  password: setting.secret({ description: 'Password of that login (REST API).' }),
  account: setting.string({ description: 'Landscape account to log in to when the login has several (REST API); empty: its default account.' }),
  access_key: setting.string({ description: 'API access key (legacy API, HMAC-signed requests): Settings > API access in Landscape.' }),
  secret_key: setting.secret({ description: 'API secret key belonging to access_key (legacy API).' }),
  query: setting.string({ description: 'Landscape search query selecting the computers, e.g. tag:server OR distribution:jammy; empty: every computer.' }),
  load_packages: setting.bool({ default: true, description: 'Add each computer\'s installed packages as software (one request per computer).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type LandscapeSettings = SettingsOf<typeof landscapeSettings>;
