/**
 * Microsoft Entra ID's token endpoint (fakeEntraId.ts: client secrets and certificate assertions) and the Microsoft
 * Graph resources the Graph sources read, speaking their documented wire shapes:
 * - GET /v1.0/users (https://learn.microsoft.com/graph/api/user-list), /v1.0/devices and
 *   /v1.0/devices/{id}/registeredOwners, /v1.0/groups and /v1.0/groups/{id}/members | transitiveMembers (mixed
 *   member types, each with its `@odata.type`), /v1.0/deviceManagement/managedDevices (and one device), and
 *   /beta/deviceManagement/managedDevices/{id}/detectedApps.
 * - Bearer tokens checked (401 InvalidAuthenticationToken), the application permission checked (403: the directory's
 *   Authorization_RequestDenied, Intune's Forbidden with its JSON-in-a-string message), `$top` bounds, `$select`
 *   checked against each resource's properties (400), the default property set without it, Intune's list that
 *   returns some properties only at their defaults (a single-device GET has them), `$filter` with the advanced-query
 *   rule (ConsistencyLevel: eventual and $count=true, https://learn.microsoft.com/graph/aad-advanced-queries),
 *   objects of a type the app may not read with their `@odata.type` and id only ("limited information"),
 *   `@odata.nextLink` pages with an opaque `$skiptoken` (https://learn.microsoft.com/graph/paging), 429
 *   TooManyRequests with or without Retry-After on demand (https://learn.microsoft.com/graph/throttling), and a
 *   failure of chosen requests on demand.
 * - Delta queries GET /v1.0/users/delta and /v1.0/devices/delta (https://learn.microsoft.com/graph/delta-query-users):
 *   the first round lists every object, pages carry `@odata.nextLink` with an opaque `$skiptoken`, the last page
 *   `@odata.deltaLink` with a `$deltatoken`; the token keeps the first request's `$select` (later links carry only
 *   the token). GETting the deltaLink lists the objects changed since (change()) and removed ones as
 *   `{id, "@removed": {reason: "deleted"}}` (remove()). `$filter` is refused (Request_UnsupportedQuery: delta takes
 *   none here), a token that is not one of ours is 400 Badly formed token, one older than expireDeltaTokens() is
 *   410 Gone syncStateNotFound. `$top` is ignored, as Graph ignores it on users delta.
 * Graph's error body: {"error":{"code","message","innerError":{date,request-id,client-request-id}}}.
 */
import { randomUUID } from 'node:crypto';
import type https from 'node:https';
import {
  DETECTED_APP_PROPERTIES, DEVICE_DEFAULT_PROPERTIES, DEVICE_PROPERTIES, GROUP_DEFAULT_PROPERTIES, GROUP_PROPERTIES,
  MANAGED_DEVICE_DETAIL_PROPERTIES, MANAGED_DEVICE_PROPERTIES, ORG_CONTACT_PROPERTIES, SERVICE_PRINCIPAL_PROPERTIES,
  makeDetectedApps, makeEntraDevice, makeGroup, makeManagedDevice, makeOrgContact, makeServicePrincipal,
} from './fakeGraphData.js';
import { FakeTokenEndpoint, type DecodedAssertion } from './fakeEntraId.js';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

/**
 * The properties of the v1.0 `user` resource (https://learn.microsoft.com/graph/api/resources/user), written out
 * here rather than taken from the source, so that a property the source asks for by mistake is refused.
 */
export const GRAPH_USER_PROPERTIES: readonly string[] = [
  'aboutMe', 'accountEnabled', 'ageGroup', 'assignedLicenses', 'assignedPlans', 'authorizationInfo', 'birthday',
  'businessPhones', 'city', 'companyName', 'consentProvidedForMinor', 'country', 'createdDateTime', 'creationType',
  'customSecurityAttributes', 'deletedDateTime', 'department', 'displayName', 'employeeHireDate', 'employeeLeaveDateTime',
  'employeeId', 'employeeOrgData', 'employeeType', 'externalUserState', 'externalUserStateChangeDateTime', 'faxNumber',
  'givenName', 'hireDate', 'id', 'identities', 'imAddresses', 'interests', 'isManagementRestricted', 'isResourceAccount',
  'jobTitle', 'lastPasswordChangeDateTime', 'legalAgeGroupClassification', 'licenseAssignmentStates', 'mail',
  'mailboxSettings', 'mailNickname', 'mobilePhone', 'mySite', 'officeLocation', 'onPremisesDistinguishedName',
  'onPremisesDomainName', 'onPremisesExtensionAttributes', 'onPremisesImmutableId', 'onPremisesLastSyncDateTime',
  'onPremisesProvisioningErrors', 'onPremisesSamAccountName', 'onPremisesSecurityIdentifier', 'onPremisesSyncEnabled',
  'onPremisesUserPrincipalName', 'otherMails', 'passwordPolicies', 'passwordProfile', 'pastProjects', 'postalCode',
  'preferredDataLocation', 'preferredLanguage', 'preferredName', 'provisionedPlans', 'proxyAddresses', 'responsibilities',
  'schools', 'securityIdentifier', 'serviceProvisioningErrors', 'showInAddressList', 'signInActivity',
  'signInSessionsValidFromDateTime', 'skills', 'state', 'streetAddress', 'surname', 'usageLocation', 'userPrincipalName',
  'userType',
];

/** What GET /users returns without $select. */
const DEFAULT_PROPERTIES = ['businessPhones', 'displayName', 'givenName', 'jobTitle', 'mail', 'mobilePhone', 'officeLocation', 'preferredLanguage', 'surname', 'userPrincipalName', 'id'];
/** Application permissions that allow listing users (and reading user objects in full elsewhere). */
const READ_USERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_DEVICES = ['Device.Read.All', 'Device.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_GROUPS = ['GroupMember.Read.All', 'Group.Read.All', 'Group.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
const READ_MANAGED_DEVICES = ['DeviceManagementManagedDevices.Read.All', 'DeviceManagementManagedDevices.ReadWrite.All'];
export const COST_CENTER = 'extension_b7d8e648520f41d3b9c0fdeb91768a0a_costCenter';

/** Directory object types: their properties and the permissions that let an app read them in full. */
const TYPES: Readonly<Record<string, { properties: readonly string[]; read: readonly string[] }>> = {
  '#microsoft.graph.user': { properties: GRAPH_USER_PROPERTIES, read: READ_USERS },
  '#microsoft.graph.device': { properties: DEVICE_PROPERTIES, read: READ_DEVICES },
  '#microsoft.graph.group': { properties: GROUP_PROPERTIES, read: READ_GROUPS },
  '#microsoft.graph.servicePrincipal': { properties: SERVICE_PRINCIPAL_PROPERTIES, read: ['Application.Read.All', 'Directory.Read.All'] },
  '#microsoft.graph.orgContact': { properties: ORG_CONTACT_PROPERTIES, read: ['OrgContact.Read.All', 'Directory.Read.All'] },
};
const DIRECTORY_OBJECT_PROPERTIES = new Set(Object.values(TYPES).flatMap((t) => t.properties));

/** A group of the test directory; members name objects as 'user:1', 'device:2', 'group:3', 'sp:1' or 'contact:1'. */
export interface FakeGroupSpec {
  displayName: string;
  securityEnabled?: boolean;
  mail?: string;
  members: string[];
}

/** Mixed member types, a nested group, a Microsoft 365 group and an empty one. */
export const DEFAULT_GROUPS: readonly FakeGroupSpec[] = [
  { displayName: 'IT Admins', members: ['user:1', 'user:2', 'device:1', 'sp:1', 'group:3'] },
  { displayName: 'Sales', securityEnabled: false, mail: 'sales@contoso.com', members: ['user:2', 'user:3', 'user:4', 'contact:1', 'device:2'] },
  { displayName: 'Helpdesk', members: ['user:5', 'device:3'] },
  { displayName: 'Empty', members: [] },
];

export interface FakeGraphOptions {
  tenantId?: string;
  /** The tenant's initial domain; also accepted in the token path. */
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  /** PEM certificates registered on the app, for client assertions. */
  certificates?: string[];
  /** Application permissions consented for the app (the token's roles). */
  permissions?: string[];
  tokenLifetimeSec?: number;
  /** How many users, or the users themselves. */
  users?: number | Array<Record<string, unknown>>;
  /** How many Intune managed devices (default 4), or the devices themselves. */
  managedDevices?: number | Array<Record<string, unknown>>;
  /** Intune's own page size of managed devices and detected apps (1000 in the real service). */
  intunePageSize?: number;
  /** False: the tenant has no Intune licence, and Intune answers "Request not applicable to target tenant". */
  intune?: boolean;
  /** How many Entra ID devices (default 4), or the devices themselves. */
  devices?: number | Array<Record<string, unknown>>;
  /** Registered owners by Entra device number: 'user:1', 'sp:1', ... (default: device i is owned by user i). */
  owners?: Record<number, string[]>;
  groups?: readonly FakeGroupSpec[];
  /** The resource the app may ask tokens for (scope = resource + '/.default'). */
  resource?: string;
  /** Objects per delta page (Graph chooses; small here for tests). */
  deltaPageSize?: number;
  tls?: https.ServerOptions & { key: string | Buffer; cert: string | Buffer };
}

export interface FakeGraph {
  url: string;
  /** POST {url}/{tenant}/oauth2/v2.0/token is served here too. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  /** Graph requests (not token requests), with their path, query and answer status. */
  pages: Array<{ path: string; query: Record<string, string>; status: number }>;
  tokensIssued: number;
  /** Every client assertion the token endpoint received, decoded. */
  assertions: DecodedAssertion[];
  /** The full Graph user i (1-based), every property it has. */
  user(i: number): Record<string, unknown>;
  /** The full Intune managed device i (1-based), and its detected apps. */
  managedDevice(i: number): Record<string, unknown>;
  detectedApps(i: number): Array<Record<string, unknown>>;
  /** The full Entra ID device i (1-based). */
  device(i: number): Record<string, unknown>;
  /** Group i (1-based) of `groups`. */
  group(i: number): Record<string, unknown>;
  /** The directory object a member reference ('user:1', 'device:2', ...) names. */
  object(ref: string): Record<string, unknown>;
  /**
   * After `afterPages` more successful Graph answers, the next `count` Graph requests answer 429, with Retry-After
   * when `retryAfterSec` is given (Graph sends it on most throttled answers, not all: Intune's detectedApps omits it).
   */
  throttle(count: number, opts?: { retryAfterSec?: number; afterPages?: number }): void;
  /** Every token stops being valid after `n` more successful Graph answers (expiry mid-run). */
  expireTokensAfterPages(n: number): void;
  /** Requests whose path matches answer `status` (default 500), `times` times (default: every time). */
  fail(path: RegExp, opts?: { status?: number; times?: number }): void;
  /** Changes user or Entra device i (1-based): its properties, and its place in the next delta round. */
  change(kind: 'user' | 'device', i: number, props: Record<string, unknown>): void;
  /** Deletes user or Entra device i: gone from lists, `@removed` in the next delta round. */
  remove(kind: 'user' | 'device', i: number): void;
  /** Every delta token issued so far is too old: 410 Gone syncStateNotFound. */
  expireDeltaTokens(): void;
  close(): Promise<void>;
}

const GIVEN = ['Adele', 'Alex', 'Diego', 'Grady', 'Isaiah', 'Johanna', 'Lee', 'Lidia', 'Megan', 'Nestor'];
const SURNAMES = ['Vance', 'Wilber', 'Siciliani', 'Archie', 'Langer', 'Lorenz', 'Gu', 'Holloway', 'Bowen', 'Wilke'];

/** A plausible user with values for most properties; `i` makes every value distinct. */
export function makeGraphUser(i: number, domain = 'contoso.onmicrosoft.com'): Record<string, unknown> {
  const given = GIVEN[i % GIVEN.length];
  const surname = `${SURNAMES[i % SURNAMES.length]}${i}`;
  const nick = `${given}.${surname}`.toLowerCase();
  const upn = `${nick}@${domain}`;
  const hex = i.toString(16).padStart(12, '0');
  const synced = i % 2 === 0;
  const user: Record<string, unknown> = {
    id: `${hex.slice(4)}-0000-4000-8000-${hex}`,
    deletedDateTime: null,
    accountEnabled: i % 7 !== 0,
    ageGroup: null,
    assignedLicenses: [{ disabledPlans: [], skuId: 'c7df2760-2c81-4ef7-b578-5b5392b571df' }],
    assignedPlans: [{ assignedDateTime: '2022-03-01T10:00:00Z', capabilityStatus: 'Enabled', service: 'exchange', servicePlanId: 'efb87545-963c-4e0d-99df-69c6916d9eb0' }],
    businessPhones: i % 3 === 0 ? [] : [`+1 425 555 ${String(i).padStart(4, '0')}`],
    city: 'Redmond',
    companyName: 'Contoso',
    consentProvidedForMinor: null,
    country: 'United States',
    createdDateTime: new Date(Date.UTC(2021, 0, 1) + i * 86_400_000).toISOString().replace('.000', ''),
    creationType: null,
    department: ['Sales', 'IT', 'Finance'][i % 3],
    displayName: `${given} ${surname}`,
    employeeId: `E${String(i).padStart(5, '0')}`,
    employeeType: 'Employee',
    externalUserState: null,
    externalUserStateChangeDateTime: null,
    faxNumber: null,
    givenName: given,
    identities: [{ signInType: 'userPrincipalName', issuer: domain, issuerAssignedId: upn }],
    imAddresses: [`sip:${upn}`],
    jobTitle: ['Engineer', 'Manager', 'Analyst'][i % 3],
    legalAgeGroupClassification: null,
    mail: `${nick}@contoso.com`,
    mailNickname: nick,
    mobilePhone: i % 4 === 0 ? null : `+1 206 555 ${String(i).padStart(4, '0')}`,
    officeLocation: `Building ${i % 5}`,
    onPremisesDistinguishedName: synced ? `CN=${given} ${surname},OU=Users,DC=contoso,DC=com` : null,
    onPremisesDomainName: synced ? 'contoso.com' : null,
    onPremisesImmutableId: synced ? Buffer.from(`immutable-${i}`).toString('base64') : null,
    onPremisesLastSyncDateTime: synced ? '2024-05-01T02:00:00Z' : null,
    onPremisesProvisioningErrors: [],
    onPremisesSamAccountName: synced ? nick.slice(0, 20) : null,
    onPremisesSecurityIdentifier: synced ? `S-1-5-21-1000-2000-3000-${1000 + i}` : null,
    onPremisesSyncEnabled: synced ? true : null,
    onPremisesUserPrincipalName: synced ? `${nick}@contoso.com` : null,
    otherMails: [],
    passwordPolicies: synced ? 'DisablePasswordExpiration' : null,
    postalCode: '98052',
    preferredLanguage: 'en-US',
    provisionedPlans: [{ capabilityStatus: 'Enabled', provisioningStatus: 'Success', service: 'exchange' }],
    proxyAddresses: [`SMTP:${nick}@contoso.com`],
    signInSessionsValidFromDateTime: '2023-01-01T00:00:00Z',
    state: 'WA',
    streetAddress: 'One Microsoft Way',
    surname,
    usageLocation: 'US',
    userPrincipalName: upn,
    userType: i % 10 === 9 ? 'Guest' : 'Member',
  };
  if (i % 5 === 0) user[COST_CENTER] = `CC-${i % 7}`;
  if (i % 4 === 2) (user.identities as unknown[]).push({ signInType: 'emailAddress', issuer: domain, issuerAssignedId: `${nick}@example.org` });
  return user;
}

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): TestResponse {
  const id = randomUUID();
  return {
    status,
    headers: { 'request-id': id, 'client-request-id': id, ...headers },
    json: { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': id, 'client-request-id': id } } },
  };
}

/** Intune's errors: Graph's envelope around Intune's own JSON, as a string, whose Message carries the ids. */
function intuneError(status: number, code: string, message: string): TestResponse {
  const activity = randomUUID();
  const inner = {
    _version: 3,
    Message: `${message} - Operation ID (for customer support): 00000000-0000-0000-0000-000000000000 - Activity ID: ${activity} - Url: https://fef.msua06.manage.microsoft.com/DeviceFE/StatelessDeviceFEService/deviceManagement/managedDevices?api-version=2024-05-01 - Version: 1.0`,
    CustomApiErrorPhrase: '',
    RetryAfter: null,
    ErrorSourceService: '',
    HttpHeaders: '{}',
  };
  return graphError(status, code, JSON.stringify(inner, null, 2).replace(/\n/g, '\r\n'));
}

type Style = 'directory' | 'intune';

/** One listable resource: its items, what may be selected, who may read it, its page sizes. */
interface Listing {
  style: Style;
  items: Array<Record<string, unknown>>;
  /** For error texts: 'Microsoft.DirectoryServices.User', 'microsoft.graph.managedDevice'. */
  typeName: string;
  /** For filter errors: 'User', 'Device'. */
  resourceName: string;
  selectable(property: string): boolean;
  defaults: readonly string[];
  /** The item as returned for `select`. */
  view(item: Record<string, unknown>, select: readonly string[], roles: readonly string[]): Record<string, unknown>;
  maxTop: number;
  defaultTop: number;
  context: string;
  /** Whether $filter is supported at all. */
  filter: boolean;
}

/** Selected properties, null where the object has none (Graph lists every selected property). */
const plain = (item: Record<string, unknown>, select: readonly string[]) => Object.fromEntries(select.map((p) => [p, item[p] ?? null]));

/**
 * A directory object in a directoryObject collection: its `@odata.type`, the selected properties its type has, and
 * only its id when the app may not read its type ("limited information").
 */
function directoryObject(item: Record<string, unknown>, select: readonly string[], roles: readonly string[]): Record<string, unknown> {
  const type = String(item['@odata.type']);
  const info = TYPES[type];
  const full = info.read.some((r) => roles.includes(r));
  const out: Record<string, unknown> = { '@odata.type': type };
  for (const p of select) if (info.properties.includes(p)) out[p] = full || p === 'id' ? (item[p] ?? null) : null;
  return out;
}

type Clause = { property: string; test(value: unknown): boolean; advanced: boolean };

/** The few $filter forms the sources and tests use: `p eq v`, `p ne v`, startswith(p,'v'), endswith(p,'v'), joined by `and`. */
function parseFilter(expression: string): Clause[] | undefined {
  const literal = (raw: string): unknown => (raw.startsWith("'") ? raw.slice(1, -1).replace(/''/g, "'") : raw === 'true' ? true : raw === 'false' ? false : raw === 'null' ? null : Number(raw));
  const clauses: Clause[] = [];
  for (const part of expression.split(/\s+and\s+/i)) {
    const text = part.trim();
    let m: RegExpExecArray | null;
    if ((m = /^(\w+)\s+(eq|ne)\s+('(?:[^']|'')*'|true|false|null|-?\d+)$/.exec(text))) {
      const [, property, op, raw] = m;
      const value = literal(raw);
      clauses.push({ property, advanced: op === 'ne', test: (v) => (op === 'eq' ? (v ?? null) === value : (v ?? null) !== value) });
    } else if ((m = /^(startswith|endswith)\((\w+),\s*'((?:[^']|'')*)'\)$/i.exec(text))) {
      const [, fn, property, raw] = m;
      const arg = raw.replace(/''/g, "'").toLowerCase();
      const starts = fn.toLowerCase() === 'startswith';
      clauses.push({ property, advanced: !starts, test: (v) => typeof v === 'string' && (starts ? v.toLowerCase().startsWith(arg) : v.toLowerCase().endsWith(arg)) });
    } else {
      return undefined;
    }
  }
  return clauses;
}

export async function startFakeMicrosoftGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const o = {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', domain: 'contoso.onmicrosoft.com',
    clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', clientSecret: 'Qx8Q~s3cr3t.VALUE-abcdefghijklmnop', certificates: [] as string[],
    permissions: ['User.Read.All'], tokenLifetimeSec: 3599, users: 5 as FakeGraphOptions['users'], managedDevices: 4 as FakeGraphOptions['managedDevices'],
    intunePageSize: 1000, intune: true, devices: 4 as FakeGraphOptions['devices'], groups: DEFAULT_GROUPS, resource: 'https://graph.microsoft.com', ...opts,
  };
  const listOf = (v: number | Array<Record<string, unknown>> | undefined, make: (i: number) => Record<string, unknown>) =>
    typeof v === 'number' ? Array.from({ length: v }, (_, k) => make(k + 1)) : (v ?? []);
  const users = listOf(o.users, (i) => makeGraphUser(i, o.domain));
  const managed = listOf(o.managedDevices, (i) => makeManagedDevice(i, o.domain));
  const apps = new Map(managed.map((d, k) => [String(d.id), makeDetectedApps(k + 1)]));
  const devices = listOf(o.devices, makeEntraDevice);
  const sps = [1, 2].map(makeServicePrincipal);
  const contacts = [1, 2].map(makeOrgContact);
  const groups = o.groups.map((g, k) => makeGroup(k + 1, g.displayName, { securityEnabled: g.securityEnabled, mail: g.mail }));
  const typed = (type: string, list: Array<Record<string, unknown>>) => list.map((item) => ({ '@odata.type': type, ...item }));
  const refs: Record<string, Array<Record<string, unknown>>> = {
    user: typed('#microsoft.graph.user', users), device: typed('#microsoft.graph.device', devices), group: typed('#microsoft.graph.group', groups),
    sp: typed('#microsoft.graph.servicePrincipal', sps), contact: typed('#microsoft.graph.orgContact', contacts),
  };
  const object = (ref: string) => {
    const [kind, n] = ref.split(':');
    const found = refs[kind]?.[Number(n) - 1];
    if (!found) throw new Error(`fake Graph: no directory object "${ref}"`);
    return found;
  };
  // The default groups name what a default directory has; with fewer users or devices, the missing ones are left out.
  const lenient = o.groups === DEFAULT_GROUPS;
  const resolve = (names: string[]) => names.filter((r) => !lenient || existing(r)).map(object);
  const existing = (ref: string) => {
    const [kind, n] = ref.split(':');
    return refs[kind]?.[Number(n) - 1] !== undefined;
  };
  const membersOf = new Map(groups.map((g, k) => [String(g.id), resolve(o.groups[k].members)]));
  const ownersOf = new Map(devices.map((d, k) => [String(d.id), (o.owners?.[k + 1] ?? (users[k] ? [`user:${k + 1}`] : [])).map(object)]));

  let throttle = { count: 0, retryAfter: undefined as number | undefined, after: 0 };
  let expireAfterPages = -1;
  const failures: Array<{ path: RegExp; status: number; times: number }> = [];
  const pages: FakeGraph['pages'] = [];
  let server: TestServer;
  const tokenEndpoint = new FakeTokenEndpoint(
    { tenantId: o.tenantId, domain: o.domain, clientId: o.clientId, clientSecret: o.clientSecret, certificates: o.certificates, permissions: o.permissions, tokenLifetimeSec: o.tokenLifetimeSec, resource: o.resource },
    () => server.url,
  );

  /** Delta bookkeeping: a version clock, each object's last change, deletions, tokens older than `expiredBefore`. */
  let version = 0;
  let expiredBefore = 0;
  const changedAt = new Map<string, number>();
  const tombstones: Array<{ kind: string; id: string; at: number }> = [];
  const kindList = (kind: 'user' | 'device') => (kind === 'user' ? users : devices);

  const fake = {
    pages,
    assertions: tokenEndpoint.assertions,
    change: (kind: 'user' | 'device', i: number, props: Record<string, unknown>) => {
      const item = kindList(kind)[i - 1];
      Object.assign(item, props);
      changedAt.set(String(item.id), ++version);
    },
    remove: (kind: 'user' | 'device', i: number) => {
      const list = kindList(kind);
      const [item] = list.splice(i - 1, 1);
      tombstones.push({ kind, id: String(item.id), at: ++version });
    },
    expireDeltaTokens: () => void (expiredBefore = version + 1),
    user: (i: number) => users[i - 1],
    managedDevice: (i: number) => managed[i - 1],
    detectedApps: (i: number) => apps.get(String(managed[i - 1].id)) ?? [],
    device: (i: number) => devices[i - 1],
    group: (i: number) => groups[i - 1],
    object,
    throttle: (count: number, t: { retryAfterSec?: number; afterPages?: number } = {}) =>
      void (throttle = { count, retryAfter: t.retryAfterSec, after: t.afterPages ?? 0 }),
    expireTokensAfterPages: (n: number) => void (expireAfterPages = n),
    fail: (path: RegExp, f: { status?: number; times?: number } = {}) => void failures.push({ path, status: f.status ?? 500, times: f.times ?? Infinity }),
  };

  /** What every Graph request goes through: the token, the permission, throttling, injected failures. */
  const gate = (req: RecordedRequest, permissions: readonly string[], style: Style): { refused: TestResponse } | { roles: string[] } => {
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('Bearer ')) return { refused: graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.') };
    const info = tokenEndpoint.tokens.get(header.slice(7));
    if (!info) return { refused: graphError(401, 'InvalidAuthenticationToken', 'CompactToken parsing failed with error code: 80049217') };
    if (info.expires <= Date.now()) return { refused: graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.') };
    if (!info.roles.some((r) => permissions.includes(r))) {
      return {
        refused: style === 'intune'
          ? intuneError(403, 'Forbidden', `Application is not authorized to perform this operation. Application must have one of the following scopes: ${permissions.join(', ')}`)
          : graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'),
      };
    }
    if (throttle.count > 0 && throttle.after === 0) {
      throttle.count--;
      const headers: Record<string, string> = throttle.retryAfter === undefined ? {} : { 'Retry-After': String(throttle.retryAfter) };
      if (style === 'directory') Object.assign(headers, { 'x-ms-throttle-scope': `Tenant_Application/ReadOnly/${o.tenantId}/${o.clientId}`, 'x-ms-throttle-information': 'ResourceUnitLimitExceeded' });
      return { refused: graphError(429, 'TooManyRequests', 'Too many requests', headers) };
    }
    const failure = failures.find((f) => f.times > 0 && f.path.test(req.path));
    if (failure) {
      failure.times--;
      if (failure.status === 404) {
        return { refused: style === 'intune' ? intuneError(404, 'ResourceNotFound', 'Resource not found') : graphError(404, 'Request_ResourceNotFound', `Resource '${req.path.split('/')[3]}' does not exist or one of its queried reference-property objects are not present.`) };
      }
      return { refused: graphError(failure.status, 'UnknownError', '') };
    }
    return { roles: info.roles };
  };

  /** A successful answer counts towards throttle({ afterPages }) and expireTokensAfterPages. */
  const served = (body: unknown): TestResponse => {
    if (expireAfterPages > 0 && --expireAfterPages === 0) tokenEndpoint.tokens.clear();
    if (throttle.after > 0) throttle.after--;
    return { json: body };
  };

  const record = (req: RecordedRequest, r: TestResponse) => (pages.push({ path: req.path, query: req.query, status: r.status ?? 200 }), r);

  /** $select: the listed properties (an unknown one is a 400 naming it), or the defaults. */
  const selected = (req: RecordedRequest, l: Pick<Listing, 'style' | 'selectable' | 'defaults' | 'typeName'>): string[] | TestResponse => {
    const select = req.query.$select === undefined ? [...l.defaults] : req.query.$select.split(',').map((p) => p.trim());
    const unknown = select.find((p) => !l.selectable(p));
    if (unknown === undefined) return select;
    return l.style === 'intune'
      ? graphError(400, 'BadRequest', `Could not find a property named '${unknown}' on type '${l.typeName}'.`)
      : graphError(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type '${l.typeName}'.`);
  };

  const list = (req: RecordedRequest, l: Listing, permissions: readonly string[]): TestResponse => {
    const gated = gate(req, permissions, l.style);
    if ('refused' in gated) return gated.refused;
    const top = req.query.$top === undefined ? l.defaultTop : Number(req.query.$top);
    if (!Number.isInteger(top) || top < 1 || top > l.maxTop) {
      return graphError(400, l.style === 'intune' ? 'BadRequest' : 'Request_BadRequest', `Invalid page size specified: '${req.query.$top}'. Must be between 1 and ${l.maxTop} inclusive.`);
    }
    const select = selected(req, l);
    if (!Array.isArray(select)) return select;
    const advanced = String(req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
    if (req.query.$count !== undefined && l.style === 'directory' && !advanced) {
      return graphError(400, 'Request_BadRequest', '$count is not currently supported without the ConsistencyLevel header set to eventual.');
    }
    let items = l.items;
    if (req.query.$filter !== undefined) {
      const clauses = l.filter ? parseFilter(req.query.$filter) : undefined;
      if (!clauses) return graphError(400, l.style === 'intune' ? 'BadRequest' : 'Request_UnsupportedQuery', `Invalid filter clause: ${req.query.$filter}`);
      for (const c of clauses) {
        if (!l.selectable(c.property)) return graphError(400, 'Request_BadRequest', `Property '${c.property}' does not exist as a declared property or extension property.`);
        if (l.style === 'intune' && c.advanced) return intuneError(400, 'BadRequest', `The filter on ${c.property} is not supported.`);
        if (l.style === 'directory' && c.advanced && !(advanced && req.query.$count === 'true')) {
          return graphError(400, 'Request_UnsupportedQuery', `Unsupported or invalid query filter clause specified for property '${c.property}' of resource '${l.resourceName}'.`);
        }
      }
      items = items.filter((item) => clauses.every((c) => c.test(item[c.property])));
    }
    const start = req.query.$skiptoken === undefined ? 0 : Number(Buffer.from(req.query.$skiptoken, 'base64url').toString().replace('offset:', ''));
    const value = items.slice(start, start + top).map((item) => l.view(item, select, gated.roles));
    const body: Record<string, unknown> = { '@odata.context': `${server.url}/v1.0/$metadata#${l.context}`, value };
    if (req.query.$count === 'true' && start === 0) body['@odata.count'] = items.length;
    if (start + top < items.length) {
      const rest = Object.fromEntries(Object.entries(req.query).filter(([k]) => k !== '$skiptoken'));
      const next = new URLSearchParams({ ...rest, $skiptoken: Buffer.from(`offset:${start + top}`).toString('base64url') });
      body['@odata.nextLink'] = `${server.url}${req.path}?${next.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
    }
    return served(body);
  };

  const usersListing: Listing = {
    style: 'directory', items: users, typeName: 'Microsoft.DirectoryServices.User', resourceName: 'User',
    selectable: (p) => GRAPH_USER_PROPERTIES.includes(p) || (p.startsWith('extension_') && users.some((u) => p in u)),
    defaults: DEFAULT_PROPERTIES, view: plain, maxTop: 999, defaultTop: 100, context: 'users', filter: true,
  };
  const managedListing: Listing = {
    style: 'intune', items: managed, typeName: 'microsoft.graph.managedDevice', resourceName: 'managedDevice',
    selectable: (p) => MANAGED_DEVICE_PROPERTIES.includes(p), defaults: MANAGED_DEVICE_PROPERTIES,
    // A list returns the detail-only properties at their defaults, selected or not.
    view: (item, select) => Object.fromEntries(select.map((p) => [p, p in MANAGED_DEVICE_DETAIL_PROPERTIES ? MANAGED_DEVICE_DETAIL_PROPERTIES[p] : (item[p] ?? null)])),
    maxTop: 1000, defaultTop: o.intunePageSize, context: 'deviceManagement/managedDevices', filter: true,
  };
  const devicesListing: Listing = {
    style: 'directory', items: devices, typeName: 'Microsoft.DirectoryServices.Device', resourceName: 'Device',
    selectable: (p) => DEVICE_PROPERTIES.includes(p), defaults: DEVICE_DEFAULT_PROPERTIES, view: plain,
    maxTop: 999, defaultTop: 100, context: 'devices', filter: true,
  };
  const groupsListing: Listing = {
    style: 'directory', items: groups, typeName: 'Microsoft.DirectoryServices.Group', resourceName: 'Group',
    selectable: (p) => GROUP_PROPERTIES.includes(p), defaults: GROUP_DEFAULT_PROPERTIES, view: plain,
    maxTop: 999, defaultTop: 100, context: 'groups', filter: true,
  };
  const directoryObjects = (items: Array<Record<string, unknown>>, context: string): Listing => ({
    style: 'directory', items, typeName: 'Microsoft.DirectoryServices.DirectoryObject', resourceName: 'DirectoryObject',
    selectable: (p) => DIRECTORY_OBJECT_PROPERTIES.has(p), defaults: ['id', 'displayName'], view: directoryObject,
    maxTop: 999, defaultTop: 100, context, filter: false,
  });
  /** Members of nested groups too, each object once (the nested groups themselves included), as transitiveMembers lists them. */
  const transitive = (groupId: string, seen = new Set<string>()): Array<Record<string, unknown>> => {
    const out: Array<Record<string, unknown>> = [];
    for (const member of membersOf.get(groupId) ?? []) {
      const id = String(member.id);
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(member);
      if (member['@odata.type'] === '#microsoft.graph.group') out.push(...transitive(id, seen));
    }
    return out;
  };
  const notFound = (id: string, style: Style) => (style === 'intune'
    ? intuneError(404, 'ResourceNotFound', `Resource not found for the segment '${id}'.`)
    : graphError(404, 'Request_ResourceNotFound', `Resource '${id}' does not exist or one of its queried reference-property objects are not present.`));

  /** One delta round: `state` is "since:offset:select" in the tokens (base64url), opaque to the client. */
  const delta = (req: RecordedRequest, l: Listing, kind: 'user' | 'device', permissions: readonly string[]): TestResponse => {
    const gated = gate(req, permissions, l.style);
    if ('refused' in gated) return gated.refused;
    if (req.query.$filter !== undefined) return graphError(400, 'Request_UnsupportedQuery', 'Unsupported query.');
    let since = -1;
    let offset = 0;
    let select: string[];
    const token = req.query.$deltatoken ?? req.query.$skiptoken;
    if (token !== undefined) {
      const m = /^v1:(-?\d+):(\d+):([\w,]*)$/.exec(Buffer.from(token, 'base64url').toString());
      if (!m) return graphError(400, 'Request_BadRequest', 'Badly formed token.');
      if (req.query.$deltatoken !== undefined && Number(m[1]) < expiredBefore) {
        return graphError(410, 'syncStateNotFound', 'The sync state generation is not found. Please restart the sync.');
      }
      since = Number(m[1]);
      offset = Number(m[2]);
      select = m[3].split(',').filter(Boolean);
    } else {
      const chosen = selected(req, l);
      if (!Array.isArray(chosen)) return chosen;
      select = chosen;
    }
    const current = since < 0 ? version : Math.max(since, version);
    const changed = l.items.filter((item) => since < 0 || (changedAt.get(String(item.id)) ?? 0) > since).map((item) => l.view(item, select, gated.roles));
    const gone = since < 0 ? [] : tombstones.filter((t) => t.kind === kind && t.at > since).map((t) => ({ id: t.id, '@removed': { reason: 'deleted' } }));
    const all = [...changed, ...gone];
    const size = o.deltaPageSize ?? 100;
    const value = all.slice(offset, offset + size);
    const body: Record<string, unknown> = { '@odata.context': `${server.url}/v1.0/$metadata#${l.context}`, value };
    const link = (param: string, s: number, off: number) =>
      `${server.url}${req.path}?${param}=${Buffer.from(`v1:${s}:${off}:${select.join(',')}`).toString('base64url')}`;
    if (offset + size < all.length) body['@odata.nextLink'] = link('$skiptoken', since, offset + size);
    else body['@odata.deltaLink'] = link('$deltatoken', current, 0);
    return served(body);
  };

  const route = (req: RecordedRequest): TestResponse => {
    const p = req.path;
    let m: RegExpExecArray | null;
    if (p === '/v1.0/users/delta') return delta(req, usersListing, 'user', READ_USERS);
    if (p === '/v1.0/devices/delta') return delta(req, devicesListing, 'device', READ_DEVICES);
    if (p === '/v1.0/users') return list(req, usersListing, READ_USERS);
    if (p === '/v1.0/deviceManagement/managedDevices') {
      if (!o.intune) return intuneError(400, 'BadRequest', 'Request not applicable to target tenant.');
      return list(req, managedListing, READ_MANAGED_DEVICES);
    }
    if ((m = /^\/v1\.0\/deviceManagement\/managedDevices\/([^/]+)$/.exec(p))) {
      const gated = gate(req, READ_MANAGED_DEVICES, 'intune');
      if ('refused' in gated) return gated.refused;
      const select = selected(req, managedListing);
      if (!Array.isArray(select)) return select;
      const device = managed.find((d) => d.id === decodeURIComponent(m![1]));
      return device ? served({ '@odata.context': `${server.url}/v1.0/$metadata#deviceManagement/managedDevices(${select.join(',')})/$entity`, ...plain(device, select) }) : notFound(m[1], 'intune');
    }
    if ((m = /^\/beta\/deviceManagement\/managedDevices\/([^/]+)\/detectedApps$/.exec(p))) {
      const found = apps.get(decodeURIComponent(m[1]));
      if (!found) {
        const gated = gate(req, READ_MANAGED_DEVICES, 'intune');
        return 'refused' in gated ? gated.refused : notFound(m[1], 'intune');
      }
      return list(req, {
        style: 'intune', items: found, typeName: 'microsoft.graph.detectedApp', resourceName: 'detectedApp',
        selectable: (q) => DETECTED_APP_PROPERTIES.includes(q), defaults: DETECTED_APP_PROPERTIES, view: plain,
        maxTop: 1000, defaultTop: o.intunePageSize, context: `deviceManagement/managedDevices('${m[1]}')/detectedApps`, filter: false,
      }, READ_MANAGED_DEVICES);
    }
    if (p === '/v1.0/devices') return list(req, devicesListing, READ_DEVICES);
    if ((m = /^\/v1\.0\/devices\/([^/]+)\/registeredOwners$/.exec(p))) {
      const owners = ownersOf.get(decodeURIComponent(m[1]));
      if (!owners) {
        const gated = gate(req, READ_DEVICES, 'directory');
        return 'refused' in gated ? gated.refused : notFound(m[1], 'directory');
      }
      return list(req, directoryObjects(owners, 'directoryObjects'), READ_DEVICES);
    }
    if (p === '/v1.0/groups') return list(req, groupsListing, READ_GROUPS);
    if ((m = /^\/v1\.0\/groups\/([^/]+)\/(members|transitiveMembers)$/.exec(p))) {
      const id = decodeURIComponent(m[1]);
      if (!membersOf.has(id)) {
        const gated = gate(req, READ_GROUPS, 'directory');
        return 'refused' in gated ? gated.refused : notFound(id, 'directory');
      }
      return list(req, directoryObjects(m[2] === 'members' ? membersOf.get(id)! : transitive(id), 'directoryObjects'), READ_GROUPS);
    }
    return graphError(400, 'BadRequest', `Resource not found for the segment '${p.split('/').pop()}'.`);
  };

  server = await startTestServer((req) => {
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(req.path)) return tokenEndpoint.handle(req);
    if (req.method === 'GET') return record(req, route(req));
    return graphError(405, 'Request_BadRequest', `Method ${req.method} not allowed.`);
  }, { tls: o.tls });

  const result = Object.assign(fake, {
    url: server.url,
    tenantId: o.tenantId,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    requests: server.requests,
    tokensIssued: 0,
    close: () => server.close(),
  });
  // Read when asked: tests compare it after the run.
  Object.defineProperty(result, 'tokensIssued', { get: () => tokenEndpoint.issued });
  return result;
}
