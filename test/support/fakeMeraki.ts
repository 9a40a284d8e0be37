/**
 * A Meraki Dashboard API v1 test server for Systems Manager devices, answering as Meraki does:
 * - `X-Cisco-Meraki-API-Key` on every call; a wrong or missing key is a 404 (Meraki does not say 401/403 there:
 *   https://documentation.meraki.com/zGeneral_Administration/Other_Topics/The_Cisco_Meraki_Dashboard_API), as is an
 *   unknown network; errors are `{"errors": ["..."]}`.
 * - `GET /api/v1/networks/{id}/sm/devices`: `fields[]` (each must be a known field), `perPage` 3-1000 (default
 *   1000), `startingAfter` a device id; the body is a bare list; the next page is named only in the `Link` header
 *   (with rel=first and rel=next, as Meraki sends them).
 * - On request: throttling (429 with Retry-After and Meraki's error text).
 */
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

const DEFAULT_FIELDS = ['id', 'name', 'tags', 'ssid', 'wifiMac', 'osName', 'systemModel', 'uuid', 'serialNumber'];
/** The fields v1 accepts in fields[] (a subset of Meraki's list: the original's and a few more). */
const KNOWN_FIELDS = new Set([
  'ip', 'systemType', 'availableDeviceCapacity', 'kioskAppName', 'biosVersion', 'lastConnected', 'missingAppsCount', 'userSuppliedAddress',
  'location', 'lastUser', 'ownerEmail', 'ownerUsername', 'osBuild', 'publicIp', 'phoneNumber', 'diskInfoJson', 'deviceCapacity', 'isManaged',
  'hadMdm', 'isSupervised', 'meid', 'imei', 'iccid', 'simCarrierNetwork', 'cellularDataUsed', 'isHotspotEnabled', 'createdAt', 'batteryEstCharge',
  'quarantined', 'avName', 'avRunning', 'asName', 'fwName', 'isRooted', 'loginRequired', 'screenLockEnabled', 'screenLockDelay',
  'autoLoginDisabled', 'autoTags', 'hasMdm', 'hasDesktopAgent', 'diskEncryptionEnabled', 'hardwareEncryptionCaps', 'passCodeLock',
  'usesHardwareKeystore', 'androidSecurityPatchVersion', 'url',
]);

export interface FakeMeraki {
  url: string;
  key: string;
  networkId: string;
  server: TestServer;
  log: string[];
  statuses: number[];
  /** Device i with every field the original asked for. */
  device(i: number): Record<string, unknown>;
  throttle(times?: number, after?: number): void;
  close(): Promise<void>;
}

const errors = (status: number, ...messages: string[]): TestResponse => ({ status, json: { errors: messages } });

export async function startFakeMeraki(opts: { devices?: number } = {}): Promise<FakeMeraki> {
  const count = opts.devices ?? 7;
  const key = '6bec40cf957de430a6f1f2baa056b99a4fac9ea0';
  const networkId = 'N_24329156';
  let throttleNext = 0;
  let throttleAfter = 0;

  const device = (i: number): Record<string, unknown> => ({
    id: String(1284392014819 + i * 7),
    name: `Miles's phone ${i}`,
    tags: i % 2 ? ['recently-added'] : [],
    ssid: 'Corp',
    wifiMac: `00:11:22:33:${String(Math.floor(i / 100)).padStart(2, '0')}:${String(i % 100).padStart(2, '0')}`,
    osName: i % 3 ? 'iOS 17.4' : 'macOS 14.4',
    systemModel: i % 3 ? 'iPhone15,4' : 'MacBookPro18,3',
    uuid: `3b5c7e1f-0000-4000-8000-${String(i).padStart(12, '0')}`,
    serialNumber: `F5XKQ${String(i).padStart(5, '0')}`,
    ip: `10.1.${Math.floor(i / 250)}.${i % 250}`,
    systemType: i % 3 ? 'iphone' : 'mac',
    availableDeviceCapacity: 42.5,
    kioskAppName: '',
    biosVersion: '',
    lastConnected: 1526087474 + i,
    userSuppliedAddress: '',
    location: 'Austin, TX',
    lastUser: `user${i}`,
    publicIp: '203.0.113.10',
    phoneNumber: '',
    diskInfoJson: '{"/":{"size":"256 GB"}}',
    deviceCapacity: 256,
    isManaged: true,
    hadMdm: true,
    isSupervised: i % 2 === 0,
    meid: '',
    imei: i % 3 ? `35${String(i).padStart(13, '0')}` : '',
    iccid: '',
    simCarrierNetwork: i % 3 ? 'AT&T' : '',
    cellularDataUsed: 0,
    isHotspotEnabled: false,
    createdAt: 1518365681 + i,
    batteryEstCharge: '80',
    quarantined: false,
    avName: '',
    avRunning: '',
    asName: '',
    fwName: '',
    isRooted: false,
    loginRequired: true,
    screenLockEnabled: true,
    screenLockDelay: '300',
    autoLoginDisabled: true,
    hasMdm: true,
    hasDesktopAgent: false,
    diskEncryptionEnabled: true,
    hardwareEncryptionCaps: '3',
    passCodeLock: true,
  });

  const fake: FakeMeraki = {
    url: '', key, networkId, server: undefined as unknown as TestServer, log: [], statuses: [], device,
    throttle: (times = 1, after = 0) => {
      throttleNext = times;
      throttleAfter = after;
    },
    close: () => fake.server.close(),
  };

  const devices = (req: RecordedRequest, base: string): TestResponse => {
    const url = new URL(req.url, base);
    const fields = url.searchParams.getAll('fields[]');
    const unknown = fields.find((f) => !KNOWN_FIELDS.has(f));
    if (unknown) return errors(400, `'${unknown}' is not a valid value for fields[]`);
    const perPage = Number(url.searchParams.get('perPage') ?? 1000);
    if (!Number.isInteger(perPage) || perPage < 3 || perPage > 1000) return errors(400, `'perPage' must be an integer between 3 and 1000`);
    const after = url.searchParams.get('startingAfter');
    const all = Array.from({ length: count }, (_, k) => device(k + 1));
    const from = after === null ? 0 : all.findIndex((d) => d.id === after) + 1;
    const page = all.slice(from, from + perPage).map((d) => Object.fromEntries([...DEFAULT_FIELDS, ...fields].map((f) => [f, d[f] ?? null])));
    const link = (extra: Record<string, string>) => {
      const u = new URL(url.toString());
      u.searchParams.delete('startingAfter');
      for (const [k, v] of Object.entries(extra)) u.searchParams.set(k, v);
      return u.toString();
    };
    const links = [`<${link({})}>; rel=first`];
    if (from + perPage < all.length) links.push(`<${link({ startingAfter: String(page[page.length - 1].id) })}>; rel=next`);
    return { headers: { link: links.join(', ') }, json: page };
  };

  fake.server = await startTestServer((req) => {
    fake.log.push(`${req.method} ${req.url}`);
    let answer: TestResponse;
    const throttled = throttleNext > 0 && throttleAfter-- <= 0;
    if (throttled) {
      throttleNext--;
      answer = { status: 429, headers: { 'retry-after': '1' }, json: { errors: ['API rate limit exceeded for organization'] } };
    } else if (req.headers['x-cisco-meraki-api-key'] !== key) answer = errors(404, 'Not found');
    else if (req.method !== 'GET') answer = errors(405, 'Method not allowed');
    else if (req.path === `/api/v1/networks/${networkId}/sm/devices`) answer = devices(req, fake.url);
    else answer = errors(404, 'Not found');
    fake.statuses.push(answer.status ?? 200);
    return answer;
  });
  fake.url = fake.server.url;
  return fake;
}
