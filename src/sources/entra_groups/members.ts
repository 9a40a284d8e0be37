/**
 * What `member_type` selects among a group's members, which are of mixed types (users, devices, nested groups,
 * service principals, organizational contacts: `@odata.type`, https://learn.microsoft.com/graph/api/group-list-members),
 * and the record each kept member becomes: its Graph properties plus `memberOf` (the names of its groups, the shape
 * the memberOf converter and the LDAP source use) and `groups` ({ id, displayName, mail } of each).
 */
import type { FieldMappings } from '../../records.js';
import { selectFor, topLevelProperty } from '../msgraph/index.js';
import type { ReadRequest, SourceVariant } from '../types.js';
import type { MemberType } from './settings.js';

export const OWN_KEYS = ['memberOf', 'groups'] as const;
export const GROUP_PROPERTIES = ['id', 'displayName', 'mail', 'securityEnabled', 'groupTypes'] as const;

export interface MemberKind {
  /** `@odata.type` of the members kept. */
  odataType: string;
  noun: string;
  /** Always selected. */
  base: readonly string[];
  /** Names that Graph leaves out when the app may not read this type (limited information). */
  names: readonly string[];
  /** The permission that lets the app read members of this type in full. */
  readPermission: string;
  variant: SourceVariant;
  defaultMappings: FieldMappings;
}

export const KINDS: Readonly<Record<MemberType, MemberKind>> = {
  users: {
    odataType: '#microsoft.graph.user',
    noun: 'user',
    base: ['id', 'userPrincipalName', 'displayName', 'mail', 'givenName', 'surname', 'accountEnabled', 'jobTitle', 'department', 'employeeId'],
    names: ['userPrincipalName', 'displayName'],
    readPermission: 'User.Read.All',
    variant: { mappingName: 'EntraGroups', dataType: 'users' },
    defaultMappings: {
      USER: { source: 'userPrincipalName' },
      EMAIL: { source: 'mail' },
      FIRST_NAME: { source: 'givenName' },
      LAST_NAME: { source: 'surname' },
      PERMISSIONS_ID: { setting: 'default_role' },
    },
  },
  devices: {
    odataType: '#microsoft.graph.device',
    noun: 'device',
    base: ['id', 'deviceId', 'displayName', 'operatingSystem', 'operatingSystemVersion', 'manufacturer', 'model', 'trustType', 'isCompliant', 'isManaged', 'accountEnabled'],
    names: ['displayName', 'deviceId'],
    readPermission: 'Device.Read.All',
    variant: { mappingName: 'EntraGroups.Devices', dataType: 'assets' },
    defaultMappings: {},
  },
};

export const VARIANTS: Readonly<Record<MemberType, SourceVariant>> = { users: KINDS.users.variant, devices: KINDS.devices.variant };

/** The members' $select: the kind's base properties plus what mappings read. */
export function memberSelect(kind: MemberKind, request: ReadRequest): string[] {
  return selectFor({ base: kind.base, fields: request.fields, property: topLevelProperty(OWN_KEYS) });
}

/** One group as a kept member's `groups` entry. */
export function groupEntry(group: Record<string, unknown>): { id: unknown; displayName: unknown; mail: unknown } {
  return { id: group.id ?? null, displayName: group.displayName ?? null, mail: group.mail ?? null };
}
