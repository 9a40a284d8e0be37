/**
 * A Workspace ONE UEM test server: the REST API (MDM and MAM, version 1) and the OAuth token service on one
 * port, answering as UEM does:
 * - Basic `username:password` with `aw-tenant-code: <tenant code>`, or `Authorization: Bearer <token>` from
 *   `POST /connect/token` (Basic `client_id:client_secret`, form `grant_type=client_credentials`; a wrong client
 *   answers 400 `{"error":"invalid_client"}` as the IdentityServer-based token service does).
 * - A refused Basic login is 401 `{"errorCode":1005,"message":"User credentials are incorrect.","activityId"}`;
 *   a wrong or missing tenant code 401 with errorCode 1001; an unknown or expired token 401 with an empty body
 *   and `WWW-Authenticate: Bearer error="invalid_token"`; a role without the permission 403. (UEM's exact
 *   wording is not published; the codes are as UEM answers them in the field.)
 * - Without `Accept: application/json` UEM answers XML (so a client that forgets it gets XML here too).
 * - Lists page by `page` (from 0) and `pagesize`/`pageSize` (any case, default 500); past the end UEM answers 204
 *   with no body, except a device's apps, which end with a 200 and an empty `app_items`.
 * - On request: throttling (429 with X-RateLimit-Limit/-Remaining/-Reset, the reset an epoch time in seconds, and
 *   429 again for any request before it), one device whose detail calls fail, tokens that expire, denied areas.
 */
import { InFlightCounter, startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface FakeWorkspaceOneOptions {
  devices?: number;
  /** Apps in the managed catalogue (one more, without a Uuid, is always listed). */
  apps?: number;
  /** Installed apps of device i; default (i % 4) + 1. */
  installed?: (i: number) => number;
  /** Device Uuids sent as `{"Value": "..."}` (older UEM) instead of a string. */
  uuidObjects?: boolean;
  /** REST areas this account may not read (403). */
  deny?: Array<'mdm' | 'mam' | 'network'>;
  /** Delay before answering a device search page, so that pages read in parallel overlap. */
  pageDelayMs?: number;
  /** Delay before answering any other API request, so that concurrent requests are seen as such. */
  requestDelayMs?: number;
  tokenLifetimeSec?: number;
}

export interface FakeWorkspaceOne {
  url: string;
  tokenUrl: string;
  username: string;
  password: string;
  tenantCode: string;
  clientId: string;
  clientSecret: string;
  depGroup: string;
  server: TestServer;
  /** API request lines (method, path and query as sent), token requests excluded. */
  log: string[];
  statuses: number[];
  tokensIssued: number;
  /** Most device search pages in flight at once, and most API requests of any kind. */
  maxPagesInFlight: number;
  maxInFlight: number;
  device(i: number): Record<string, unknown>;
  deviceUuid(i: number): string;
  network(i: number): Record<string, unknown>;
  depEntry(i: number): Record<string, unknown> | undefined;
  /** The catalogue apps (k = 1..apps) that device i has installed. */
  managedAppsOf(i: number): number[];
  catalogueApp(k: number): Record<string, unknown>;
  installedApp(i: number, j: number): Record<string, unknown>;
  installedCount(i: number): number;
  /** After `after` more API requests, the next `times` answer 429, and so does every request until the reset they name. */
  throttle(times?: number, after?: number): void;
  /** The network and apps calls of device i answer `status` (with UEM's error body). */
  failDevice(i: number, status: number): void;
  /** The tokens issued so far stop working after `requests` more API requests (0: now). */
  expireTokens(requests?: number): void;
  close(): Promise<void>;
}

const uemError = (status: number, errorCode: number, message: string, headers: Record<string, string> = {}): TestResponse => ({
  status, headers, json: { errorCode, message, activityId: '7f3c2a9e-4b1d-4c8e-9a0f-2d6b5e8c1a47' },
});

/** Query parameters as ASP.NET binds them: names are case-insensitive. */
function param(req: RecordedRequest, name: string): string | undefined {
  const key = Object.keys(req.query).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : req.query[key];
}

export async function startFakeWorkspaceOne(opts: FakeWorkspaceOneOptions = {}): Promise<FakeWorkspaceOne> {
  const count = opts.devices ?? 7;
  const appCount = opts.apps ?? 4;
  const installedCount = opts.installed ?? ((i: number) => (i % 4) + 1);
  const deny = new Set(opts.deny ?? []);
  const lifetime = opts.tokenLifetimeSec ?? 3600;
  const creds = {
    username: 'uem-api-admin', password: 'uem-pass-Q7v2-kx9', tenantCode: 'AbCdTenant1234567890kEy=',
    clientId: 'e1b2c3d4oomnitza', clientSecret: 'ws1-secret-3f9a7c1e5b', depGroup: '9a2f6c1e-dep-4b7a-8c3d-5e0f1a2b3c4d',
  };
  const valid = new Set<string>();
  const failing = new Map<number, number>();
  let throttleNext = 0;
  let throttleAfter = 0;
  let blockedUntil = 0;
  let expireAfter = -1;
  const inFlight = new InFlightCounter();
  const pagesInFlight = new InFlightCounter();

  const deviceUuid = (i: number) => `5e1f0c2a-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const serial = (i: number) => `C02WS1${String(i).padStart(4, '0')}`;
  const device = (i: number): Record<string, unknown> => ({
    Id: { Value: 1000 + i },
    Uuid: opts.uuidObjects ? { Value: deviceUuid(i) } : deviceUuid(i),
    Udid: `udid${String(i).padStart(36, '0')}`,
    SerialNumber: serial(i),
    MacAddress: `A4B1C2D3E4${String(i).padStart(2, '0')}`,
    Imei: i % 2 ? '' : `35${String(i).padStart(13, '0')}`,
    AssetNumber: `ASSET-${i}`,
    DeviceFriendlyName: `user${i} iPad iOS 17.4 ${serial(i)}`,
    LocationGroupId: { Id: { Value: 570 }, Name: 'Global', Uuid: '1c2d3e4f-0000-4000-8000-000000000570' },
    LocationGroupName: 'Global',
    UserId: { Id: { Value: 200 + i }, Name: `User ${i}` },
    UserName: `user${i}`,
    UserEmailAddress: `user${i}@example.com`,
    Ownership: i % 3 ? 'C' : 'E',
    PlatformId: { Id: { Value: 2 }, Name: 'Apple' },
    Platform: 'Apple',
    ModelId: { Id: { Value: 5 }, Name: 'iPad' },
    Model: 'iPad (10th generation)',
    OperatingSystem: '17.4',
    PhoneNumber: '',
    LastSeen: `2026-05-${String((i % 28) + 1).padStart(2, '0')}T09:30:00.000`,
    EnrollmentStatus: 'Enrolled',
    ComplianceStatus: 'Compliant',
    CompromisedStatus: false,
    LastEnrolledOn: '2025-11-03T12:00:00.000',
    IsSupervised: true,
  });
  const network = (i: number) => ({
    IPAddress: { WifiIPAddress: `10.20.0.${i}`, CellularIPAddress: '', EthernetIPAddress: '' },
    WifiInfo: { WifiMacAddress: `a4:b1:c2:d3:e4:${String(i).padStart(2, '0')}`, SSID: 'corp', SignalStrength: -50 - i, IsWifiEnabled: true },
    CellularNetworkInfo: [],
    RoamingStatus: false,
    DeviceId: 1000 + i,
  });
  // Even devices are in the DEP group; the group also lists a device UEM has not enrolled yet.
  const depEntry = (i: number) => (i % 2 === 0 ? {
    deviceSerialNumber: serial(i), deviceAssetNumber: `ASSET-${i}`, model: 'iPad', deviceFamily: 'iPad', os: 'iOS',
    profileName: 'Corporate iPads', profileStatus: 'PUSHED', enrollmentStatus: 'Enrolled', assignedDate: '2025-10-01T00:00:00',
  } : undefined);
  const depList = () => [
    ...Array.from({ length: count }, (_, k) => depEntry(k + 1)).filter(Boolean),
    { deviceSerialNumber: 'DMPNOTENROLLED', model: 'iPad', profileName: 'Corporate iPads', profileStatus: 'ASSIGNED', enrollmentStatus: 'Unenrolled' },
  ];
  // App 2 is Apple's; app 3 has no version. App k is installed on the devices whose number k divides.
  const catalogueApp = (k: number) => ({
    Id: { Value: 300 + k },
    Uuid: `a0a0a0a0-0000-4000-8000-${String(k).padStart(12, '0')}`,
    ApplicationName: k === 2 ? 'Keynote' : `Corp App ${k}`,
    BundleId: k === 2 ? 'com.apple.Keynote' : `com.example.corp${k}`,
    AppVersion: k === 3 ? '' : `${k}.0.1`,
    Platform: 2,
    Status: 'Active',
    AssignmentStatus: 'Assigned',
  });
  const managedAppsOf = (i: number) => Array.from({ length: appCount }, (_, k) => k + 1).filter((k) => i % k === 0);
  // Tool 1 is Apple's; tool 2 has no version.
  const installedApp = (i: number, j: number) => ({
    name: j === 1 ? 'Safari' : `Tool ${j}`,
    bundle_id: j === 1 ? 'com.apple.mobilesafari' : `com.example.tool${j}`,
    installed_version: j === 2 ? '' : `${j}.${i}`,
    installed_status: 'Installed',
    size: 1024 * j,
    app_type: j === 1 ? 'System' : 'Public',
    device_uuid: deviceUuid(i),
  });

  const fake: FakeWorkspaceOne = {
    url: '', tokenUrl: '', ...creds,
    server: undefined as unknown as TestServer,
    log: [], statuses: [], tokensIssued: 0,
    get maxPagesInFlight() {
      return pagesInFlight.max;
    },
    get maxInFlight() {
      return inFlight.max;
    },
    device, deviceUuid, network, depEntry, managedAppsOf, catalogueApp, installedApp,
    installedCount,
    throttle: (times = 1, after = 0) => {
      throttleNext = times;
      throttleAfter = after;
    },
    failDevice: (i, status) => void failing.set(i, status),
    expireTokens: (requests = 0) => (requests === 0 ? valid.clear() : void (expireAfter = requests)),
    close: () => fake.server.close(),
  };

  /** One page of a list, or UEM's 204 past the end. */
  const page = (req: RecordedRequest, all: unknown[], key: string, extra: (p: number, size: number) => Record<string, unknown>, endWith204 = true): TestResponse => {
    const p = Number(param(req, 'page') ?? 0);
    const size = Number(param(req, 'pagesize') ?? 500);
    const items = all.slice(p * size, (p + 1) * size);
    if (items.length === 0 && endWith204) return { status: 204 };
    return { json: { [key]: items, ...extra(p, size) } };
  };

  const authenticate = (req: RecordedRequest): TestResponse | undefined => {
    const auth = String(req.headers.authorization ?? '');
    const bearer = /^Bearer (.+)$/.exec(auth)?.[1];
    if (bearer !== undefined) {
      if (!valid.has(bearer)) return { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: '' };
      return undefined;
    }
    if (auth !== `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`) {
      return uemError(401, 1005, 'User credentials are incorrect.');
    }
    if (req.headers['aw-tenant-code'] !== creds.tenantCode) return uemError(401, 1001, 'Unable to validate the tenant code (aw-tenant-code).');
    return undefined;
  };

  const api = (req: RecordedRequest): TestResponse => {
    const t = Date.now();
    if (throttleNext > 0 && throttleAfter > 0) throttleAfter--;
    else if (throttleNext > 0 || t < blockedUntil) {
      if (throttleNext > 0) {
        throttleNext--;
        blockedUntil = Math.max(blockedUntil, t + 100);
      }
      return uemError(429, 429, 'The maximum number of API requests for this tenant has been reached.', {
        'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(blockedUntil / 1000)),
      });
    }
    const refused = authenticate(req);
    if (refused) return refused;
    if (expireAfter > 0 && --expireAfter === 0) valid.clear();
    if (!String(req.headers.accept ?? '').includes('application/json')) {
      return { headers: { 'content-type': 'application/xml' }, body: '<DeviceSearchResult xmlns="http://www.air-watch.com/servicemodel/resources"><Page>0</Page></DeviceSearchResult>' };
    }
    const path = req.path;
    const area = path.startsWith('/api/mam/') ? 'mam' : path.endsWith('/network') ? 'network' : 'mdm';
    if (deny.has(area) || (area === 'network' && deny.has('mdm'))) return uemError(403, 1001, 'Access is denied for this resource.');
    const devices = Array.from({ length: count }, (_, k) => k + 1);

    if (path === '/api/mdm/devices/search') {
      return page(req, devices.map(device), 'Devices', (p, size) => ({ Page: p, PageSize: size, Total: count }));
    }
    if (path === `/api/mdm/dep/groups/${creds.depGroup}/devices`) return { json: depList() };
    if (path.startsWith('/api/mdm/dep/groups/')) return uemError(404, 404, 'DEP group not found.');
    let m = /^\/api\/mdm\/devices\/(\d+)\/network$/.exec(path);
    if (m) {
      const i = Number(m[1]) - 1000;
      if (failing.has(i)) return uemError(failing.get(i)!, 400, 'The device network information could not be retrieved.');
      return i >= 1 && i <= count ? { json: network(i) } : uemError(404, 404, 'Device not found.');
    }
    m = /^\/api\/mdm\/devices\/([0-9a-f-]+)\/apps\/search$/.exec(path);
    if (m) {
      const i = devices.find((k) => deviceUuid(k) === m![1]);
      if (i === undefined) return uemError(404, 404, 'Device not found.');
      if (failing.has(i)) return uemError(failing.get(i)!, 400, 'Unable to retrieve the apps of the device.');
      const apps = Array.from({ length: installedCount(i) }, (_, j) => installedApp(i, j + 1));
      return page(req, apps, 'app_items', (p, size) => ({ page: p, page_size: size, total: apps.length }), false);
    }
    if (path === '/api/mam/apps/search') {
      const apps = [...Array.from({ length: appCount }, (_, k) => catalogueApp(k + 1)), { Id: { Value: 399 }, ApplicationName: 'Web clip without Uuid', BundleId: '' }];
      return page(req, apps, 'Application', (p, size) => ({ Page: p, PageSize: size, Total: apps.length }));
    }
    m = /^\/api\/mam\/apps\/([0-9a-f-]+)\/devices$/.exec(path);
    if (m) {
      const k = Array.from({ length: appCount }, (_, x) => x + 1).find((x) => catalogueApp(x).Uuid === m![1]);
      if (k === undefined) return uemError(404, 404, 'Application not found.');
      if (param(req, 'isinstalled') !== 'true') return uemError(400, 400, 'isinstalled is required.');
      const on = devices.filter((i) => managedAppsOf(i).includes(k));
      if (on.length === 0) return { status: 204 };
      return { json: { devices: on.map((i) => ({ device_id: 1000 + i, device_uuid: deviceUuid(i), friendly_name: device(i).DeviceFriendlyName, installed_version: `${k}.0.1` })) } };
    }
    return uemError(404, 404, `No HTTP resource was found that matches ${path}.`);
  };

  const token = (req: RecordedRequest): TestResponse => {
    const form = new URLSearchParams(req.body);
    if (req.headers.authorization !== `Basic ${Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64')}`) {
      return { status: 400, json: { error: 'invalid_client' } };
    }
    if (form.get('grant_type') !== 'client_credentials') return { status: 400, json: { error: 'unsupported_grant_type' } };
    const value = `ws1.${++fake.tokensIssued}.${Math.random().toString(36).slice(2, 12)}`;
    valid.add(value);
    return { json: { access_token: value, expires_in: lifetime, token_type: 'Bearer', scope: 'api' } };
  };

  fake.server = await startTestServer(async (req, res) => {
    if (req.method === 'POST' && req.path === '/connect/token') return token(req);
    fake.log.push(`${req.method} ${req.url}`);
    const isPage = req.path === '/api/mdm/devices/search';
    const leave = inFlight.enter(res);
    const leavePage = isPage ? pagesInFlight.enter(res) : undefined;
    try {
      const delay = isPage ? opts.pageDelayMs : opts.requestDelayMs;
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      const answer = req.method === 'GET' ? api(req) : uemError(405, 405, 'The requested resource does not support this method.');
      fake.statuses.push(answer.status ?? 200);
      return answer;
    } finally {
      leave();
      leavePage?.();
    }
  });
  fake.url = fake.server.url;
  fake.tokenUrl = `${fake.server.url}/connect/token`;
  return fake;
}
