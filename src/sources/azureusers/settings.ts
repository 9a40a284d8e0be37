/**
 * Settings of `[azureusers]`: the original's five (tenant_id, client_id and secret default to empty there; create()
 * refuses them empty), plus the Microsoft Graph host, the login host and the page size.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/settings.js';
import { userDefaultsSettings } from '../userSettings.js';

export const GRAPH_HOST = 'https://graph.microsoft.com';

/**
 * The Microsoft Graph host of each national cloud, with its login host and the scope its tokens are asked for
 * (https://learn.microsoft.com/graph/deployments). Any other `url` (a proxy, a test server) fronts the global service.
 */
export const CLOUDS: Readonly<Record<string, { login: string; scope: string }>> = {
  'https://graph.microsoft.com': { login: 'https://login.microsoftonline.com', scope: 'https://graph.microsoft.com/.default' },
  'https://graph.microsoft.us': { login: 'https://login.microsoftonline.us', scope: 'https://graph.microsoft.us/.default' },
  'https://dod-graph.microsoft.us': { login: 'https://login.microsoftonline.us', scope: 'https://dod-graph.microsoft.us/.default' },
  'https://microsoftgraph.chinacloudapi.cn': { login: 'https://login.chinacloudapi.cn', scope: 'https://microsoftgraph.chinacloudapi.cn/.default' },
};

/** The cloud a Graph host belongs to; any other host (a proxy, a test server) fronts the global service. */
export function cloudOf(graphUrl: string): { login: string; scope: string } {
  return CLOUDS[graphUrl] ?? CLOUDS[GRAPH_HOST];
}

export const azureUsersSettings = {
  tenant_id: setting.string({
    example: '00000000-0000-0000-0000-000000000000',
    description: 'Directory (tenant) ID of your Microsoft Entra tenant, or its domain (contoso.onmicrosoft.com).',
  }),
  client_id: setting.string({
    example: '00000000-0000-0000-0000-000000000000',
    description: 'Application (client) ID of the app registration that reads the users.',
  }),
  secret: setting.secret({ description: "A client secret of that app registration (its Value, not its Secret ID)." }),
  ...userDefaultsSettings({ required: true }),
  ...baseUrlSetting({ default: GRAPH_HOST, origin: true }),
  // A URL setting without a default: empty means "the login host of url's cloud".
  token_url: setting.url({
    description: 'Login host (https://login.microsoftonline.com) or the whole v2.0 token endpoint; default: the login host of url\'s cloud.',
  }),
  page_size: setting.int({ default: 999, min: 1, max: 999, description: 'Users per Microsoft Graph page ($top, at most 999).' }),
  ...rateLimitSettings,
};

export type AzureUsersSettings = SettingsOf<typeof azureUsersSettings>;
