/** Settings of `[munki_report]`: the original's names and defaults (reference/sources.md §24). */
import { setting, type SettingsOf } from '../../config/settings.js';
import { baseUrlSetting, rateLimitSettings } from '../../http/index.js';

export const munkiReportSettings = {
  ...baseUrlSetting({ example: 'https://Munki_Report', description: 'URL of the MunkiReport server (its index.php is added).' }),
  username: setting.string({ example: '***', description: 'MunkiReport login.' }),
  password: setting.secret({ example: '***', description: 'Password of that login.' }),
  db_columns: setting.json<string[]>({
    default: [],
    example: '["machine.serial_number"]',
    description: 'Extra columns to read, as table.column (e.g. ["warranty.purchase_date"]), besides the eight the original reads.',
    check: (v) => {
      if (!Array.isArray(v) || v.some((c) => typeof c !== 'string' || c.trim() === '')) throw new Error('must be a JSON list of "table.column" names, e.g. ["warranty.purchase_date"]');
    },
  }),
  ...rateLimitSettings,
};

export type MunkiReportSettings = SettingsOf<typeof munkiReportSettings>;
