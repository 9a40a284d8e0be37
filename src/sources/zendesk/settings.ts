/** Settings of `[zendesk]`, in the original's order, plus the `url` override of the vendor's host. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { apiTokenSetting, rateLimitSettings } from '../../http/index.js';
import { userDefaultsSettings } from '../userSettings.js';

export const zendeskSettings = {
  system_name: setting.string({ required: true, example: 'oomnitza', description: 'Zendesk subdomain: "acme" for https://acme.zendesk.com.' }),
  ...apiTokenSetting({ description: 'Zendesk API token (Admin Center > Apps and integrations > Zendesk API).' }),
  username: setting.string({ required: true, example: 'username@example.com', description: 'Email address of the agent or admin the API token acts for.' }),
  ...userDefaultsSettings({ required: true }),
  load_organizations: setting.bool({ default: false, description: 'Also load the organizations and add each user\'s as `organization` (mappings such as organization.name).' }),
  url: setting.url({
    origin: true,
    description: 'Scheme and host replacing https://{system_name}.zendesk.com, for a proxy or tests; empty: Zendesk\'s host.',
  }),
  ...rateLimitSettings,
};

export type ZendeskSettings = SettingsOf<typeof zendeskSettings>;
