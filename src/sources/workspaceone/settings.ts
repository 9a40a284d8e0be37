/**
 * The credential settings of the Workspace ONE UEM sources ([airwatch], [workspaceone_devicesoftware]): the
 * classic Basic login with the tenant code, and an OAuth client of the UEM token service. Each source spreads
 * both groups; which one a section uses is decided by credentialsOf() (auth.ts).
 */
import { setting, type Setting } from '../../config/settings.js';

/** The regions of the Workspace ONE token service (SaaS only), as the original's `region` names them. */
export const REGIONS = ['na', 'emea', 'apac', 'uat'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * The regional token endpoint. Omnissa moved it from the VMware-era `*.uemauth.vmwservices.com` (which the original
 * calls) to `*.uemauth.workspaceone.com`: https://docs.omnissa.com/WorkspaceONE-UEM-Console-Basics-VSaaS/UsingUEMFunctionalityWithRESTAPI
 * (Datacenter and Token URLs for OAuth 2.0 Support). `token_url` overrides it.
 */
export function tokenUrlFor(region: Region): string {
  return `https://${region}.uemauth.workspaceone.com/connect/token`;
}

/** `na`, `NA `, ... -> na; the original README's "emer" gets a hint; empty stays empty (Basic auth, or token_url). */
export function parseRegion(raw: string): string {
  const v = raw.trim().toLowerCase();
  if (v === '' || (REGIONS as readonly string[]).includes(v)) return v;
  const hint = v === 'emer' ? ' (the original\'s README says "emer"; the region is emea)' : '';
  throw new Error(`"${raw}" is not a Workspace ONE token region: use one of ${REGIONS.join(', ')}${hint}, or set token_url`);
}

/**
 * `username`, `password`, `api_token`: the classic REST API login, with the names of the original's [airwatch]
 * (and, with `examples`, its example values, which generate-ini prints).
 */
export function uemBasicSettings(opts: { examples?: boolean } = {}) {
  const example = (value: string) => (opts.examples ? value : undefined);
  return {
    username: setting.string({
      example: example('username@example.com'),
      description: 'Workspace ONE UEM admin account for the REST API (a Basic account created in UEM, with API access), when no OAuth client is configured.',
    }),
    password: setting.secret({ example: example('change-me'), description: 'Password of that admin account.' }),
    api_token: setting.secret({
      example: example('YOUR AirWatch API TOKEN'),
      description: 'REST API key of the organization group (Groups & Settings > All Settings > System > Advanced > API > REST API), sent as aw-tenant-code.',
    }),
  };
}

/** `client_id`, `client_secret`, `region`, `token_url`: an OAuth client of the UEM token service. */
export const uemOAuthSettings = {
  client_id: setting.string({ description: 'Client ID of a Workspace ONE UEM OAuth client (Groups & Settings > Configurations > OAuth Client Management).' }),
  client_secret: setting.secret({ description: 'Client secret of that OAuth client.' }),
  region: { ...setting.string({ description: `Region of the token service: ${REGIONS.join(', ')} (the data center of your UEM environment).` }), parse: parseRegion } as Setting<string>,
  token_url: setting.url({ description: 'Token endpoint of the OAuth client; default https://{region}.uemauth.workspaceone.com/connect/token.' }),
};
