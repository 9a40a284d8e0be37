/** Settings of `[simplemdm]`: the original's four (connectors/simplemdm.py, 2.3.3), then what is new. */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, concurrencySettings, rateLimitSettings } from '../../http/index.js';

export const COMPUTERS = 'computers';
export const MOBILE_DEVICES = 'mobiledevices';
export type DeviceType = typeof COMPUTERS | typeof MOBILE_DEVICES;

/** `1, 2,3` -> [1, 2, 3]; empty = every group. Anything but whole numbers is a config error, as in the original. */
export function parseDeviceGroups(raw: string): number[] {
  const parts = raw.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) return [];
  if (!parts.every((p) => /^[+-]?\d+$/.test(p))) {
    throw new Error(`"${raw}": device groups have to be the whole-number ids of groups, separated with commas`);
  }
  return parts.map(Number);
}

/**
 * `computers,mobiledevices` in any case and order. As in the original, unknown words are ignored and a list with no
 * known word means both types (a typo must not silently read nothing).
 */
export function parseDeviceTypes(raw: string): DeviceType[] {
  const words = raw.split(',').map((w) => w.trim().toLowerCase());
  const known = [COMPUTERS, MOBILE_DEVICES].filter((t) => words.includes(t)) as DeviceType[];
  return known.length ? known : [COMPUTERS, MOBILE_DEVICES];
}

/** The original's TrueValues (True, true, 1, Yes, yes, Y, y) turn it on; any other value leaves it off, as there. */
export function parseTrueValue(raw: string): boolean {
  return ['true', '1', 'yes', 'y', 'on'].includes(raw.trim().toLowerCase());
}

export const simplemdmSettings = {
  // Declared with default '' as in the original; create() says it is missing.
  secret_access_key: setting.secret({
    example: '***',
    description: 'SimpleMDM API key (Settings > API); sent as the Basic user name with an empty password.',
  }),
  device_groups: { ...setting.string({ description: 'Ids of the device groups to read, comma-separated; empty = every group.' }), default: [] as number[], parse: parseDeviceGroups } as Setting<number[]>,
  device_types: {
    ...setting.string({ example: `${COMPUTERS},${MOBILE_DEVICES}`, description: `Which devices to read: ${COMPUTERS} (no cellular technology), ${MOBILE_DEVICES}, or both.` }),
    default: [COMPUTERS, MOBILE_DEVICES] as DeviceType[],
    parse: parseDeviceTypes,
  } as Setting<DeviceType[]>,
  custom_attributes: {
    ...setting.bool({ example: '0', description: 'True (1, yes) also reads each device\'s custom attribute values as `custom_attributes` (one more call per device).' }),
    parse: parseTrueValue,
  } as Setting<boolean>,
  // New: the original always called https://a.simplemdm.com.
  ...baseUrlSetting({ default: 'https://a.simplemdm.com', origin: true }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type SimplemdmSettings = SettingsOf<typeof simplemdmSettings>;
