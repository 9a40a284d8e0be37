/** Settings of `[okta]`, named and defaulted as in the original (connectors/okta.py, 2.3.3). */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { apiTokenSetting, baseUrlSetting, rateLimitSettings } from '../../http/index.js';
import { userDefaultsSettings } from '../userSettings.js';

/**
 * The original runs the second pass when the value is one of its TrueValues (True, true, 1, Yes, yes, Y, y) and
 * silently skips it for anything else. Here the same words in any case turn it on, their FalseValues counterparts
 * turn it off, and a value that is neither is a config error rather than a quiet "no" (a typo must not drop users).
 */
const ON = new Set(['true', 'yes', 'y', '1', 'on']);
const OFF = new Set(['false', 'no', 'n', '0', 'off']);

export function parseDeprovisioned(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (ON.has(v)) return true;
  if (OFF.has(v)) return false;
  throw new Error(`"${raw}" is neither true nor false (use true to also read DEPROVISIONED users, false to leave them out)`);
}

const deprovisioned: Setting<boolean> = {
  ...setting.bool({
    default: false,
    example: 'false',
    description: 'True also reads the users whose status is DEPROVISIONED (Okta leaves them out of the user list), in a second pass.',
  }),
  parse: parseDeprovisioned,
};

export const oktaSettings = {
  ...baseUrlSetting({
    // The original's default; a real section always names its own org.
    default: 'https://example-admin.okta.com',
    description: 'Your Okta org URL, e.g. https://example.okta.com (requests go to {url}/api/v1/users).',
  }),
  ...apiTokenSetting({ description: 'Okta API token (Admin Console > Security > API > Tokens); sent as "Authorization: SSWS <token>".' }),
  ...userDefaultsSettings({ required: true }),
  deprovisioned,
  ...rateLimitSettings,
};

export type OktaSettings = SettingsOf<typeof oktaSettings>;
