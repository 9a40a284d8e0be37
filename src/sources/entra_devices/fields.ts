/** The Entra ID device properties the source asks for (https://learn.microsoft.com/graph/api/resources/device). */
import { selectFor, topLevelProperty } from '../msgraph/index.js';
import type { ReadRequest } from '../types.js';

export const OWN_KEYS = ['owners'] as const;

export const BASE_PROPERTIES = [
  'id', 'deviceId', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'manufacturer', 'model', 'trustType',
  'isCompliant', 'isManaged', 'accountEnabled', 'approximateLastSignInDateTime', 'registrationDateTime',
] as const;

export const MORE_PROPERTIES = [
  'physicalIds', 'deviceOwnership', 'enrollmentType', 'enrollmentProfileName', 'managementType', 'mdmAppId', 'profileType',
  'systemLabels', 'deviceCategory', 'deviceVersion', 'complianceExpirationDateTime', 'onPremisesSyncEnabled',
  'onPremisesLastSyncDateTime', 'onPremisesSecurityIdentifier', 'extensionAttributes',
] as const;

/** What a registered owner keeps: enough to map the owner (its UPN) and tell a user from a service principal. */
export const OWNER_PROPERTIES = ['id', 'displayName', 'userPrincipalName', 'mail'] as const;

export function deviceSelect(request: ReadRequest): string[] {
  return selectFor({
    base: request.allFields ? [...BASE_PROPERTIES, ...MORE_PROPERTIES] : BASE_PROPERTIES,
    fields: request.fields,
    property: topLevelProperty(OWN_KEYS),
  });
}
