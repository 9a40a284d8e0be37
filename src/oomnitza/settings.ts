/** The `[oomnitza]` section: where records go and how to authenticate (reference/oomnitza-api.md). */
import { commonSettings, secretBackendSettings } from '../config/commonSettings.js';
import { setting, type SettingsOf } from '../config/settings.js';

export const oomnitzaSettings = {
  url: setting.url({ required: true, description: 'URL of your Oomnitza instance.', example: 'https://example.oomnitza.com' }),
  api_token: setting.secret({ description: 'API token of the Oomnitza service account. If set, username and password are not used.' }),
  username: setting.string({ description: 'Oomnitza service account name (used when api_token is empty).', example: 'oomnitza-sa' }),
  password: setting.secret({ description: 'Password of the service account (used when api_token is empty).' }),
  user_pem_file: setting.path({ mustExist: 'file', description: 'PEM file with a client certificate and its key, for instances with two-factor authentication.' }),
  verify_ssl: commonSettings.verify_ssl,
  cacert_file: commonSettings.cacert_file,
  ssl_protocol: commonSettings.ssl_protocol,
  vault_backend: commonSettings.vault_backend,
  vault_keys: commonSettings.vault_keys,
  vault_alias: commonSettings.vault_alias,
  ...secretBackendSettings(),
};

export type OomnitzaSettings = SettingsOf<typeof oomnitzaSettings>;
