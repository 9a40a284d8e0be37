/**
 * Settings of `[workspaceone_devicesoftware]`: the original's seven (client_id, client_secret, url, region,
 * apps_scope, ignore_apple, default_versioning) in its order, then what is new (token_url, Basic auth, limits).
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';
import { uemBasicSettings, uemOAuthSettings } from '../workspaceone/index.js';

export const APPS_SCOPES = ['all', 'managed', 'installed'] as const;
export type AppsScope = (typeof APPS_SCOPES)[number];

const { client_id, client_secret, region, token_url } = uemOAuthSettings;

export const workspaceOneSoftwareSettings = {
  client_id,
  client_secret,
  ...baseUrlSetting({
    example: 'https://as1234.awmdm.com',
    description: 'REST API server of your Workspace ONE UEM environment, https:// up to the top-level domain (SaaS: https://asNNNN.awmdm.com).',
  }),
  region,
  apps_scope: setting.choice(APPS_SCOPES, {
    default: 'all',
    description: 'Software to attach: managed (the app catalogue, per app its devices), installed (per device its apps) or all (both, one list).',
  }),
  ignore_apple: setting.bool({ default: false, description: 'Leave out apps whose bundle id contains "com.apple.".' }),
  default_versioning: setting.bool({ default: false, description: 'Send apps without a version as version "0.0" (False: their version stays empty).' }),
  token_url,
  // New: Basic auth for on-premise UEM, which has no token service.
  ...uemBasicSettings(),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type WorkspaceOneSoftwareSettings = SettingsOf<typeof workspaceOneSoftwareSettings>;
