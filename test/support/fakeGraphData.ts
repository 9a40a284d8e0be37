/**
 * Test data of the Microsoft Graph test server besides users: Intune managed devices and their detected apps,
 * Entra ID devices, groups, service principals and organizational contacts, and the property lists of each resource
 * as Graph documents them, written out here (not taken from the sources) so that a property a source asks for by
 * mistake is refused:
 * - managedDevice (v1.0): https://learn.microsoft.com/graph/api/resources/intune-devices-manageddevice
 * - detectedApp: https://learn.microsoft.com/graph/api/resources/intune-devices-detectedapp
 * - device: https://learn.microsoft.com/graph/api/resources/device
 * - group: https://learn.microsoft.com/graph/api/resources/group
 */

/** The managedDevice properties a list returns with their real values. */
export const MANAGED_DEVICE_LIST_PROPERTIES: readonly string[] = [
  'id', 'userId', 'deviceName', 'managedDeviceOwnerType', 'deviceActionResults', 'enrolledDateTime', 'lastSyncDateTime',
  'operatingSystem', 'complianceState', 'jailBroken', 'managementAgent', 'osVersion', 'easActivated', 'easDeviceId',
  'easActivationDateTime', 'azureADRegistered', 'deviceEnrollmentType', 'emailAddress', 'azureADDeviceId',
  'deviceRegistrationState', 'deviceCategoryDisplayName', 'isSupervised', 'exchangeLastSuccessfulSyncDateTime',
  'exchangeAccessState', 'exchangeAccessStateReason', 'remoteAssistanceSessionUrl', 'remoteAssistanceSessionErrorDetails',
  'isEncrypted', 'userPrincipalName', 'model', 'manufacturer', 'imei', 'complianceGracePeriodExpirationDateTime',
  'serialNumber', 'phoneNumber', 'androidSecurityPatchLevel', 'userDisplayName', 'configurationManagerClientEnabledFeatures',
  'wiFiMacAddress', 'deviceHealthAttestationState', 'subscriberCarrier', 'meid', 'totalStorageSpaceInBytes',
  'freeStorageSpaceInBytes', 'managedDeviceName', 'partnerReportedThreatState', 'requireUserEnrollmentApproval',
  'managementCertificateExpirationDate', 'enrollmentProfileName',
];

/**
 * Properties that a list returns with their default value whatever $select says; only a GET of one device with
 * $select returns the real value ("Individual GET call with select query options is needed").
 */
export const MANAGED_DEVICE_DETAIL_PROPERTIES: Readonly<Record<string, unknown>> = {
  ethernetMacAddress: null, physicalMemoryInBytes: 0, iccid: null, udid: null, notes: null, activationLockBypassCode: null,
};

/** What GET managedDevices returns without $select: every list property (the detail-only ones at their defaults). */
export const MANAGED_DEVICE_PROPERTIES: readonly string[] = [...MANAGED_DEVICE_LIST_PROPERTIES, ...Object.keys(MANAGED_DEVICE_DETAIL_PROPERTIES)];

export const DETECTED_APP_PROPERTIES: readonly string[] = ['id', 'displayName', 'version', 'sizeInByte', 'deviceCount', 'publisher', 'platform'];

export const DEVICE_PROPERTIES: readonly string[] = [
  'id', 'deletedDateTime', 'accountEnabled', 'alternativeSecurityIds', 'approximateLastSignInDateTime', 'complianceExpirationDateTime',
  'deviceCategory', 'deviceId', 'deviceMetadata', 'deviceOwnership', 'deviceVersion', 'displayName', 'enrollmentProfileName',
  'enrollmentType', 'extensionAttributes', 'isCompliant', 'isManaged', 'isManagementRestricted', 'isRooted', 'managementType',
  'manufacturer', 'mdmAppId', 'model', 'onPremisesLastSyncDateTime', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled',
  'operatingSystem', 'operatingSystemVersion', 'physicalIds', 'profileType', 'registrationDateTime', 'systemLabels', 'trustType',
];
/** What GET /devices returns without $select (a subset, as for users). */
export const DEVICE_DEFAULT_PROPERTIES: readonly string[] = ['id', 'deviceId', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'accountEnabled', 'trustType'];

export const GROUP_PROPERTIES: readonly string[] = [
  'id', 'deletedDateTime', 'classification', 'createdDateTime', 'description', 'displayName', 'expirationDateTime', 'groupTypes',
  'isAssignableToRole', 'mail', 'mailEnabled', 'mailNickname', 'membershipRule', 'membershipRuleProcessingState',
  'onPremisesLastSyncDateTime', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled', 'preferredDataLocation', 'proxyAddresses',
  'renewedDateTime', 'securityEnabled', 'securityIdentifier', 'visibility',
];
export const GROUP_DEFAULT_PROPERTIES: readonly string[] = ['id', 'displayName', 'description', 'mail', 'mailEnabled', 'securityEnabled', 'groupTypes'];

export const SERVICE_PRINCIPAL_PROPERTIES: readonly string[] = ['id', 'appId', 'displayName', 'servicePrincipalType', 'accountEnabled', 'appOwnerOrganizationId', 'tags'];
export const ORG_CONTACT_PROPERTIES: readonly string[] = ['id', 'displayName', 'mail', 'givenName', 'surname', 'companyName', 'jobTitle', 'mailNickname'];

const hex = (i: number, width = 12) => i.toString(16).padStart(width, '0');
const guid = (prefix: string, i: number) => `${prefix}${hex(i, 8 - prefix.length)}-1111-4000-8000-${hex(i)}`;
const day = (i: number, base = Date.UTC(2024, 0, 1)) => new Date(base + i * 86_400_000).toISOString().replace('.000', '');

const MODELS = [
  { manufacturer: 'Dell Inc.', model: 'Latitude 7440', operatingSystem: 'Windows', osVersion: '10.0.22631.3527' },
  { manufacturer: 'Apple', model: 'MacBook Pro (14-inch, 2023)', operatingSystem: 'macOS', osVersion: '14.4.1' },
  { manufacturer: 'Apple', model: 'iPhone 15', operatingSystem: 'iOS', osVersion: '17.4.1' },
  { manufacturer: 'samsung', model: 'SM-S911B', operatingSystem: 'Android', osVersion: '14' },
];
const COMPLIANCE = ['compliant', 'noncompliant', 'compliant', 'inGracePeriod'];

/** The id of Entra ID device i, which Intune device i names as azureADDeviceId (the join of the two sources). */
export const entraDeviceIdOf = (i: number) => guid('e', i);

/** A plausible Intune managed device with every property; `i` makes every value distinct. */
export function makeManagedDevice(i: number, domain = 'contoso.onmicrosoft.com'): Record<string, unknown> {
  const m = MODELS[i % MODELS.length];
  const mac = (prefix: string) => `${prefix}${hex(i, 6)}`.toUpperCase();
  return {
    id: guid('d', i),
    userId: guid('a', i),
    deviceName: `${m.operatingSystem.toUpperCase()}-${String(i).padStart(4, '0')}`,
    managedDeviceOwnerType: i % 5 === 0 ? 'personal' : 'company',
    deviceActionResults: [],
    enrolledDateTime: day(i, Date.UTC(2023, 0, 1)),
    lastSyncDateTime: day(i, Date.UTC(2025, 0, 1)),
    operatingSystem: m.operatingSystem,
    complianceState: COMPLIANCE[i % COMPLIANCE.length],
    jailBroken: 'False',
    managementAgent: 'mdm',
    osVersion: m.osVersion,
    easActivated: false,
    easDeviceId: `EAS${hex(i, 8).toUpperCase()}`,
    easActivationDateTime: '0001-01-01T00:00:00Z',
    azureADRegistered: true,
    deviceEnrollmentType: m.operatingSystem === 'Windows' ? 'windowsAzureADJoin' : 'userEnrollment',
    emailAddress: `user${i}@contoso.com`,
    azureADDeviceId: entraDeviceIdOf(i),
    deviceRegistrationState: 'registered',
    deviceCategoryDisplayName: 'Unknown',
    isSupervised: m.operatingSystem === 'iOS',
    exchangeLastSuccessfulSyncDateTime: '0001-01-01T00:00:00Z',
    exchangeAccessState: 'none',
    exchangeAccessStateReason: 'none',
    remoteAssistanceSessionUrl: null,
    remoteAssistanceSessionErrorDetails: null,
    isEncrypted: i % 3 !== 0,
    userPrincipalName: `user${i}@${domain}`,
    model: m.model,
    manufacturer: m.manufacturer,
    imei: m.operatingSystem === 'iOS' || m.operatingSystem === 'Android' ? `35${String(i).padStart(13, '0')}` : null,
    complianceGracePeriodExpirationDateTime: '9999-12-31T23:59:59Z',
    serialNumber: `SN${String(i).padStart(8, '0')}`,
    phoneNumber: null,
    androidSecurityPatchLevel: m.operatingSystem === 'Android' ? '2024-04-01' : null,
    userDisplayName: `User ${i}`,
    configurationManagerClientEnabledFeatures: null,
    wiFiMacAddress: mac('A4C3F0'),
    deviceHealthAttestationState: null,
    subscriberCarrier: null,
    meid: null,
    totalStorageSpaceInBytes: 256_000_000_000 + i,
    freeStorageSpaceInBytes: 100_000_000_000 + i,
    managedDeviceName: `user${i}_${m.operatingSystem}_${i}`,
    partnerReportedThreatState: 'unknown',
    requireUserEnrollmentApproval: null,
    managementCertificateExpirationDate: day(i, Date.UTC(2026, 0, 1)),
    enrollmentProfileName: null,
    ethernetMacAddress: m.operatingSystem === 'Windows' || m.operatingSystem === 'macOS' ? mac('00155D') : null,
    physicalMemoryInBytes: 16 * 1024 ** 3 + i,
    iccid: null,
    udid: m.operatingSystem === 'iOS' || m.operatingSystem === 'macOS' ? `00008110-${hex(i, 16).toUpperCase()}` : null,
    notes: i % 2 === 0 ? `asset tag AT-${i}` : null,
    activationLockBypassCode: null,
  };
}

const APPS = [
  ['Microsoft Edge', 'Microsoft Corporation'], ['Google Chrome', 'Google LLC'], ['Zoom Workplace', 'Zoom Video Communications, Inc.'],
  ['Slack', 'Slack Technologies, LLC'], ['7-Zip 23.01 (x64)', 'Igor Pavlov'],
];

/** Device i's detected apps: i % 4 + 1 of them (so some devices need two pages at a small page size). */
export function makeDetectedApps(i: number): Array<Record<string, unknown>> {
  return Array.from({ length: (i % 4) + 1 }, (_, k) => {
    const [name, publisher] = APPS[(i + k) % APPS.length];
    return { id: `app-${hex(i, 4)}-${k}`, displayName: name, version: `${100 + k}.0.${i}`, sizeInByte: 1_000_000 * (k + 1), deviceCount: 0, publisher, platform: 'windows' };
  });
}

/** A plausible Entra ID device; device i is Intune device i's azureADDeviceId. */
export function makeEntraDevice(i: number): Record<string, unknown> {
  const m = MODELS[i % MODELS.length];
  return {
    id: guid('b', i),
    deletedDateTime: null,
    accountEnabled: i % 6 !== 0,
    alternativeSecurityIds: [{ type: 2, identityProvider: null, key: Buffer.from(`key-${i}`).toString('base64') }],
    approximateLastSignInDateTime: day(i, Date.UTC(2025, 2, 1)),
    complianceExpirationDateTime: null,
    deviceCategory: null,
    deviceId: entraDeviceIdOf(i),
    deviceMetadata: null,
    deviceOwnership: i % 5 === 0 ? 'Personal' : 'Company',
    deviceVersion: 2,
    displayName: `${m.operatingSystem.toUpperCase()}-${String(i).padStart(4, '0')}`,
    enrollmentProfileName: null,
    enrollmentType: 'AzureDomainJoined',
    extensionAttributes: { extensionAttribute1: `CC-${i % 3}`, extensionAttribute2: null },
    isCompliant: i % 4 !== 1,
    isManaged: true,
    isManagementRestricted: false,
    isRooted: false,
    managementType: 'MDM',
    manufacturer: m.manufacturer,
    mdmAppId: '0000000a-0000-0000-c000-000000000000',
    model: m.model,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    operatingSystem: m.operatingSystem,
    operatingSystemVersion: m.osVersion,
    physicalIds: [`[USER-GID]:${guid('a', i)}:${i}`, `[GID]:g${hex(i, 14)}`],
    profileType: 'RegisteredDevice',
    registrationDateTime: day(i, Date.UTC(2023, 5, 1)),
    systemLabels: [],
    trustType: ['AzureAd', 'ServerAd', 'Workplace'][i % 3],
  };
}

export function makeGroup(i: number, displayName: string, o: { securityEnabled?: boolean; mail?: string | null } = {}): Record<string, unknown> {
  const nick = displayName.replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return {
    id: guid('c', i),
    deletedDateTime: null,
    classification: null,
    createdDateTime: day(i, Date.UTC(2022, 0, 1)),
    description: `${displayName} (test group ${i})`,
    displayName,
    expirationDateTime: null,
    groupTypes: o.mail ? ['Unified'] : [],
    isAssignableToRole: null,
    mail: o.mail ?? null,
    mailEnabled: Boolean(o.mail),
    mailNickname: nick,
    membershipRule: null,
    membershipRuleProcessingState: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    preferredDataLocation: null,
    proxyAddresses: o.mail ? [`SMTP:${o.mail}`] : [],
    renewedDateTime: day(i, Date.UTC(2022, 0, 1)),
    securityEnabled: o.securityEnabled ?? true,
    securityIdentifier: `S-1-12-1-${1000 + i}`,
    visibility: o.mail ? 'Private' : null,
  };
}

export function makeServicePrincipal(i: number): Record<string, unknown> {
  return {
    id: guid('f', i), appId: guid('9', i), displayName: `Automation app ${i}`, servicePrincipalType: 'Application', accountEnabled: true,
    appOwnerOrganizationId: null, tags: [],
  };
}

export function makeOrgContact(i: number): Record<string, unknown> {
  return {
    id: guid('8', i), displayName: `Partner Contact ${i}`, mail: `contact${i}@partner.example`, givenName: 'Partner', surname: `Contact${i}`,
    companyName: 'Partner Ltd', jobTitle: null, mailNickname: `contact${i}`,
  };
}
