/**
 * Google's OAuth2 token endpoint, the Admin SDK Directory API's device lists and the Android Management API's device
 * list, for the `[chromebooks]`, `[google_mobile_devices]` and `[android_enterprise]` sources:
 * - POST /token, the JWT grant (RFC 7523 2.1; https://developers.google.com/identity/protocols/oauth2/service-account):
 *   verifies the RS256 signature with the public key of the key id in the header (an unknown or deleted key:
 *   400 invalid_grant "Invalid JWT Signature."), then iss, aud (Google's own token URL, whatever URL the assertion was
 *   sent to), iat/exp (at most one hour), every scope (400 invalid_scope) and `sub`: a user the domain does not have
 *   is 400 invalid_grant "Invalid email or User ID"; scopes that domain-wide delegation does not grant to the
 *   account's client ID are 401 unauthorized_client. Tokens live `tokenLifetimeSec`.
 * - GET /admin/directory/v1/customer/my_customer/devices/{chromeos,mobile}
 *   (https://developers.google.com/workspace/admin/directory/reference/rest/v1/chromeosdevices/list, .../mobiledevices/list):
 *   the token's scopes (403 ACCESS_TOKEN_SCOPE_INSUFFICIENT), the administrator it acts for (403 "Not Authorized to
 *   access this resource/api" for a user without the privilege, or for the service account itself), `projection`
 *   BASIC (default) or FULL, `maxResults` up to 300 / 100 (default 100), opaque `pageToken`/`nextPageToken`.
 * - GET /v1/enterprises/{id}/devices (https://developers.google.com/android/management/reference/rest/v1/enterprises.devices/list):
 *   scope androidmanagement, the enterprise must belong to the service account's project (otherwise 403
 *   PERMISSION_DENIED "Caller is not authorized to manage enterprise."; Google's wording as reported, unverified),
 *   `pageSize` default 10, larger than 100 coerced to 100, `pageToken`/`nextPageToken`.
 * - Errors in Google's body shape ({"error":{"code","message","errors":[{reason}],"status","details"}}), an API not
 *   enabled in the project (403 SERVICE_DISABLED), rate limits on demand: 429 rateLimitExceeded / RESOURCE_EXHAUSTED
 *   or 403 userRateLimitExceeded (the Admin SDK's), without Retry-After as Google mostly sends them, or with it.
 * Which fields BASIC leaves out is this server's choice (Google: "only the basic metadata fields").
 */
import crypto, { type KeyObject } from 'node:crypto';
import type https from 'node:https';
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export const GOOGLE_AUDIENCE = 'https://oauth2.googleapis.com/token';
export const SCOPES = {
  chromeos: 'https://www.googleapis.com/auth/admin.directory.device.chromeos.readonly',
  mobile: 'https://www.googleapis.com/auth/admin.directory.device.mobile.readonly',
  android: 'https://www.googleapis.com/auth/androidmanagement',
} as const;
/** Scopes Google knows (a few beyond the ones the sources ask for); anything else is invalid_scope. */
const KNOWN_SCOPES = new Set<string>([
  ...Object.values(SCOPES),
  'https://www.googleapis.com/auth/admin.directory.device.chromeos',
  'https://www.googleapis.com/auth/admin.directory.device.mobile',
  'https://www.googleapis.com/auth/admin.directory.user.readonly',
]);
/** The scopes each list accepts (its "Authorization scopes"). */
const ACCEPTED: Record<Api, string[]> = {
  chromeos: [SCOPES.chromeos, 'https://www.googleapis.com/auth/admin.directory.device.chromeos'],
  mobile: [SCOPES.mobile, 'https://www.googleapis.com/auth/admin.directory.device.mobile'],
  android: [SCOPES.android],
};
const SERVICE: Record<Api, string> = { chromeos: 'admin.googleapis.com', mobile: 'admin.googleapis.com', android: 'androidmanagement.googleapis.com' };
const MAX_PAGE: Record<Api, number> = { chromeos: 300, mobile: 100, android: 100 };

export type Api = 'chromeos' | 'mobile' | 'android';

export interface ServiceAccountKeyFile {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
  auth_provider_x509_cert_url: string;
  client_x509_cert_url: string;
  universe_domain: string;
}

export interface FakeGoogleOptions {
  chromeDevices?: number;
  mobileDevices?: number;
  androidDevices?: number;
  /** Workspace administrators who may read devices. */
  admins?: string[];
  /** Other users of the domain (they exist, but may not read devices). */
  users?: string[];
  /** Scopes domain-wide delegation grants to the service account's client ID (Admin console). */
  delegatedScopes?: string[];
  /** The enterprise the project created; another one answers 403. */
  enterpriseId?: string;
  /** Services not enabled in the service account's project (e.g. admin.googleapis.com). */
  disabledApis?: string[];
  tokenLifetimeSec?: number;
  tls?: https.ServerOptions & { key: string | Buffer; cert: string | Buffer };
}

export interface FakeGoogle {
  url: string;
  /** {url}/token: the token_url setting. */
  tokenUrl: string;
  /** The service account's key file as Google lets you download it; token_uri is Google's own. */
  key: ServiceAccountKeyFile;
  keyJson: string;
  /** The same account with a key Google does not know (deleted, or never uploaded). */
  revokedKeyJson(): string;
  enterpriseId: string;
  requests: RecordedRequest[];
  /** Device list requests, with their answer status. */
  pages: Array<{ api: Api; query: Record<string, string>; status: number }>;
  /** Claims of every assertion received (valid or not). */
  assertions: Array<Record<string, unknown>>;
  tokensIssued: number;
  /** Device i (1-based) as FULL returns it. */
  chromeDevice(i: number): Record<string, unknown>;
  mobileDevice(i: number): Record<string, unknown>;
  androidDevice(i: number): Record<string, unknown>;
  /**
   * After `afterPages` more successful pages, the next `count` device-list requests are rate limited: 429 (default)
   * or, with `status: 403`, the Admin SDK's 403 userRateLimitExceeded; Retry-After only when `retryAfterSec` is given.
   */
  throttle(count: number, opts?: { status?: 429 | 403; retryAfterSec?: number; afterPages?: number }): void;
  /** After `afterPages` more successful pages, the next `count` device-list requests answer `status` (503 backendError). */
  failPages(count: number, opts?: { status?: number; afterPages?: number }): void;
  /** Every token stops being valid after `n` more successful pages (expiry mid-run). */
  expireTokensAfterPages(n: number): void;
  close(): Promise<void>;
}

interface Grant {
  scopes: string[];
  sub?: string;
  expiresAt: number;
}

const pem = (k: KeyObject) => k.export({ type: 'pkcs8', format: 'pem' }) as string;
const keyPairs: Array<{ publicKey: KeyObject; privateKey: KeyObject }> = [];
/** At most two RSA key pairs per test process, made when first needed: generating one takes a noticeable while. */
function rsaKey(n: 0 | 1) {
  return (keyPairs[n] ??= crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }));
}

const PROJECT = 'oomnitza-sync-415210';
const EMAIL = `connector@${PROJECT}.iam.gserviceaccount.com`;

export function serviceAccountKeyFile(privateKey: KeyObject, keyId: string): ServiceAccountKeyFile {
  return {
    type: 'service_account',
    project_id: PROJECT,
    private_key_id: keyId,
    private_key: pem(privateKey),
    client_email: EMAIL,
    client_id: '104593826157349201844',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: GOOGLE_AUDIENCE,
    auth_provider_x509_cert_url: 'https://www.googleapis.com/oauth2/v1/certs',
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(EMAIL)}`,
    universe_domain: 'googleapis.com',
  };
}

const iso = (base: number, hours: number) => new Date(base + hours * 3_600_000).toISOString();
const BASE = Date.UTC(2025, 2, 3, 8, 0, 0);
const mac = (i: number, salt: number) => Array.from({ length: 6 }, (_, k) => ((i * 37 + salt * 11 + k * 53) % 256).toString(16).padStart(2, '0')).join('');

/** A ChromeOsDevice as projection FULL returns it; `i` makes values distinct. */
export function makeChromeDevice(i: number): Record<string, unknown> {
  return {
    kind: 'admin#directory#chromeosdevice',
    etag: `"etag-chrome-${i}"`,
    deviceId: `5e8a${String(i).padStart(4, '0')}-1c2d-4f1a-9b7e-0c3d2e1f${String(i).padStart(4, '0')}`,
    serialNumber: `5CD${String(100_000 + i)}Q`,
    status: i % 6 === 0 ? 'DISABLED' : 'ACTIVE',
    lastSync: iso(BASE, i),
    supportEndDate: '2031-06-01T00:00:00.000Z',
    annotatedUser: i % 3 ? `student${i}@example.edu` : '',
    annotatedLocation: `Room ${100 + i}`,
    annotatedAssetId: `ASSET-${1000 + i}`,
    notes: i % 4 === 0 ? 'Loaner' : '',
    model: ['HP Chromebook 14 G7', 'Lenovo 300e Chromebook Gen 3', 'Acer Chromebook Spin 511'][i % 3],
    orderNumber: `PO-${7700 + (i % 5)}`,
    osVersion: '124.0.6367.225',
    platformVersion: '15823.68.0 (Official Build) stable-channel dedede',
    firmwareVersion: 'Google_Drawcia.13606.459.0',
    macAddress: mac(i, 1),
    bootMode: 'Verified',
    lastEnrollmentTime: iso(BASE, -24 * i),
    orgUnitPath: i % 2 ? '/Students' : '/Staff',
    orgUnitId: i % 2 ? '03ph8a2z1s3ovsg' : '03ph8a2z2d5xxxm',
    // FULL only:
    ethernetMacAddress: i % 5 === 0 ? mac(i, 2) : undefined,
    recentUsers: [{ type: 'USER_TYPE_MANAGED', email: `student${i}@example.edu` }, ...(i % 2 ? [{ type: 'USER_TYPE_UNMANAGED' }] : [])],
    activeTimeRanges: [{ activeTime: 3_600_000 + i, date: '2025-03-02' }, { activeTime: 1_800_000, date: '2025-03-01' }],
    cpuStatusReports: [{ reportTime: iso(BASE, i), cpuUtilizationPercentageInfo: [12, 7], cpuTemperatureInfo: [{ temperature: 41, label: 'soc_thermal' }] }],
    diskVolumeReports: [{ volumeInfo: [{ volumeId: '/home/chronos/user', storageTotal: '53687091200', storageFree: String(20_000_000_000 + i) }] }],
    systemRamTotal: '8589934592',
    lastKnownNetwork: [{ ipAddress: `10.1.${i % 250}.${(i * 7) % 250}`, wanIpAddress: '203.0.113.7' }],
    autoUpdateExpiration: '1906416000000',
    tpmVersionInfo: { family: '2.0', specLevel: '116', manufacturer: 'CROS', tpmModel: '1', firmwareVersion: '0', vendorSpecific: '' },
  };
}
const CHROME_FULL_ONLY = ['ethernetMacAddress', 'recentUsers', 'activeTimeRanges', 'cpuStatusReports', 'diskVolumeReports', 'systemRamTotal', 'lastKnownNetwork', 'autoUpdateExpiration', 'tpmVersionInfo'];

/** A MobileDevice as projection FULL returns it. */
export function makeMobileDevice(i: number): Record<string, unknown> {
  const android = i % 3 !== 0;
  return {
    kind: 'admin#directory#mobiledevice',
    etag: `"etag-mobile-${i}"`,
    resourceId: `AFiQxQ8${String(i).padStart(6, '0')}Zq`,
    deviceId: android ? `android-${(0x3a00 + i).toString(16)}` : `ios-${(0x7b00 + i).toString(16)}`,
    name: [`Employee ${i}`],
    email: [`employee${i}@example.com`, ...(i % 4 === 0 ? [`shared${i}@example.com`] : [])],
    model: android ? 'Pixel 8' : 'iPhone15,2',
    os: android ? 'Android 14' : 'iOS 17.4.1',
    type: android ? 'ANDROID' : 'IOS_SYNC',
    status: 'APPROVED',
    firstSync: iso(BASE, -48 * i),
    lastSync: iso(BASE, i),
    userAgent: android ? 'Android Device Policy 2.0' : 'Google Sync',
    // FULL only:
    serialNumber: android ? `R5CT${String(200_000 + i)}` : '',
    imei: android ? `35${String(1_000_000_000_000 + i)}` : '',
    meid: '',
    wifiMacAddress: mac(i, 3).replace(/(..)(?=.)/g, '$1:'),
    hardwareId: `hw-${i}`,
    brand: android ? 'google' : 'Apple',
    manufacturer: android ? 'Google' : 'Apple',
    releaseVersion: android ? '14' : '17.4.1',
    securityPatchLevel: android ? '1709251200000' : undefined,
    encryptionStatus: 'Encrypted',
    devicePasswordStatus: 'On',
    privilege: android ? 'Device Owner' : 'Undefined',
    applications: android
      ? [{ packageName: 'com.google.android.gm', displayName: 'Gmail', versionName: '2024.03.10', versionCode: 64_000 + i, permission: ['android.permission.INTERNET'] }]
      : undefined,
  };
}
const MOBILE_FULL_ONLY = ['serialNumber', 'imei', 'meid', 'wifiMacAddress', 'hardwareId', 'brand', 'manufacturer', 'releaseVersion', 'securityPatchLevel', 'encryptionStatus', 'devicePasswordStatus', 'privilege', 'applications'];

/** An Android Management API Device; every third one is personally owned (a work profile), with less to report. */
export function makeAndroidDevice(i: number, enterpriseId: string): Record<string, unknown> {
  const personal = i % 3 === 0;
  const id = (0x3d7c_0000 + i).toString(16);
  const esid = `E${String(i).padStart(3, '0')}F8A2C4D6B1`;
  return {
    name: `enterprises/${enterpriseId}/devices/${id}`,
    userName: `enterprises/${enterpriseId}/users/1157${String(i).padStart(8, '0')}`,
    managementMode: personal ? 'PROFILE_OWNER' : 'DEVICE_OWNER',
    ownership: personal ? 'PERSONALLY_OWNED' : 'COMPANY_OWNED',
    state: 'ACTIVE',
    appliedState: 'ACTIVE',
    policyCompliant: i % 5 !== 0,
    policyName: `enterprises/${enterpriseId}/policies/${personal ? 'byod' : 'fully-managed'}`,
    appliedPolicyName: `enterprises/${enterpriseId}/policies/${personal ? 'byod' : 'fully-managed'}`,
    appliedPolicyVersion: String(7 + (i % 3)),
    apiLevel: 34,
    enrollmentTime: iso(BASE, -24 * i),
    lastStatusReportTime: iso(BASE, i),
    lastPolicySyncTime: iso(BASE, i),
    softwareInfo: { androidVersion: '14', securityPatchLevel: '2025-02-05', androidBuildNumber: 'AP2A.240805.005', deviceKernelVersion: '5.15.137' },
    // On a personally owned device running Android 12+, serialNumber is the enterprise-specific ID and no IMEI is reported.
    hardwareInfo: {
      brand: 'google', hardware: 'shiba', manufacturer: 'Google', model: 'Pixel 8',
      serialNumber: personal ? esid : `3A${String(300_000 + i)}`, enterpriseSpecificId: esid,
    },
    networkInfo: personal ? { wifiMacAddress: mac(i, 4).replace(/(..)(?=.)/g, '$1:') } : {
      imei: `35${String(2_000_000_000_000 + i)}`, wifiMacAddress: mac(i, 4).replace(/(..)(?=.)/g, '$1:'), networkOperatorName: 'Vodafone',
    },
    memoryInfo: { totalRam: '8000000000', totalInternalStorage: '128000000000' },
    applicationReports: [
      { packageName: 'com.google.android.apps.docs', displayName: 'Drive', versionName: '2.24.101', versionCode: 101, state: 'INSTALLED', applicationSource: 'INSTALLED_FROM_PLAY_STORE' },
      { packageName: 'com.example.timesheet', versionName: `1.${i}`, versionCode: i, state: 'INSTALLED', applicationSource: 'CUSTOM' },
      { packageName: 'com.example.old', displayName: 'Old app', versionName: '0.9', state: 'REMOVED' },
    ],
  };
}

/**
 * Google's error body. The Admin SDK (an older API) lists `errors[]` with a reason; the Android Management API
 * answers code, message, status and details only.
 */
function googleError(api: Api, status: number, message: string, reason: string, extra: { domain?: string; headers?: Record<string, string>; errorInfo?: string } = {}): TestResponse {
  const rpc = ({ 400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED', 503: 'UNAVAILABLE' } as Record<number, string>)[status];
  const error: Record<string, unknown> = api === 'android'
    ? { code: status, message, status: rpc }
    : { code: status, message, errors: [{ message, domain: extra.domain ?? 'global', reason }], status: rpc };
  if (extra.errorInfo) error.details = [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: extra.errorInfo, domain: 'googleapis.com', metadata: { service: SERVICE[api] } }];
  return { status, headers: extra.headers, json: { error } };
}

/** As the wire carries it: fields left undefined are absent. */
const json = (v: Record<string, unknown>) => JSON.parse(JSON.stringify(v)) as Record<string, unknown>;

const oauthError = (status: number, error: string, description: string): TestResponse => ({ status, json: { error, error_description: description } });

export async function startFakeGoogle(opts: FakeGoogleOptions = {}): Promise<FakeGoogle> {
  const current = rsaKey(0);
  const o = {
    chromeDevices: 5, mobileDevices: 5, androidDevices: 5, admins: ['admin@example.com'], users: ['user@example.com'],
    delegatedScopes: [SCOPES.chromeos, SCOPES.mobile], enterpriseId: 'LC01k9x3qa', disabledApis: [] as string[], tokenLifetimeSec: 3599,
    ...opts,
  };
  const key = serviceAccountKeyFile(current.privateKey, 'a4f1c2d3e4b5a6978877665544332211ffeeddcc');
  const publicKeys = new Map<string, KeyObject>([[key.private_key_id, current.publicKey]]);
  const devices: Record<Api, Array<Record<string, unknown>>> = {
    chromeos: Array.from({ length: o.chromeDevices }, (_, k) => json(makeChromeDevice(k + 1))),
    mobile: Array.from({ length: o.mobileDevices }, (_, k) => json(makeMobileDevice(k + 1))),
    android: Array.from({ length: o.androidDevices }, (_, k) => json(makeAndroidDevice(k + 1, o.enterpriseId))),
  };
  const grants = new Map<string, Grant>();
  // Page tokens are opaque and only valid on this server (a token from another run is refused).
  const nonce = crypto.randomBytes(4).toString('hex');
  const pages: FakeGoogle['pages'] = [];
  const assertions: FakeGoogle['assertions'] = [];
  let throttle = { count: 0, status: 429 as 429 | 403, retryAfter: undefined as number | undefined, after: 0 };
  let failing = { count: 0, status: 503, after: 0 };
  let expireAfter = -1;
  let server: TestServer;

  const fake = {
    tokensIssued: 0,
    pages,
    assertions,
    throttle: (count: number, t: { status?: 429 | 403; retryAfterSec?: number; afterPages?: number } = {}) =>
      void (throttle = { count, status: t.status ?? 429, retryAfter: t.retryAfterSec, after: t.afterPages ?? 0 }),
    failPages: (count: number, f: { status?: number; afterPages?: number } = {}) => void (failing = { count, status: f.status ?? 503, after: f.afterPages ?? 0 }),
    expireTokensAfterPages: (n: number) => void (expireAfter = n),
  };

  const token = (req: RecordedRequest): TestResponse => {
    const form = new URLSearchParams(req.body);
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      return oauthError(400, 'unsupported_grant_type', `Invalid grant_type: ${form.get('grant_type') ?? ''}`);
    }
    const parts = (form.get('assertion') ?? '').split('.');
    let header: Record<string, unknown>;
    let claims: Record<string, unknown>;
    try {
      if (parts.length !== 3) throw new Error('not a JWS');
      [header, claims] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
    } catch {
      return oauthError(400, 'invalid_request', 'Invalid JWT.');
    }
    assertions.push(claims);
    const publicKey = publicKeys.get(String(header.kid));
    const signed = publicKey && header.alg === 'RS256' && crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, Buffer.from(parts[2], 'base64url'));
    if (!signed) return oauthError(400, 'invalid_grant', 'Invalid JWT Signature.');
    if (claims.iss !== key.client_email) return oauthError(400, 'invalid_grant', 'Invalid grant: account not found');
    if (claims.aud !== GOOGLE_AUDIENCE) return oauthError(400, 'invalid_grant', `Invalid JWT: Failed audience check. The right audience is ${GOOGLE_AUDIENCE}`);
    const now = Math.floor(Date.now() / 1000);
    const { iat, exp } = claims as { iat: unknown; exp: unknown };
    if (typeof iat !== 'number' || typeof exp !== 'number' || exp - iat > 3600 || exp <= now || iat > now + 60) {
      return oauthError(400, 'invalid_grant', 'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.');
    }
    const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    if (!scopes.length || scopes.some((s) => !KNOWN_SCOPES.has(s))) return oauthError(400, 'invalid_scope', 'Invalid OAuth scope or ID token audience provided.');
    const sub = claims.sub as string | undefined;
    if (sub !== undefined) {
      if (![...o.admins, ...o.users].includes(sub)) return oauthError(400, 'invalid_grant', 'Invalid email or User ID');
      if (scopes.some((s) => !o.delegatedScopes.includes(s))) {
        return oauthError(401, 'unauthorized_client', 'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.');
      }
    }
    const access = `ya29.${crypto.randomBytes(24).toString('base64url')}`;
    grants.set(access, { scopes, sub, expiresAt: Date.now() + o.tokenLifetimeSec * 1000 });
    fake.tokensIssued++;
    return { json: { access_token: access, expires_in: o.tokenLifetimeSec, token_type: 'Bearer' } };
  };

  /** The checks every Google API makes before it reads anything: the token, the project's APIs, the scopes. */
  const authorize = (req: RecordedRequest, api: Api): { grant: Grant } | { refused: TestResponse } => {
    const bearer = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    const grant = bearer ? grants.get(bearer) : undefined;
    if (!grant || grant.expiresAt <= Date.now()) {
      return {
        refused: googleError(api, 401, 'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
          'authError', { headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' }, errorInfo: 'ACCESS_TOKEN_EXPIRED' }),
      };
    }
    if (o.disabledApis.includes(SERVICE[api])) {
      const name = api === 'android' ? 'Android Management API' : 'Admin SDK API';
      return {
        refused: googleError(api, 403, `${name} has not been used in project 318024557612 before or it is disabled. Enable it by visiting https://console.developers.google.com/apis/api/${SERVICE[api]}/overview?project=318024557612 then retry. If you enabled this API recently, wait a few minutes for the action to propagate to our systems and retry.`,
          'accessNotConfigured', { domain: 'usageLimits', errorInfo: 'SERVICE_DISABLED' }),
      };
    }
    if (!grant.scopes.some((s) => ACCEPTED[api].includes(s))) {
      return { refused: googleError(api, 403, 'Request had insufficient authentication scopes.', 'insufficientPermissions', { errorInfo: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT' }) };
    }
    return { grant };
  };

  const list = (req: RecordedRequest, api: Api): TestResponse => {
    const answer = (r: TestResponse) => (pages.push({ api, query: req.query, status: r.status ?? 200 }), r);
    const auth = authorize(req, api);
    if ('refused' in auth) return answer(auth.refused);
    if (api === 'android') {
      const enterprise = /^\/v1\/enterprises\/([^/]+)\/devices$/.exec(req.path)![1];
      if (enterprise !== o.enterpriseId) return answer(googleError(api, 403, 'Caller is not authorized to manage enterprise.', 'forbidden'));
    } else {
      // Only an administrator with the device privilege may list; the service account itself (no sub) is no administrator here.
      if (!auth.grant.sub || !o.admins.includes(auth.grant.sub)) return answer(googleError(api, 403, 'Not Authorized to access this resource/api', 'forbidden'));
      const projection = req.query.projection ?? 'BASIC';
      if (projection !== 'BASIC' && projection !== 'FULL') return answer(googleError(api, 400, `Invalid value at 'projection' (${projection})`, 'invalid'));
    }
    if (throttle.count > 0 && throttle.after === 0) {
      throttle.count--;
      const headers: Record<string, string> = throttle.retryAfter === undefined ? {} : { 'Retry-After': String(throttle.retryAfter) };
      const quota = `Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user' of service '${SERVICE[api]}' for consumer 'project_number:318024557612'.`;
      return answer(throttle.status === 403
        ? googleError(api, 403, quota, 'userRateLimitExceeded', { domain: 'usageLimits', headers })
        : googleError(api, 429, quota, 'rateLimitExceeded', { domain: 'usageLimits', headers, errorInfo: 'RATE_LIMIT_EXCEEDED' }));
    }
    if (failing.count > 0 && failing.after === 0) {
      failing.count--;
      return answer(googleError(api, failing.status, failing.status >= 500 ? 'Backend Error' : 'Injected failure', failing.status >= 500 ? 'backendError' : 'invalid'));
    }
    const sizeParam = api === 'android' ? 'pageSize' : 'maxResults';
    const asked = req.query[sizeParam] === undefined ? (api === 'android' ? 10 : 100) : Number(req.query[sizeParam]);
    if (!Number.isInteger(asked) || asked < 1 || (api !== 'android' && asked > MAX_PAGE[api])) {
      return answer(googleError(api, 400, `Invalid value for ${sizeParam}: ${req.query[sizeParam]}`, 'invalid'));
    }
    // The Android Management API coerces a pageSize above 100 to 100.
    const size = Math.min(asked, MAX_PAGE[api]);
    let start = 0;
    if (req.query.pageToken !== undefined) {
      const decoded = /^(\w+):(\d+)$/.exec(Buffer.from(req.query.pageToken, 'base64url').toString());
      if (!decoded || decoded[1] !== `${nonce}${api}`) return answer(googleError(api, 400, 'Invalid page token.', 'invalid'));
      start = Number(decoded[2]);
    }
    const projection = api === 'android' ? 'FULL' : req.query.projection ?? 'BASIC';
    const fullOnly = api === 'chromeos' ? CHROME_FULL_ONLY : api === 'mobile' ? MOBILE_FULL_ONLY : [];
    const shown = devices[api].slice(start, start + size).map((d) => json(projection === 'FULL' ? d : Object.fromEntries(Object.entries(d).filter(([k]) => !fullOnly.includes(k)))));
    const next = start + size < devices[api].length ? Buffer.from(`${nonce}${api}:${start + size}`).toString('base64url') : undefined;
    const body = api === 'android'
      ? { devices: shown, ...(next ? { nextPageToken: next } : {}) }
      : { kind: `admin#directory#${api === 'chromeos' ? 'chromeosdevices' : 'mobiledevices'}`, etag: `"list-${start}"`, [api === 'chromeos' ? 'chromeosdevices' : 'mobiledevices']: shown, ...(next ? { nextPageToken: next } : {}) };
    if (expireAfter > 0 && --expireAfter === 0) grants.clear();
    if (throttle.after > 0) throttle.after--;
    if (failing.after > 0) failing.after--;
    return answer({ json: body });
  };

  server = await startTestServer((req) => {
    if (req.method === 'POST' && req.path === '/token') return token(req);
    if (req.method === 'GET' && req.path === '/admin/directory/v1/customer/my_customer/devices/chromeos') return list(req, 'chromeos');
    if (req.method === 'GET' && req.path === '/admin/directory/v1/customer/my_customer/devices/mobile') return list(req, 'mobile');
    if (req.method === 'GET' && /^\/v1\/enterprises\/[^/]+\/devices$/.test(req.path)) return list(req, 'android');
    return { status: 404, headers: { 'content-type': 'text/html' }, body: `<!DOCTYPE html><html><title>Error 404 (Not Found)!!1</title><p>The requested URL <code>${req.path}</code> was not found on this server.</p></html>` };
  }, { tls: o.tls });

  return Object.assign(fake, {
    url: server.url,
    tokenUrl: `${server.url}/token`,
    key,
    keyJson: JSON.stringify(key),
    revokedKeyJson: () => JSON.stringify(serviceAccountKeyFile(rsaKey(1).privateKey, '0badc0de0badc0de0badc0de0badc0de0badc0de')),
    enterpriseId: o.enterpriseId,
    requests: server.requests,
    chromeDevice: (i: number) => devices.chromeos[i - 1],
    mobileDevice: (i: number) => devices.mobile[i - 1],
    androidDevice: (i: number) => devices.android[i - 1],
    close: () => server.close(),
  });
}
