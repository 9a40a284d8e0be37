/** Settings of `[dell_asset_order_status]`, named and defaulted as in the original (2026.08.1). */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, oauth2ClientSettings, rateLimitSettings } from '../../http/index.js';

export const DELL_HOST = 'https://apigtwb2c.us.dell.com';

function stringList(what: string, example: string): Setting<string[]> {
  return {
    ...setting.json<string[]>({ default: [], example, description: what }),
    parse(raw) {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new Error(`"${raw}" is not a JSON list (write it as ["A1", "B2"])`);
      }
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' && typeof v !== 'number')) {
        throw new Error(`"${raw}" is not a JSON list of strings (write it as ["A1", "B2"])`);
      }
      return value.map(String);
    },
  };
}

export const dellSettings = {
  ...baseUrlSetting({ default: DELL_HOST, origin: true }),
  ...oauth2ClientSettings({ tokenUrl: `${DELL_HOST}/auth/oauth/v2/token` }),
  is_po_numbers: setting.bool({ default: false, description: 'True: values are purchase order numbers (searched first).' }),
  is_dp_id: setting.bool({ default: false, description: 'True: values are Dell DP IDs (when is_po_numbers is not set).' }),
  is_order_no_country_code: setting.bool({ default: false, description: 'True: values are Dell order numbers, searched with country_code.' }),
  values: stringList('The purchase order numbers, DP IDs or order numbers to look up, as a JSON list.', '["PO123", "PO432"]'),
  country_code: stringList('ISO 3166 two-letter country codes of the order numbers, as a JSON list (with is_order_no_country_code).', '["US"]'),
  authorization_settings: {
    ...setting.json<Record<string, unknown>>({
      default: {},
      example: '{"Authorization": "Bearer ..."}',
      description: 'Used only without client_id/client_secret: a JSON object whose Authorization value is sent as it is.',
    }),
    secret: true,
  },
  ...rateLimitSettings,
};

export type DellSettings = SettingsOf<typeof dellSettings>;
