/**
 * Settings of `[abm]` (new: the original had no Apple Business Manager source), as proposed in sources.md section
 * 34: the API account (client_id, key_id, its private key) and the scope, then the optional detail calls.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { APPLE_TOKEN_URL, concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const BUSINESS_API = 'https://api-business.apple.com';
export const SCHOOL_API = 'https://api-school.apple.com';

export const abmSettings = {
  client_id: setting.string({
    required: true,
    example: 'BUSINESSAPI.9703f56c-10ce-4876-8f59-e78e5e23a152',
    description: 'Client ID of the API account (Apple Business Manager > Preferences > API: "Client ID").',
  }),
  key_id: setting.string({ required: true, example: 'd136aa66-0c3b-4bd4-9892-c20e8db024ab', description: 'Key ID shown next to that API account.' }),
  private_key: setting.secret({ description: 'The P-256 private key downloaded for the API account (PEM; line breaks may be written as \\n). Or private_key_file.' }),
  private_key_file: setting.path({ mustExist: 'file', description: 'The downloaded .pem file of the private key, instead of private_key.' }),
  scope: setting.choice(['business.api', 'school.api'] as const, { description: 'business.api (Apple Business Manager) or school.api (Apple School Manager).' }),
  url: setting.url({ origin: true, description: `Scheme and host of the API; default ${BUSINESS_API}, or ${SCHOOL_API} with scope = school.api.` }),
  token_url: setting.url({
    default: APPLE_TOKEN_URL,
    description: `Token endpoint (default ${APPLE_TOKEN_URL}); the assertion's audience stays Apple's, so a proxy may take the request.`,
  }),
  assigned_server: setting.bool({ default: false, description: 'True also reads each device\'s assigned MDM server as `assignedServer` (one more call per device).' }),
  applecare: setting.bool({ default: false, description: 'True also reads each device\'s AppleCare coverage as `appleCareCoverage` (one more call per device; API 1.5+).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type AbmSettings = SettingsOf<typeof abmSettings>;
