/** Settings of `[chef]`: the original's (url, client, key_file, attribute_extension, node_mappings), then what is new. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

/** `{"__default__" | <platform>: {<key>: <node path>}}`. */
export type PlatformPaths = Record<string, Record<string, string>>;

function checkPlatformPaths(value: PlatformPaths): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object: {"__default__": {"key": "node.path"}}');
  for (const [platform, paths] of Object.entries(value)) {
    if (typeof paths !== 'object' || paths === null || Array.isArray(paths)) throw new Error(`"${platform}" must map keys to node paths: {"key": "node.path"}`);
    for (const [key, path] of Object.entries(paths)) if (typeof path !== 'string') throw new Error(`"${platform}"."${key}" must be a node path (a string)`);
  }
}

export const chefSettings = {
  ...baseUrlSetting({
    example: 'https://example.com/organizations/org',
    description: 'The organization on the Chef Infra Server: https://chef.example.com/organizations/ORG.',
  }),
  client: setting.string({ required: true, example: 'user', description: 'Name of the Chef client (or user) whose key signs the requests.' }),
  key_file: setting.path({ mustExist: 'file', required: true, example: '/path/to/user.pem', description: "Path of that client's private key (PEM)." }),
  attribute_extension: setting.json<PlatformPaths>({
    default: {},
    check: checkPlatformPaths,
    description: 'Extra hardware.* keys per platform: {"__default__": {"kernel": "automatic.kernel.release"}, "windows": {...}}.',
  }),
  node_mappings: setting.json<PlatformPaths>({
    default: {},
    check: checkPlatformPaths,
    description: 'Node paths of serial_number (and model, on other platforms than mac_os_x and windows): {"__default__": {"serial_number": "automatic.dmi.system.serial_number"}}; also "mac_os_x", "windows".',
  }),
  // New: the original signs with protocol 1.0 only (SHA-1); servers in FIPS mode need 1.3 (SHA-256).
  sign_version: setting.choice(['1.0', '1.3'] as const, {
    default: '1.0',
    description: 'Chef request signing protocol: 1.0 (the original\'s) or 1.3 (SHA-256; needed by Chef Infra Servers in FIPS mode).',
  }),
  ...rateLimitSettings,
};

export type ChefSettings = SettingsOf<typeof chefSettings>;
