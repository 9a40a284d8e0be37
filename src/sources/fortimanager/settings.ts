/** Settings of `[fortimanager]`, named and defaulted as in the original (fortimanager.py, 2026.05.1). */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

/** A JSON list of device field names, as the original reads filter_fields (`["name", "sn", "oid"]`). */
function fieldList(): Setting<string[]> {
  return {
    ...setting.json<string[]>({ default: [], description: 'Device fields to read, as a JSON list (e.g. ["name", "sn", "oid"]); empty: every field.' }),
    parse(raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new Error(`"${raw}" is not a JSON list (write it as ["name", "sn", "oid"])`);
      }
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw new Error(`"${raw}" is not a JSON list of field names (write it as ["name", "sn", "oid"])`);
      return value as string[];
    },
  };
}

export const fortimanagerSettings = {
  ...baseUrlSetting({ example: 'https://fmg.example.com/jsonrpc', description: 'JSON-RPC URL of FortiManager; /jsonrpc is added when the URL does not contain it.' }),
  user: setting.string({ description: 'FortiManager administrator with JSON API access (rpc-permit read or read-write).' }),
  password: setting.secret({ description: 'Password of that administrator.' }),
  filter_fields: fieldList(),
  ...rateLimitSettings,
};

export type FortimanagerSettings = SettingsOf<typeof fortimanagerSettings>;
