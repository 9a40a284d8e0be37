/** Settings of `[netbox]`: the original's (url, auth_token, both default ''), then what is new. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { rateLimitSettings } from '../../http/index.js';

export const netboxSettings = {
  // Not required when the config loads (the original's default is ''), so that a disabled [netbox] without a url
  // still loads; create() asks for it.
  url: setting.url({ example: 'https://NETBOX', description: 'URL of NetBox (with its BASE_PATH, if any), without /api.' }),
  auth_token: setting.secret({
    example: '*******',
    description: 'API token: a v1 token (40 hex characters, sent as "Token ...") or a NetBox 4.5 v2 token nbt_<key>.<token> (sent as "Bearer ..."); empty: anonymous (LOGIN_REQUIRED = False).',
  }),
  page_size: setting.int({ default: 500, min: 1, max: 10_000, description: 'Devices per page (limit); NetBox caps it at its MAX_PAGE_SIZE (default 1000).' }),
  ...rateLimitSettings,
};


export type NetboxSettings = SettingsOf<typeof netboxSettings>;
