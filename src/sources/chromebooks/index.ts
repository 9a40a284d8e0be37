/**
 * Google ChromeOS devices `[chromebooks]`: the Admin SDK Directory API's chromeosdevices of the Workspace customer,
 * read by a service account acting as an administrator (src/sources/google/directoryDevices.ts). Records are the
 * API's ChromeOsDevice resources (projection FULL), as in the original; no default mappings, as there.
 */
import { directoryDeviceSource } from '../google/directoryDevices.js';

export const CHROMEOS_SCOPE = 'https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly';

export const chromebooks = directoryDeviceSource({
  name: 'chromebooks',
  title: 'Google ChromeOS devices (Admin SDK Directory API, service account with domain-wide delegation)',
  mappingName: 'Chromebooks',
  scope: CHROMEOS_SCOPE,
  path: 'devices/chromeos',
  items: 'chromeosdevices',
  noun: 'ChromeOS device',
  // "Value should not exceed 300" (chromeosdevices.list, maxResults).
  maxPageSize: 300,
  privilege: 'under Services > Chrome Management that lets it view ChromeOS devices',
  describe: (d) => `"${String(d.serialNumber ?? d.deviceId ?? '')}"${d.model ? ` (${String(d.model)})` : ''}`,
});
