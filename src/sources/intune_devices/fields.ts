/**
 * Which managedDevice properties the source asks for, and where. Intune's list returns some properties only with
 * their default value (null, 0) however they are selected; their real values come from a GET of the one device
 * with $select ("Individual GET call with select query options is needed to retrieve actual values",
 * https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice).
 */
import type { ReadRequest } from '../types.js';
import { selectFor, topLevelProperty } from '../msgraph/index.js';

/** Keys the source adds to the Graph object. */
export const OWN_KEYS = ['software'] as const;

/** The fields admins map, always asked for: the record is useful to a record filter and in `connector test`. */
export const BASE_PROPERTIES = [
  'id', 'deviceName', 'serialNumber', 'manufacturer', 'model', 'operatingSystem', 'osVersion', 'complianceState',
  'lastSyncDateTime', 'enrolledDateTime', 'userPrincipalName', 'emailAddress', 'managedDeviceOwnerType', 'azureADDeviceId',
] as const;

/** The rest of the v1.0 list properties: asked for too when a record filter or custom converter may read anything. */
export const MORE_PROPERTIES = [
  'userId', 'userDisplayName', 'imei', 'meid', 'wiFiMacAddress', 'phoneNumber', 'subscriberCarrier', 'totalStorageSpaceInBytes',
  'freeStorageSpaceInBytes', 'managedDeviceName', 'managementAgent', 'deviceEnrollmentType', 'deviceRegistrationState',
  'deviceCategoryDisplayName', 'isSupervised', 'isEncrypted', 'jailBroken', 'azureADRegistered', 'easActivated', 'easDeviceId',
  'easActivationDateTime', 'exchangeAccessState', 'exchangeAccessStateReason', 'exchangeLastSuccessfulSyncDateTime',
  'complianceGracePeriodExpirationDateTime', 'androidSecurityPatchLevel', 'partnerReportedThreatState',
  'managementCertificateExpirationDate', 'requireUserEnrollmentApproval', 'enrollmentProfileName',
] as const;

/** Properties whose real values only a per-device GET returns (read only when a mapping names them: N more requests). */
export const DETAIL_ONLY = ['ethernetMacAddress', 'physicalMemoryInBytes', 'iccid', 'udid', 'notes', 'activationLockBypassCode'] as const;

const detailOnly = new Set<string>(DETAIL_ONLY);
const property = topLevelProperty(OWN_KEYS);

/** The list's $select: the base fields (all list fields for filters and custom converters) plus what mappings read. */
export function listSelect(request: ReadRequest): string[] {
  return selectFor({
    base: request.allFields ? [...BASE_PROPERTIES, ...MORE_PROPERTIES] : BASE_PROPERTIES,
    fields: request.fields,
    property: (field) => {
      const name = property(field);
      return name === undefined || detailOnly.has(name) ? undefined : name;
    },
  });
}

/** The per-device $select: the detail-only properties that mappings read (none: no per-device GET). */
export function detailSelect(fields: readonly string[]): string[] {
  return selectFor({ base: [], fields, property: (field) => {
    const name = property(field);
    return name !== undefined && detailOnly.has(name) ? name : undefined;
  } });
}
