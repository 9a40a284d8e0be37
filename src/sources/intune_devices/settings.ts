/**
 * Settings of `[intune_devices]` (a source the original never had: the names follow the other Graph sources):
 * the app registration (a client secret or a certificate), the Graph host for national clouds, an optional OData
 * filter, and whether to read each device's detected apps.
 */
import { setting, type SettingsOf } from '../../config/settings.js';
import { concurrencySettings, rateLimitSettings } from '../../http/settings.js';
import { graphAppSettings, graphCertificateSettings, graphHostSettings } from '../msgraph/index.js';

export const intuneSettings = {
  ...graphAppSettings({ secret: 'client_secret', reads: 'the managed devices', required: true }),
  ...graphCertificateSettings,
  ...graphHostSettings(),
  filter: setting.string({
    description: "OData $filter on managed devices, e.g. operatingSystem eq 'Windows' (default: every device the app can see).",
  }),
  load_software: setting.bool({
    default: false,
    description: "Read each device's detected apps (one more request per device) into software, mapped to APPLICATIONS.",
  }),
  ...concurrencySettings,
  ...rateLimitSettings,
};

export type IntuneSettings = SettingsOf<typeof intuneSettings>;
