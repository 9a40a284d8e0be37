/**
 * Settings of `[azureusers]`: the original's five (tenant_id, client_id and secret default to empty there; create()
 * refuses them empty), plus the Microsoft Graph host, the login host and the page size. The app and host settings
 * are the ones every Graph source shares (../msgraph/settings.ts), under the original's name `secret`.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { rateLimitSettings } from '../../http/settings.js';
import { graphAppSettings, graphHostSettings } from '../msgraph/index.js';
import { userDefaultsSettings } from '../userSettings.js';

export { CLOUDS, GRAPH_HOST, cloudOf } from '../msgraph/index.js';

export const azureUsersSettings = {
  ...graphAppSettings({ secret: 'secret', reads: 'the users' }),
  ...userDefaultsSettings({ required: true }),
  ...graphHostSettings(),
  page_size: setting.int({ default: 999, min: 1, max: 999, description: 'Users per Microsoft Graph page ($top, at most 999).' }),
  ...rateLimitSettings,
};

export type AzureUsersSettings = SettingsOf<typeof azureUsersSettings>;
