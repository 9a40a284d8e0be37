/**
 * Settings of `[entra_devices]` (no original: the names follow the other Graph sources): the app registration
 * (a client secret or a certificate), the Graph host, an optional filter, the page size and whether to read each
 * device's registered owners.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { concurrencySettings, rateLimitSettings } from '../../http/settings.js';
import { graphAppSettings, graphCertificateSettings, graphHostSettings } from '../msgraph/index.js';

export const entraDevicesSettings = {
  ...graphAppSettings({ secret: 'client_secret', reads: 'the devices', required: true }),
  ...graphCertificateSettings,
  ...graphHostSettings(),
  filter: setting.string({
    description: "OData $filter on devices, e.g. operatingSystem eq 'Windows' or startswith(displayName,'LAB-') (sent as an advanced query).",
  }),
  load_owners: setting.bool({
    default: false,
    description: "Read each device's registered owners (one more request per device) into owners.",
  }),
  page_size: setting.int({ default: 999, min: 1, max: 999, description: 'Devices per Microsoft Graph page ($top, at most 999).' }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type EntraDevicesSettings = SettingsOf<typeof entraDevicesSettings>;
