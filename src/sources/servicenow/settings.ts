/**
 * Settings the ServiceNow sources share ([servicenow], [servicenow_cmdb]): the instance, the original's Basic
 * credentials, an OAuth client as the alternative (new), the page size, concurrency and rate-limit bounds.
 */
import { setting } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

/** The original's page size (its paginator's `sysparm_limit=100`). */
export const DEFAULT_PAGE_SIZE = 100;

/** `url`, `username`, `password` with the original's example values (which generate-ini prints), then OAuth. */
export function serviceNowCredentialSettings(opts: { examples?: boolean } = {}) {
  const example = (value: string) => (opts.examples ? value : undefined);
  return {
    ...baseUrlSetting({ example: 'https://xxx.service-now.com', description: 'The ServiceNow instance, e.g. https://acme.service-now.com.' }),
    username: setting.string({ example: example('***'), description: 'User of the Table API (HTTP Basic; with client_id, the user of the OAuth password grant).' }),
    password: setting.secret({ example: example('***'), description: 'Password of that user.' }),
    client_id: setting.string({ description: 'Client ID of an OAuth API endpoint (System OAuth > Application Registry); instead of Basic auth.' }),
    client_secret: setting.secret({ description: 'Client secret of that OAuth endpoint.' }),
    token_url: setting.url({ description: 'Token endpoint; default {url}/oauth_token.do.' }),
  };
}

export const serviceNowPagingSettings = {
  page_size: setting.int({ default: DEFAULT_PAGE_SIZE, min: 1, max: 10_000, description: 'Rows per Table API page (sysparm_limit).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};
