/** Settings of `[awx]` (no original: names as proposed in reference/sources.md §33). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, basicCredentialSettings, concurrencySettings, rateLimitSettings } from '../../http/index.js';

/** AWX and Tower serve /api/v2; AAP 2.5+ serves the controller behind the platform gateway at /api/controller/v2. */
export const API_PREFIXES = ['/api/v2', '/api/controller/v2'] as const;

export const awxSettings = {
  ...baseUrlSetting({ example: 'https://awx.example.com', description: 'URL of AWX, Ansible Tower or the AAP platform gateway (without /api/...).' }),
  token: setting.secret({ description: 'Personal access token (sent as Authorization: Bearer); preferred over username/password.' }),
  ...basicCredentialSettings({ what: 'the AWX user (HTTP Basic, when no token is set)' }),
  api_prefix: setting.string({
    default: '/api/v2',
    description: 'API root: /api/v2 for AWX and Tower, /api/controller/v2 for AAP 2.5 and later.',
    check: (value) => {
      if (!/^\/[\w./-]*$/.test(value.trim())) throw new Error(`"${value}" is not an API path such as ${API_PREFIXES.join(' or ')}`);
    },
  }),
  inventory_id: setting.int({ default: 0, min: 0, max: 2 ** 31 - 1, description: 'Read only the hosts of this inventory (its numeric id); 0 or empty: every host the account can see.' }),
  load_facts: setting.bool({ default: false, description: 'Also read each host\'s cached Ansible facts (one request per host) into ansible_facts.' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type AwxSettings = SettingsOf<typeof awxSettings>;
