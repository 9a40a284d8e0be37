/**
 * Settings of `[mobileiron]`: the original's (connectors/mobileiron.py: 2.3.3 and the latest release, whose
 * defaults are kept), then what is new.
 */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

/** Python's strtobool, which the original applies to include_checkin_devices_only (anything else was a ValueError). */
export function parseStrtobool(raw: string): boolean {
  const v = raw.trim().toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(v)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(v)) return false;
  throw new Error(`"${raw}" is neither true nor false (use True to read only devices that checked in recently, False for all)`);
}

/** As the original: "2" is API v2 (MobileIron Core), any other value v1 (Cloud / Ivanti Neurons for MDM). */
export function parseApiVersion(raw: string): 1 | 2 {
  return raw.trim() === '2' ? 2 : 1;
}

export const mobileironSettings = {
  ...baseUrlSetting({
    default: 'https://na1.mobileiron.com',
    description: 'MobileIron Cloud (Ivanti Neurons for MDM) tenant host, or the MobileIron Core server with api_version = 2.',
  }),
  username: setting.string({ example: 'username@example.com', description: 'API account (Basic auth); Cloud: an admin with the Device Read Only role; Core: an API user.' }),
  password: setting.secret({ example: 'change-me', description: 'Password of that account.' }),
  partitions: setting.string({
    default: '["Drivers"]',
    example: '["Drivers"]',
    description: 'API v1: device partitions to read, as the original matched them: "All", or text in which each wanted partition name appears (e.g. ["Drivers", "Sales"]).',
  }),
  api_version: { ...setting.string({ example: '1', description: '1: MobileIron Cloud / Ivanti Neurons for MDM (API v1); 2: MobileIron Core (API v2).' }), default: 1, parse: parseApiVersion } as Setting<1 | 2>,
  include_checkin_devices_only: {
    ...setting.bool({ default: true, example: 'True', description: 'API v1: read only devices that checked in within last_checkin_date_threshold seconds.' }),
    parse: parseStrtobool,
  } as Setting<boolean>,
  last_checkin_date_threshold: setting.int({
    default: 129600,
    example: '129600',
    min: 0,
    max: 100 * 365 * 86400,
    description: 'API v1: seconds since the last check-in beyond which a device is left out (129600 = 1.5 days).',
  }),
  authorization_settings: {
    ...setting.json<Record<string, unknown>>({
      default: {},
      example: '{}',
      description: 'The original\'s managed mode: a JSON object whose Authorization value is sent instead of username/password.',
    }),
    secret: true,
  },
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type MobileironSettings = SettingsOf<typeof mobileironSettings>;
