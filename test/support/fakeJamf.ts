/**
 * A Jamf Pro test server speaking the documented wire shapes of the two APIs a Jamf source uses:
 * - Jamf Pro API: POST /api/oauth/token (API clients, client-credentials form), POST /api/v1/auth/token
 *   (Basic user/password), POST /api/v1/auth/keep-alive, POST /api/v1/auth/invalidate-token.
 *   https://developer.jamf.com/jamf-pro/docs/client-credentials and .../jamf-pro-api-overview
 * - Classic API: GET /JSSResource/{computers|mobiledevices}, .../computergroups/name/{name},
 *   .../mobiledevicegroups/name/{name}, .../{type}/id/{id}[/subset/A&B]; JSON only with Accept: application/json.
 *   https://developer.jamf.com/jamf-pro/reference/classic-api
 * It rejects what the real server rejects: unknown or expired bearer tokens (401), Basic on the Classic API unless
 * enabled (current Jamf Pro versions disabled it), wrong credentials (401), unknown ids and groups (404), and it
 * throttles with 429 + Retry-After on demand.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';

export type JamfKind = 'computers' | 'mobiledevices';

export interface FakeJamfOptions {
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  /** Lifetime of issued tokens; Jamf's default is 30 minutes. */
  tokenLifetimeMs?: number;
  /** Accept Basic auth on the Classic API (Jamf Pro before 10.35, or with the setting re-enabled). */
  classicBasicAuth?: boolean;
  /** False simulates a server without the Jamf Pro API (token endpoints answer 404). */
  jamfProApi?: boolean;
  computers?: number;
  mobileDevices?: number;
  /** Group name -> member ids. */
  computerGroups?: Record<string, number[]>;
  mobileDeviceGroups?: Record<string, number[]>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  auth: 'bearer' | 'basic' | 'none';
  status: number;
}

export interface FakeJamf {
  url: string;
  requests: RecordedRequest[];
  /** Tokens issued so far, by endpoint. */
  tokensIssued: { oauth: number; user: number; keepAlive: number };
  /** Invalidates every token now, as if 30 minutes had passed. */
  expireAllTokens(): void;
  /** The next `count` Classic API requests answer `status` with Retry-After `retryAfterSec`. */
  throttleNext(count: number, status?: 429 | 503, retryAfterSec?: number): void;
  /** Detail requests for this id always answer `status`. */
  failDevice(kind: JamfKind, id: number, status?: number): void;
  /** Expires all tokens after `n` more successful detail responses (token expiry mid-run). */
  expireTokensAfterDetails(n: number): void;
  /** An admin rotated the API client's secret: tokens already issued stay valid until they expire. */
  rotateClientSecret(secret: string): void;
  /** Maximum simultaneous in-flight detail requests seen. */
  maxConcurrentDetails: number;
  computer(id: number): Record<string, unknown>;
  mobileDevice(id: number): Record<string, unknown>;
  /** From now on requests are received (and recorded) but never answered: a Jamf Pro that hangs. close() ends them. */
  stall(): void;
  close(): Promise<void>;
}

// Classic API subset names and the JSON keys they produce.
export const COMPUTER_SUBSETS: Record<string, string> = {
  general: 'General', location: 'Location', purchasing: 'Purchasing', peripherals: 'Peripherals',
  hardware: 'Hardware', certificates: 'Certificates', security: 'Security', software: 'Software',
  extension_attributes: 'ExtensionAttributes', groups_accounts: 'GroupsAccounts', iphones: 'iphones',
  configuration_profiles: 'ConfigurationProfiles',
};
export const MOBILE_SUBSETS: Record<string, string> = {
  general: 'General', location: 'Location', purchasing: 'Purchasing', applications: 'Applications',
  security: 'Security', network: 'Network', certificates: 'Certificates', configuration_profiles: 'ConfigurationProfiles',
  provisioning_profiles: 'ProvisioningProfiles', mobile_device_groups: 'MobileDeviceGroups',
  extension_attributes: 'ExtensionAttributes',
};

const BASE_EPOCH = Date.UTC(2024, 0, 15, 9, 30, 0);

/** Jamf renders each date three ways: local "YYYY-MM-DD HH:mm:ss", `_epoch` in ms and `_utc` ISO with offset. */
function jamfDate(prefix: string, ms: number): Record<string, string | number> {
  const iso = new Date(ms).toISOString();
  return {
    [prefix]: iso.slice(0, 19).replace('T', ' '),
    [`${prefix}_epoch`]: ms,
    [`${prefix}_utc`]: `${iso.slice(0, 23)}+0000`,
  };
}

function purchasing(id: number, computer: boolean): Record<string, unknown> {
  return {
    is_purchased: true, is_leased: false, po_number: `PO-${id}`, vendor: 'Apple', applecare_id: `AC${id}`,
    purchase_price: '1999.00', purchasing_account: 'IT', purchasing_contact: 'buyer@example.com',
    life_expectancy: 4,
    ...jamfDate('po_date', BASE_EPOCH - 86_400_000 * 30),
    ...jamfDate('warranty_expires', BASE_EPOCH + 86_400_000 * 365),
    ...jamfDate('lease_expires', BASE_EPOCH + 86_400_000 * 700),
    ...(computer ? { os_applecare_id: '', os_maintence_expires: '' } : {}),
    attachments: [],
  };
}

function location(id: number): Record<string, unknown> {
  return {
    username: `user${id}`, real_name: `User ${id}`, email_address: `user${id}@example.com`, position: 'Engineer',
    phone: '+1 555 0100', department: 'IT', building: 'HQ', room: String(100 + id),
  };
}

function extensionAttributes(id: number): Array<Record<string, unknown>> {
  return [
    { id: 1, name: 'Cost Center', type: 'String', multi_value: false, value: `CC-${id % 7}` },
    { id: 2, name: 'FileVault', type: 'String', multi_value: false, value: id % 2 ? 'Encrypted' : 'Not Encrypted' },
  ];
}

export function makeComputer(id: number): Record<string, unknown> {
  return {
    general: {
      id, name: `mac-${id}`, mac_address: `AA:BB:CC:00:${(id >> 8) & 0xff}:${id & 0xff}`.toUpperCase(),
      alt_mac_address: '', ip_address: `10.0.${(id >> 8) & 0xff}.${id & 0xff}`, serial_number: `C02X${String(id).padStart(6, '0')}`,
      udid: `UDID-C-${id}`, jamf_version: '11.4.1-t1712591696', platform: 'Mac', barcode_1: '', barcode_2: '',
      asset_tag: `AT-${id}`, mdm_capable: true, distribution_point: '', sus: '', netboot_server: '',
      ...jamfDate('report_date', BASE_EPOCH + id * 1000),
      ...jamfDate('last_contact_time', BASE_EPOCH + id * 2000),
      ...jamfDate('initial_entry_date', BASE_EPOCH - 86_400_000 * 100),
      last_cloud_backup_date_epoch: 0, last_cloud_backup_date_utc: '',
    },
    location: location(id),
    purchasing: purchasing(id, true),
    peripherals: [],
    hardware: {
      make: 'Apple', model: 'MacBook Pro (14-inch, 2023)', model_identifier: 'Mac14,9', os_name: 'macOS',
      os_version: '14.4.1', os_build: '23E224', service_pack: '', active_directory_status: 'Not Bound',
      processor_type: 'Apple M3 Pro', processor_architecture: 'arm64', processor_speed: 0, processor_speed_mhz: 0,
      number_processors: 1, bus_speed: 0, bus_speed_mhz: 0, cache_size: 0, cache_size_kb: 0, total_ram: 36864,
      total_ram_mb: 36864, available_ram_slots: 0, battery_capacity: 98, smc_version: '', nic_speed: 'n/a',
      optical_drive: '', boot_rom: '10151.101.3',
    },
    software: {
      applications: [
        { name: 'Safari.app', path: '/Applications/Safari.app', version: '17.4.1' },
        { name: 'Slack.app', path: '/Applications/Slack.app', version: '4.38.121' },
      ],
      installed_by_casper: [],
    },
    extension_attributes: extensionAttributes(id),
    groups_accounts: { computer_group_memberships: ['All Managed Clients'], local_accounts: [] },
    configuration_profiles: [],
  };
}

export function makeMobileDevice(id: number): Record<string, unknown> {
  return {
    general: {
      id, display_name: `iPhone ${id}`, device_name: `iPhone ${id}`, name: `iPhone ${id}`, asset_tag: `MT-${id}`,
      ...jamfDate('last_inventory_update', BASE_EPOCH + id * 1000),
      ...jamfDate('initial_entry_date', BASE_EPOCH - 86_400_000 * 50),
      ...jamfDate('last_backup_time', BASE_EPOCH - 86_400_000),
      ...jamfDate('last_cloud_backup_date', BASE_EPOCH - 86_400_000),
      capacity: 122064, capacity_mb: 122064, available: 100000, available_mb: 100000, percentage_used: 18,
      os_type: 'iOS', os_version: '17.4.1', os_build: '21E236', serial_number: `F17X${String(id).padStart(6, '0')}`,
      udid: `UDID-M-${id}`, phone_number: '', ip_address: `10.1.0.${id & 0xff}`, wifi_mac_address: 'AA:00:00:00:00:01',
      bluetooth_mac_address: 'AA:00:00:00:00:02', modem_firmware: '1.50.03', model: 'iPhone 15', model_identifier: 'iPhone15,4',
      modelDisplay: 'iPhone 15', model_display: 'iPhone 15', device_id: `DEV-${id}`, device_ownership_level: 'Institutional',
      managed: true, supervised: true, tethered: '', airplay_password: '', locales: 'en_US', do_not_disturb_enabled: false,
      cloud_backup_enabled: false, itunes_store_account_is_active: false, battery_level: 87,
    },
    location: location(id),
    purchasing: purchasing(id, false),
    applications: [{ application_name: 'Jamf Self Service', application_version: '11.4', identifier: 'com.jamf.selfservice' }],
    security: {
      data_protection: true, block_level_encryption_capable: true, file_level_encryption_capable: true,
      passcode_present: true, passcode_compliant: true, passcode_compliant_with_profile: true,
    },
    network: {
      home_carrier_network: 'Carrier', cellular_technology: 'GSM', voice_roaming_enabled: 'Disabled', imei: `35${id}`,
      iccid: `89${id}`, current_carrier_network: 'Carrier', carrier_settings_version: '60.0', current_mobile_country_code: '310',
      current_mobile_network_code: '410', home_mobile_country_code: '310', home_mobile_network_code: '410',
      data_roaming_enabled: false, roaming: false,
    },
    certificates: [],
    configuration_profiles: [],
    provisioning_profiles: [],
    mobile_device_groups: [],
    extension_attributes: extensionAttributes(id),
  };
}

function pick(record: Record<string, unknown>, subsetPart: string | undefined, subsets: Record<string, string>) {
  if (!subsetPart) return record;
  // Jamf matches subset names case-insensitively and ignores names it does not know.
  const wanted = new Set(subsetPart.split('&').map((s) => s.toLowerCase()));
  const out: Record<string, unknown> = {};
  for (const [key, subset] of Object.entries(subsets)) if (wanted.has(subset.toLowerCase())) out[key] = record[key];
  return out;
}

const NOT_FOUND_HTML = '<html><body><p>Not Found</p><p>The server has not found anything matching the request URI</p></body></html>';
const page = (title: string, text: string) => `<html><body><p>${title}</p><p>${text}</p></body></html>`;

export async function startFakeJamf(opts: FakeJamfOptions = {}): Promise<FakeJamf> {
  const o = {
    username: 'auditor', password: 'Sup3r!secret', clientId: 'client-abc', clientSecret: 'client-s3cret-value',
    tokenLifetimeMs: 30 * 60_000, classicBasicAuth: false, jamfProApi: true, computers: 5, mobileDevices: 3,
    computerGroups: {}, mobileDeviceGroups: {}, ...opts,
  };
  const tokens = new Map<string, { expires: number; client: boolean }>();
  const failing = new Map<string, number>();
  let throttle = { count: 0, status: 429, retryAfter: 1 };
  let expireAfterDetails = -1;
  let inFlightDetails = 0;
  let stalled = false;
  const requests: RecordedRequest[] = [];

  const issue = (client: boolean) => {
    const token = randomBytes(24).toString('base64url');
    const expires = Date.now() + o.tokenLifetimeMs;
    tokens.set(token, { expires, client });
    return { token, expires };
  };
  const basicOk = (header: string | undefined) => {
    if (!header?.startsWith('Basic ')) return false;
    return Buffer.from(header.slice(6), 'base64').toString('utf8') === `${o.username}:${o.password}`;
  };
  const bearer = (header: string | undefined) => {
    if (!header?.startsWith('Bearer ')) return undefined;
    const t = header.slice(7);
    const info = tokens.get(t);
    if (!info || info.expires <= Date.now()) return undefined;
    return t;
  };
  const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  const fake: FakeJamf = {
    url: '',
    requests,
    tokensIssued: { oauth: 0, user: 0, keepAlive: 0 },
    maxConcurrentDetails: 0,
    expireAllTokens: () => tokens.clear(),
    throttleNext: (count, status = 429, retryAfter = 1) => (throttle = { count, status, retryAfter }),
    failDevice: (kind, id, status = 500) => failing.set(`${kind}/${id}`, status),
    expireTokensAfterDetails: (n) => (expireAfterDetails = n),
    rotateClientSecret: (secret) => (o.clientSecret = secret),
    computer: makeComputer,
    mobileDevice: makeMobileDevice,
    stall: () => (stalled = true),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      const auth = req.headers.authorization;
      const entry: RecordedRequest = {
        method: req.method ?? 'GET', path: decodeURIComponent(url.pathname),
        auth: auth?.startsWith('Bearer ') ? 'bearer' : auth?.startsWith('Basic ') ? 'basic' : 'none', status: 0,
      };
      requests.push(entry);
      if (stalled) return;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        entry.status = status;
        const text = typeof payload === 'string' ? payload : JSON.stringify(payload);
        const type = typeof payload === 'string' ? 'text/html;charset=UTF-8' : 'application/json;charset=UTF-8';
        res.writeHead(status, { 'Content-Type': type, ...headers });
        res.end(status === 204 ? undefined : text);
      };
      handle(url, req.method ?? 'GET', auth, body, req.headers.accept ?? '', send);
    });
  });

  function handle(
    url: URL, method: string, auth: string | undefined, body: string, accept: string,
    send: (status: number, payload: unknown, headers?: Record<string, string>) => void,
  ): void {
    const path = url.pathname;
    if (path.startsWith('/api/')) {
      if (!o.jamfProApi) return send(404, NOT_FOUND_HTML);
      if (method !== 'POST') return send(405, { httpStatus: 405, errors: [] });
      if (path === '/api/oauth/token') {
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials') return send(400, { error: 'unsupported_grant_type' });
        if (form.get('client_id') !== o.clientId || form.get('client_secret') !== o.clientSecret) {
          return send(401, { error: 'invalid_client', error_description: 'Invalid client credentials' });
        }
        fake.tokensIssued.oauth++;
        const { token } = issue(true);
        return send(200, { access_token: token, scope: 'api-role:1', token_type: 'Bearer', expires_in: Math.floor(o.tokenLifetimeMs / 1000) });
      }
      if (path === '/api/v1/auth/token') {
        if (!basicOk(auth)) return send(401, { httpStatus: 401, errors: [] });
        fake.tokensIssued.user++;
        const { token, expires } = issue(false);
        return send(200, { token, expires: new Date(expires).toISOString() });
      }
      if (path === '/api/v1/auth/keep-alive') {
        const t = bearer(auth);
        // Tokens of API clients cannot be kept alive: the client asks for a new one.
        if (!t || tokens.get(t)?.client) return send(401, { httpStatus: 401, errors: [] });
        tokens.delete(t);
        fake.tokensIssued.keepAlive++;
        const { token, expires } = issue(false);
        return send(200, { token, expires: new Date(expires).toISOString() });
      }
      if (path === '/api/v1/auth/invalidate-token') {
        const t = bearer(auth);
        if (!t) return send(401, { httpStatus: 401, errors: [] });
        tokens.delete(t);
        return send(204, '');
      }
      return send(404, { httpStatus: 404, errors: [{ code: 'INVALID_PATH' }] });
    }

    if (!path.startsWith('/JSSResource/')) return send(404, NOT_FOUND_HTML);
    if (method !== 'GET') return send(405, NOT_FOUND_HTML);
    const authorized = bearer(auth) !== undefined || (o.classicBasicAuth && basicOk(auth));
    if (!authorized) return send(401, '<html><body>Unauthorized</body></html>', { 'WWW-Authenticate': 'Basic realm="Restful JSS Access -"' });
    if (throttle.count > 0) {
      throttle.count--;
      return send(throttle.status, throttle.status === 429 ? page('Too Many Requests', 'Request rate limit exceeded') : page('Service Unavailable', 'The server is busy'), { 'Retry-After': String(throttle.retryAfter) });
    }
    // Without Accept: application/json the Classic API answers XML.
    if (!accept.includes('application/json')) return send(200, '<?xml version="1.0" encoding="UTF-8"?><computers/>');

    const parts = path.split('/').slice(2).map(decodeURIComponent);
    const [resource] = parts;
    const kindOf: Record<string, JamfKind> = { computers: 'computers', mobiledevices: 'mobiledevices' };
    if (parts.length === 1 && kindOf[resource]) {
      const kind = kindOf[resource];
      const list = ids(kind === 'computers' ? o.computers : o.mobileDevices);
      return kind === 'computers'
        ? send(200, { computers: list.map((id) => ({ id, name: `mac-${id}` })) })
        : send(200, { mobile_devices: list.map((id) => ({ id, name: `iPhone ${id}`, device_name: `iPhone ${id}` })) });
    }
    if ((resource === 'computergroups' || resource === 'mobiledevicegroups') && parts[1] === 'name' && parts.length === 3) {
      const computers = resource === 'computergroups';
      const members = (computers ? o.computerGroups : o.mobileDeviceGroups)[parts[2]];
      if (!members) return send(404, NOT_FOUND_HTML);
      const group = { id: 7, name: parts[2], is_smart: false, site: { id: -1, name: 'None' } };
      return computers
        ? send(200, { computer_group: { ...group, computers: members.map((id) => ({ id, name: `mac-${id}` })) } })
        : send(200, { mobile_device_group: { ...group, mobile_devices: members.map((id) => ({ id, name: `iPhone ${id}` })) } });
    }
    if (kindOf[resource] && parts[1] === 'id' && (parts.length === 3 || (parts.length === 5 && parts[3] === 'subset'))) {
      const kind = kindOf[resource];
      const id = Number(parts[2]);
      const count = kind === 'computers' ? o.computers : o.mobileDevices;
      if (!Number.isInteger(id) || id < 1 || id > count) return send(404, NOT_FOUND_HTML);
      const failure = failing.get(`${kind}/${id}`);
      if (failure) return send(failure, page('Internal Server Error', `Failed to load ${kind} ${id}`));
      inFlightDetails++;
      fake.maxConcurrentDetails = Math.max(fake.maxConcurrentDetails, inFlightDetails);
      // A short delay makes concurrency observable.
      setTimeout(() => {
        inFlightDetails--;
        if (expireAfterDetails > 0 && --expireAfterDetails === 0) tokens.clear();
        if (kind === 'computers') send(200, { computer: pick(makeComputer(id), parts[4], COMPUTER_SUBSETS) });
        else send(200, { mobile_device: pick(makeMobileDevice(id), parts[4], MOBILE_SUBSETS) });
      }, 5);
      return;
    }
    return send(404, NOT_FOUND_HTML);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
