/**
 * The settings every Microsoft Graph source shares: the app registration (tenant, client id, a client secret or a
 * certificate) and the Graph host with its login host. Spread them into a source's schema; the names of the
 * original's `[azureusers]` (`secret`) and of the new sources (`client_secret`) are both served.
 */
import { setting, type Setting } from '../../config/settings.js';
import { baseUrlSetting } from '../../http/settings.js';
import { GRAPH_HOST } from './clouds.js';

const GUID_EXAMPLE = '00000000-0000-0000-0000-000000000000';

export interface AppSettingsOptions<K extends string> {
  /** The setting that holds the client secret: `secret` in [azureusers] (the original's name), else `client_secret`. */
  secret: K;
  /** What the app reads, for the client_id description: "the users". */
  reads: string;
  /** Whether tenant_id and client_id are required when the config loads (the original [azureusers] declared them with empty defaults). */
  required?: boolean;
}

export type AppSettings<K extends string> = { tenant_id: Setting<string>; client_id: Setting<string> } & Record<K, Setting<string>>;

/** `tenant_id`, `client_id` and the client secret of the app registration. */
export function graphAppSettings<K extends string>(o: AppSettingsOptions<K>): AppSettings<K> {
  return {
    tenant_id: setting.string({
      required: o.required,
      example: GUID_EXAMPLE,
      description: 'Directory (tenant) ID of your Microsoft Entra tenant, or its domain (contoso.onmicrosoft.com).',
    }),
    client_id: setting.string({
      required: o.required,
      example: GUID_EXAMPLE,
      description: `Application (client) ID of the app registration that reads ${o.reads}.`,
    }),
    [o.secret]: setting.secret({ description: 'A client secret of that app registration (its Value, not its Secret ID).' }),
  } as AppSettings<K>;
}

/** A certificate instead of a client secret (Microsoft's recommendation for apps: https://learn.microsoft.com/entra/identity-platform/certificate-credentials). */
export const graphCertificateSettings = {
  certificate_file: setting.path({
    mustExist: 'file',
    description: 'PEM file with the certificate uploaded to the app registration (and its private key, unless certificate_key holds it); instead of client_secret.',
  }),
  certificate_key: setting.secret({
    description: 'The certificate\'s RSA private key (PEM), when it is not in certificate_file (e.g. kept in a vault: vault_keys = certificate_key).',
  }),
};

/** `url` (the Graph host: national clouds, proxies, tests) and `token_url` (the login host, when it is not the cloud's own). */
export function graphHostSettings() {
  return {
    ...baseUrlSetting({ default: GRAPH_HOST, origin: true }),
    // A URL setting without a default: empty means "the login host of url's cloud".
    token_url: setting.url({
      description: 'Login host (https://login.microsoftonline.com) or the whole v2.0 token endpoint; default: the login host of url\'s cloud.',
    }),
  };
}
