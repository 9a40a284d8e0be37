/**
 * Settings of `[android_enterprise]` (a source the original never had; names follow the Google sources it had):
 * the service account's key, the enterprise, the API host and token endpoint overrides, the page size.
 */
import { setting, type Setting, type SettingsOf } from '../../config/settings.js';
import { googleEndpointSettings, serviceAccountKeySettings } from '../google/settings.js';

export const ANDROID_MANAGEMENT_HOST = 'https://androidmanagement.googleapis.com';

/**
 * "LC00abc123" or "enterprises/LC00abc123" (the Cloud console and the API name it both ways): the bare id.
 * The API's ids are letters and digits; anything else would change the request path, so it is refused here.
 */
export function parseEnterpriseId(raw: string): string {
  const id = raw.trim().replace(/^enterprises\//, '').replace(/\/+$/, '');
  if (!/^[A-Za-z0-9_-]+$/.test(id)) throw new Error(`"${raw}" is not an enterprise ID (e.g. LC00abc123 or enterprises/LC00abc123)`);
  return id;
}

const enterpriseId: Setting<string> = {
  ...setting.string({
    required: true,
    example: 'LC00abc123',
    description: 'ID of the Android Enterprise (LC00abc123, or enterprises/LC00abc123 as the API names it).',
  }),
  parse: parseEnterpriseId,
};

export const androidEnterpriseSettings = {
  ...serviceAccountKeySettings,
  enterprise_id: enterpriseId,
  ...googleEndpointSettings(ANDROID_MANAGEMENT_HOST),
  page_size: setting.int({
    default: 100,
    min: 1,
    max: 100,
    description: 'Devices per page (pageSize; Google allows at most 100).',
  }),
};

export type AndroidEnterpriseSettings = SettingsOf<typeof androidEnterpriseSettings>;
