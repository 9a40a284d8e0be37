/** Settings of `[servicenow]`: the original's (url, username, password), then what is new. */
import type { SettingsOf } from '../../config/settings.js';
import { serviceNowCredentialSettings, serviceNowPagingSettings } from './settings.js';

export const servicenowSettings = {
  ...serviceNowCredentialSettings({ examples: true }),
  ...serviceNowPagingSettings,
};

export type ServicenowSettings = SettingsOf<typeof servicenowSettings>;
