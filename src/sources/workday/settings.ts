/** Settings of `[workday]`: the original's five (all required) and its `sync_field` default, plus a timeout. */
import { setting, type SettingsOf } from '../../config/settings.js';
import { basicCredentialSettings } from '../../http/settings.js';
import { userDefaultsSettings } from '../userSettings.js';

export const workdaySettings = {
  // A string, not setting.url: the report's JSON link carries a query (?format=json and the report's prompts).
  report_url: setting.string({
    required: true,
    example: 'https://wd2-impl-services1.workday.com/ccx/service/customreport2/tenant/ISU_Owner/Oomnitza_Users?format=json',
    description: "The report's JSON link (Actions > Web Service > View URLs > JSON).",
  }),
  ...basicCredentialSettings({ required: true, what: 'the Workday account that runs the report (an integration system user)' }),
  ...userDefaultsSettings({ required: true }),
  // The original's Workday declares its own default; the core uses it when the section sets none.
  sync_field: setting.list({
    default: ['USER'],
    description: 'Oomnitza field(s) identifying a user, comma-separated (default USER, as in the original).',
  }),
  timeout: setting.int({
    default: 1800,
    min: 10,
    max: 86_400,
    description: 'Seconds to wait for Workday to start sending the report (large reports take minutes), and the longest pause while it arrives.',
  }),
};

export type WorkdaySettings = SettingsOf<typeof workdaySettings>;
