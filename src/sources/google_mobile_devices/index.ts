/**
 * Google mobile devices `[google_mobile_devices]`: the Admin SDK Directory API's mobiledevices of the Workspace
 * customer (Android and iOS devices under Google endpoint management), read by a service account acting as an
 * administrator (src/sources/google/directoryDevices.ts). Records are the API's MobileDevice resources (projection
 * FULL), as in the original: `email` and `name` stay arrays (mappings use `email.0`); no default mappings.
 */
import { directoryDeviceSource } from '../google/directoryDevices.js';

export const MOBILE_SCOPE = 'https://www.googleapis.com/auth/admin.directory.device.mobile.readonly';

export const googleMobileDevices = directoryDeviceSource({
  name: 'google_mobile_devices',
  title: 'Google endpoint management mobile devices (Admin SDK Directory API, service account with domain-wide delegation)',
  mappingName: 'GoogleMobileDevices',
  scope: MOBILE_SCOPE,
  path: 'devices/mobile',
  items: 'mobiledevices',
  noun: 'mobile device',
  // mobiledevices.list: maxResults "Maximum number of results to return. Max allowed value is 100."
  maxPageSize: 100,
  privilege: 'under Services > Mobile Device Management that lets it view devices',
  describe: (d) => {
    const names = Array.isArray(d.email) ? d.email : [];
    return `"${String(d.model ?? d.deviceId ?? d.resourceId ?? '')}"${names.length ? ` of ${String(names[0])}` : ''}`;
  },
});
