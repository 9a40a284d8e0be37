/**
 * The record shape of the original `[azureusers]`, rebuilt from Microsoft Graph. The original yielded the
 * azure-graphrbac SDK's `User` model as `user.__dict__`: the modelled Azure AD Graph properties under snake_case
 * names, and every other property of the Azure AD Graph JSON in `additional_properties` under its JSON name.
 * Mappings written for it (`user_principal_name`, `additional_properties.jobTitle`) must keep working.
 */
import { PROPERTY_NAME, selectFor } from '../msgraph/index.js';
import type { RawRecord } from '../types.js';

/** Each snake_case attribute of the SDK model and the Microsoft Graph v1.0 property it now comes from. */
export const MODEL_FIELDS: ReadonlyArray<readonly [oldName: string, graph: string]> = [
  ['object_id', 'id'],
  ['deletion_timestamp', 'deletedDateTime'],
  ['immutable_id', 'onPremisesImmutableId'],
  ['usage_location', 'usageLocation'],
  ['given_name', 'givenName'],
  ['surname', 'surname'],
  ['user_type', 'userType'],
  ['account_enabled', 'accountEnabled'],
  ['display_name', 'displayName'],
  ['user_principal_name', 'userPrincipalName'],
  ['mail_nickname', 'mailNickname'],
  ['mail', 'mail'],
];

/**
 * Azure AD Graph properties that Microsoft Graph renamed: `additional_properties` carries them under the old name
 * too, so `additional_properties.mobile` still finds the phone. 'first' takes the first value of Graph's list.
 */
export const RENAMED: ReadonlyArray<readonly [oldName: string, graph: string, pick?: 'first']> = [
  ['mobile', 'mobilePhone'],
  ['telephoneNumber', 'businessPhones', 'first'],
  ['physicalDeliveryOfficeName', 'officeLocation'],
  ['facsimileTelephoneNumber', 'faxNumber'],
  ['sipProxyAddress', 'imAddresses', 'first'],
  ['dirSyncEnabled', 'onPremisesSyncEnabled'],
  ['lastDirSyncTime', 'onPremisesLastSyncDateTime'],
  ['provisioningErrors', 'onPremisesProvisioningErrors'],
  ['userState', 'externalUserState'],
  ['userStateChangedOn', 'externalUserStateChangeDateTime'],
  ['refreshTokensValidFromDateTime', 'signInSessionsValidFromDateTime'],
];

/** Properties the Azure AD Graph user had under the same name in Microsoft Graph (read into additional_properties). */
export const SAME_NAME: readonly string[] = [
  'jobTitle', 'department', 'companyName', 'employeeId', 'streetAddress', 'city', 'state', 'postalCode', 'country',
  'otherMails', 'proxyAddresses', 'preferredLanguage', 'passwordPolicies', 'creationType', 'createdDateTime',
  'onPremisesSecurityIdentifier', 'onPremisesDistinguishedName', 'assignedLicenses', 'assignedPlans', 'provisionedPlans',
  'ageGroup', 'consentProvidedForMinor', 'legalAgeGroupClassification',
];

/** B2C local-account names (Azure AD Graph's signInNames) are the `identities` of these sign-in types. */
const SIGN_IN_NAME_TYPES = new Set(['emailAddress', 'userName']);

const MODELLED = new Set(MODEL_FIELDS.map(([, graph]) => graph));
const OLD_NAMES = new Map(RENAMED.map(([old, graph]) => [old, graph]));
/** The `$select` list: what the old record had, plus the Graph properties named by mappings of additional_properties. */
export function graphSelect(fields: readonly string[]): string[] {
  return selectFor({
    base: [...MODEL_FIELDS.map(([, graph]) => graph), 'identities', ...RENAMED.map(([, graph]) => graph), ...SAME_NAME],
    fields,
    property: (field) => {
      const name = additionalName(field);
      return name === undefined ? undefined : (OLD_NAMES.get(name) ?? name);
    },
  });
}

/** `additional_properties.extension_abc_costCenter.x` -> `extension_abc_costCenter`; undefined for any other path. */
export function additionalName(field: string): string | undefined {
  const prefix = 'additional_properties.';
  if (!field.startsWith(prefix)) return undefined;
  const name = field.slice(prefix.length).split('.')[0];
  // `odata.type` is a constant of the old record, not a property to ask Graph for.
  return PROPERTY_NAME.test(name) && name !== 'odata' ? name : undefined;
}

/** Mapping sources that no record of this source has (a Graph name at the top level, say): worth a warning. */
export function unknownFields(fields: readonly string[]): string[] {
  const top = new Set([...MODEL_FIELDS.map(([old]) => old), 'object_type', 'sign_in_names', 'additional_properties']);
  return fields.filter((f) => !top.has(f.split('.')[0]));
}

/** One Microsoft Graph user in the shape of the original's record. */
export function toOldUser(user: Record<string, unknown>): RawRecord {
  const additional: Record<string, unknown> = { 'odata.type': 'Microsoft.DirectoryServices.User' };
  for (const [key, value] of Object.entries(user)) {
    if (!MODELLED.has(key)) additional[key] = value;
  }
  for (const [old, graph, pick] of RENAMED) {
    if (!(graph in user)) continue;
    const value = user[graph];
    additional[old] = pick === 'first' ? (Array.isArray(value) ? (value[0] ?? null) : null) : value;
  }
  // Key order as the SDK model's __dict__: additional_properties first, then the attributes.
  const record: RawRecord = { additional_properties: additional };
  const [objectId, deleted, ...rest] = MODEL_FIELDS;
  record[objectId[0]] = user[objectId[1]] ?? null;
  record[deleted[0]] = user[deleted[1]] ?? null;
  record.object_type = 'User';
  for (const [old, graph] of rest) record[old] = user[graph] ?? null;
  record.sign_in_names = signInNames(user.identities);
  return record;
}

/** `identities` of local-account types as the old `signInNames`: `[{ type, value }]`. */
function signInNames(identities: unknown): Array<{ type: string; value: unknown }> {
  if (!Array.isArray(identities)) return [];
  return identities
    .filter((i): i is { signInType: string; issuerAssignedId?: unknown } => typeof i?.signInType === 'string' && SIGN_IN_NAME_TYPES.has(i.signInType))
    .map((i) => ({ type: i.signInType, value: i.issuerAssignedId ?? null }));
}
