/**
 * A Microsoft Entra ID token endpoint and a Microsoft Graph `/v1.0/users`, speaking their documented wire shapes:
 * - POST /{tenant}/oauth2/v2.0/token, client credentials in the form body
 *   (https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow): checks the tenant, the
 *   client id, the secret, the grant type and the scope, and answers the AADSTS errors Entra ID answers
 *   (https://learn.microsoft.com/entra/identity-platform/reference-error-codes) in its body shape
 *   (error, error_description with trace lines, error_codes, ...). Tokens expire after `tokenLifetimeSec`.
 * - GET /v1.0/users (https://learn.microsoft.com/graph/api/user-list): bearer tokens checked (401
 *   InvalidAuthenticationToken), the application permission checked (403 Authorization_RequestDenied), `$top` 1-999,
 *   `$select` checked against the v1.0 user properties (400 Request_BadRequest), the default property set without
 *   it, `@odata.nextLink` pages with an opaque `$skiptoken` (https://learn.microsoft.com/graph/paging), and 429
 *   TooManyRequests with or without Retry-After on demand (https://learn.microsoft.com/graph/throttling).
 * Graph's error body: {"error":{"code","message","innerError":{date,request-id,client-request-id}}}.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type https from 'node:https';
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
/** Application permissions that allow listing users. */
const READ_USERS = ['User.Read.All', 'User.ReadWrite.All', 'Directory.Read.All', 'Directory.ReadWrite.All'];
export const COST_CENTER = 'extension_b7d8e648520f41d3b9c0fdeb91768a0a_costCenter';

export interface FakeGraphOptions {
  tenantId?: string;
  /** The tenant's initial domain; also accepted in the token path. */
  domain?: string;
  clientId?: string;
  clientSecret?: string;
  /** Application permissions consented for the app (the token's roles). */
  permissions?: string[];
  tokenLifetimeSec?: number;
  /** How many users, or the users themselves. */
  users?: number | Array<Record<string, unknown>>;
  /** The resource the app may ask tokens for (scope = resource + '/.default'). */
  resource?: string;
  tls?: https.ServerOptions & { key: string | Buffer; cert: string | Buffer };
}

export interface FakeGraph {
  url: string;
  /** POST {url}/{tenant}/oauth2/v2.0/token is served here too. */
  tenantId: string;
  clientId: string;
  clientSecret: string;
  requests: RecordedRequest[];
  /** Requests to /v1.0/users, with their answer status. */
  pages: Array<{ query: Record<string, string>; status: number }>;
  tokensIssued: number;
  /** The full Graph user i (1-based), every property it has. */
  user(i: number): Record<string, unknown>;
  /**
   * After `afterPages` more successful user pages, the next `count` user requests answer 429, with Retry-After when
   * `retryAfterSec` is given (Graph sends it on most throttled answers, not all).
   */
  throttle(count: number, opts?: { retryAfterSec?: number; afterPages?: number }): void;
  /** Every token stops being valid after `n` more successful user pages (expiry mid-run). */
  expireTokensAfterPages(n: number): void;
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

/** Entra ID's OAuth error body: the AADSTS line, then trace lines, and the error code list. */
function aadError(status: number, error: string, code: number, text: string): TestResponse {
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const trace = randomUUID();
  const correlation = randomUUID();
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${trace}\r\nCorrelation ID: ${correlation}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: trace,
      correlation_id: correlation,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

function graphError(status: number, code: string, message: string, headers: Record<string, string> = {}): TestResponse {
  const id = randomUUID();
  return {
    status,
    headers: { 'request-id': id, 'client-request-id': id, ...headers },
    json: { error: { code, message, innerError: { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': id, 'client-request-id': id } } },
  };
}

export async function startFakeMicrosoftGraph(opts: FakeGraphOptions = {}): Promise<FakeGraph> {
  const o = {
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47', domain: 'contoso.onmicrosoft.com',
    clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', clientSecret: 'Qx8Q~s3cr3t.VALUE-abcdefghijklmnop',
    permissions: ['User.Read.All'], tokenLifetimeSec: 3599, users: 5, resource: 'https://graph.microsoft.com', ...opts,
  };
  const users = typeof o.users === 'number' ? Array.from({ length: o.users }, (_, k) => makeGraphUser(k + 1, o.domain)) : o.users;
  const tokens = new Map<string, { expires: number; roles: string[] }>();
  let throttle = { count: 0, retryAfter: undefined as number | undefined, after: 0 };
  let expireAfterPages = -1;
  const pages: FakeGraph['pages'] = [];
  let server: TestServer;

  const fake = {
    tokensIssued: 0,
    pages,
    user: (i: number) => users[i - 1],
    throttle: (count: number, t: { retryAfterSec?: number; afterPages?: number } = {}) =>
      void (throttle = { count, retryAfter: t.retryAfterSec, after: t.afterPages ?? 0 }),
    expireTokensAfterPages: (n: number) => void (expireAfterPages = n),
  };

  const token = (req: RecordedRequest): TestResponse => {
    const tenant = decodeURIComponent(req.path.split('/')[1]);
    if (tenant !== o.tenantId && tenant !== o.domain) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`);
    }
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    }
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'client_credentials') {
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    }
    const clientId = form.get('client_id') ?? '';
    if (clientId !== o.clientId) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${o.domain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`);
    }
    const scope = form.get('scope') ?? '';
    if (!scope.endsWith('/.default')) {
      return aadError(400, 'invalid_scope', 1002012, `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`);
    }
    if (scope !== `${o.resource}/.default`) {
      return aadError(400, 'invalid_resource', 500011, `The resource principal named ${scope.replace(/\/\.default$/, '')} was not found in the tenant named ${o.domain}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`);
    }
    const secret = form.get('client_secret');
    if (!secret) return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    if (secret !== o.clientSecret) {
      return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${o.clientId}'.`);
    }
    const access = randomBytes(32).toString('base64url');
    tokens.set(access, { expires: Date.now() + o.tokenLifetimeSec * 1000, roles: o.permissions });
    fake.tokensIssued++;
    return { json: { token_type: 'Bearer', expires_in: o.tokenLifetimeSec, ext_expires_in: o.tokenLifetimeSec, access_token: access } };
  };

  const listUsers = (req: RecordedRequest): TestResponse => {
    const answer = (r: TestResponse) => (pages.push({ query: req.query, status: r.status ?? 200 }), r);
    const header = String(req.headers.authorization ?? '');
    if (!header.startsWith('Bearer ')) return answer(graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.'));
    const info = tokens.get(header.slice(7));
    if (!info) return answer(graphError(401, 'InvalidAuthenticationToken', 'CompactToken parsing failed with error code: 80049217'));
    if (info.expires <= Date.now()) return answer(graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.'));
    if (!info.roles.some((r) => READ_USERS.includes(r))) return answer(graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.'));
    if (throttle.count > 0 && throttle.after === 0) {
      throttle.count--;
      const retry: Record<string, string> = throttle.retryAfter === undefined ? {} : { 'Retry-After': String(throttle.retryAfter) };
      return answer(graphError(429, 'TooManyRequests', 'Too many requests', retry));
    }
    const top = req.query.$top === undefined ? 100 : Number(req.query.$top);
    if (!Number.isInteger(top) || top < 1 || top > 999) {
      return answer(graphError(400, 'Request_BadRequest', `Invalid page size specified: '${req.query.$top}'. Must be between 1 and 999 inclusive.`));
    }
    const select = req.query.$select === undefined ? DEFAULT_PROPERTIES : req.query.$select.split(',').map((p) => p.trim());
    const unknown = select.find((p) => !GRAPH_USER_PROPERTIES.includes(p) && !(p.startsWith('extension_') && users.some((u) => p in u)));
    if (unknown !== undefined) {
      return answer(graphError(400, 'Request_BadRequest', `Could not find a property named '${unknown}' on type 'Microsoft.DirectoryServices.User'.`));
    }
    const start = req.query.$skiptoken === undefined ? 0 : Number(Buffer.from(req.query.$skiptoken, 'base64url').toString().replace('offset:', ''));
    const slice = users.slice(start, start + top);
    const value = slice.map((u) => Object.fromEntries(select.map((p) => [p, u[p] ?? null])));
    const body: Record<string, unknown> = { '@odata.context': `${server.url}/v1.0/$metadata#users(${select.join(',')})`, value };
    if (start + top < users.length) {
      const next = new URLSearchParams({ $top: String(top), ...(req.query.$select ? { $select: req.query.$select } : {}), $skiptoken: Buffer.from(`offset:${start + top}`).toString('base64url') });
      body['@odata.nextLink'] = `${server.url}/v1.0/users?${next.toString().replace(/%24/g, '$').replace(/%2C/g, ',')}`;
    }
    if (expireAfterPages > 0 && --expireAfterPages === 0) tokens.clear();
    if (throttle.after > 0) throttle.after--;
    return answer({ json: body });
  };

  server = await startTestServer((req) => {
    if (req.method === 'POST' && /^\/[^/]+\/oauth2\/v2\.0\/token$/.test(req.path)) return token(req);
    if (req.method === 'GET' && req.path === '/v1.0/users') return listUsers(req);
    return graphError(400, 'BadRequest', `Resource not found for the segment '${req.path.split('/').pop()}'.`);
  }, { tls: o.tls });

  return Object.assign(fake, {
    url: server.url,
    tenantId: o.tenantId,
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    requests: server.requests,
    close: () => server.close(),
  });
}
