/**
 * A MobileIron test server: API v1 of MobileIron Cloud (Ivanti Neurons for MDM) and API v2 of MobileIron Core on one
 * port, answering as they do:
 * - HTTP Basic of the API account; a wrong one is 401 (v1's envelope with a global error; its exact text unverified).
 * - v1 lists answer `{"errors": null, "result": {"searchResults", "totalCount", "offset", "limit"}}`, page by `start`
 *   and `rows` (1-500; anything else is the documented 400 `{"errors":{"globalErrors":null,"fieldErrors":[{"code":
 *   "Range","message":"must be between 1 and 500","field":"rows"}]},"result":null}`), and sort by lastCheckin only
 *   when asked (`sortFields[0].name=lastCheckin&sortFields[0].order=DESC`).
 * - v2 devices need `adminDeviceSpaceId`, `fields` (only those come back, flat with dotted keys) and `labelId` or
 *   `query`, page by `offset`/`limit` and say `hasMore`.
 * - On request: throttling (429 with Retry-After), one device whose hardware inventory fails, a role without the
 *   device permission (403).
 */
import { InFlightCounter, startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface FakeMobileIronOptions {
  /** Devices per v1 partition id; default Drivers (1001): 500 recent + 600 stale, Default (1002): 2, Sales (1003): 4 + 1 stale. */
  partitions?: Array<{ id: number; name: string; recent: number; stale: number }>;
  /** Devices per v2 space id. */
  spaces?: Array<{ id: number; devices: number; fields: string[] }>;
  deny?: boolean;
  /** The reference time of lastCheckin values (default: when the server starts). */
  now?: number;
}

export interface FakeMobileIron {
  url: string;
  username: string;
  password: string;
  server: TestServer;
  log: string[];
  statuses: number[];
  maxInFlight: number;
  now: number;
  /** v1 device k (1-based, newest first) of a partition. */
  device(partitionId: number, k: number): Record<string, unknown>;
  hardware(partitionId: number, k: number): Record<string, unknown>;
  isWindows(k: number): boolean;
  /** v2 device k of a space, with every field of that space. */
  coreDevice(spaceId: number, k: number): Record<string, unknown>;
  throttle(times?: number, after?: number): void;
  failHardware(partitionId: number, k: number): void;
  close(): Promise<void>;
}

const v1Error = (status: number, message: string, headers: Record<string, string> = {}): TestResponse => ({
  status, headers, json: { errors: { globalErrors: [{ code: String(status), message }], fieldErrors: null }, result: null },
});

export async function startFakeMobileIron(opts: FakeMobileIronOptions = {}): Promise<FakeMobileIron> {
  const parts = opts.partitions ?? [
    { id: 1001, name: 'Drivers', recent: 500, stale: 600 },
    { id: 1002, name: 'Default Partition', recent: 2, stale: 0 },
    { id: 1003, name: 'Sales', recent: 4, stale: 1 },
  ];
  const spaceList = opts.spaces ?? [
    { id: 1, devices: 120, fields: ['common.id', 'common.SerialNumber', 'common.model', 'user.email_address'] },
    { id: 4, devices: 3, fields: ['common.id', 'common.SerialNumber', 'ios.DeviceName'] },
  ];
  const creds = { username: 'mi-api@example.com', password: 'mi-Pass-7Hq2x!' };
  const now = opts.now ?? Date.now();
  const failing = new Set<string>();
  let throttleNext = 0;
  let throttleAfter = 0;
  const inFlight = new InFlightCounter();

  const isWindows = (k: number) => k % 4 === 0;
  const part = (id: number) => parts.find((p) => p.id === id);
  const device = (pid: number, k: number): Record<string, unknown> => {
    const p = part(pid)!;
    // Recent devices checked in k minutes ago; stale ones 2 days and more ago.
    const lastCheckin = k <= p.recent ? now - k * 60_000 : now - (2 * 86400_000 + k * 3600_000);
    return {
      id: pid * 100000 + k,
      guid: `6b1c${String(pid).padStart(4, '0')}-0000-4000-8000-${String(k).padStart(12, '0')}`,
      serialNumber: `MI${pid}S${String(k).padStart(4, '0')}`,
      platformType: isWindows(k) ? 'WINDOWS' : 'IOS',
      model: isWindows(k) ? 'Surface Laptop 5' : 'iPhone 15',
      osVersion: isWindows(k) ? '10.0.22631' : '17.4',
      lastCheckin,
      registrationState: 'ACTIVE',
      dmPartitionId: pid,
      ...(isWindows(k) ? { windowsDeviceType: 'DESKTOP' } : {}),
      emailAddress: `user${k}@example.com`,
    };
  };
  const hardware = (pid: number, k: number) => ({
    processor: [{ name: 'Intel(R) Core(TM) i7-1265U', cores: 10 }, { name: 'second', cores: 1 }],
    hardDrive: [{ size: 512110190592, model: 'NVMe' }],
    physicalMemory: [{ capacity: 17179869184 }],
    computerSystemProduct: { identifyingNumber: `HW${pid}-${k}`, name: 'Surface Laptop 5' },
  });
  const coreDevice = (sid: number, k: number) => {
    const s = spaceList.find((x) => x.id === sid)!;
    const all: Record<string, unknown> = {
      'common.id': sid * 10000 + k, 'common.SerialNumber': `CORE${sid}-${String(k).padStart(4, '0')}`, 'common.model': 'iPad Pro',
      'user.email_address': `core${k}@example.com`, 'ios.DeviceName': `iPad ${k}`,
    };
    return Object.fromEntries(s.fields.map((f) => [f, all[f] ?? null]));
  };

  const fake: FakeMobileIron = {
    url: '', ...creds, server: undefined as unknown as TestServer, log: [], statuses: [], now,
    get maxInFlight() {
      return inFlight.max;
    },
    device, hardware, isWindows, coreDevice,
    throttle: (times = 1, after = 0) => {
      throttleNext = times;
      throttleAfter = after;
    },
    failHardware: (pid, k) => void failing.add(`${pid}:${k}`),
    close: () => fake.server.close(),
  };

  const v1Devices = (req: RecordedRequest): TestResponse => {
    const p = part(Number(req.query.dmPartitionId));
    if (!p) return v1Error(400, 'Invalid partition');
    const rows = Number(req.query.rows ?? 50);
    if (!Number.isInteger(rows) || rows < 1 || rows > 500) {
      return { status: 400, json: { errors: { globalErrors: null, fieldErrors: [{ code: 'Range', message: 'must be between 1 and 500', field: 'rows' }] }, result: null } };
    }
    const start = Number(req.query.start ?? 0);
    let all = Array.from({ length: p.recent + p.stale }, (_, k) => device(p.id, k + 1));
    const sorted = req.query['sortFields[0].name'] === 'lastCheckin' && req.query['sortFields[0].order'] === 'DESC';
    // Unsorted, MobileIron lists by id: reverse the newest-first order so that a client that forgets the sort notices.
    if (!sorted) all = all.reverse();
    return { json: { errors: null, result: { searchResults: all.slice(start, start + rows), totalCount: all.length, offset: start, limit: rows } } };
  };

  const v2Devices = (req: RecordedRequest): TestResponse => {
    const s = spaceList.find((x) => String(x.id) === req.query.adminDeviceSpaceId);
    if (!s) return { status: 400, json: { messages: [{ type: 'Error', messageKey: 'com.mobileiron.vsp.messages.http.400', localizedMessage: 'Invalid adminDeviceSpaceId' }] } };
    if (!req.query.fields) return { status: 400, json: { messages: [{ type: 'Error', localizedMessage: 'fields is required' }] } };
    if (req.query.labelId === undefined && req.query.query === undefined) return { status: 400, json: { messages: [{ type: 'Error', localizedMessage: 'query or labelId is required' }] } };
    const fields = req.query.fields.split(',');
    const offset = Number(req.query.offset ?? 0);
    const limit = Number(req.query.limit ?? 50);
    const all = Array.from({ length: s.devices }, (_, k) => coreDevice(s.id, k + 1));
    const results = all.slice(offset, offset + limit).map((d) => Object.fromEntries(fields.filter((f) => f in d).map((f) => [f, d[f]])));
    return { json: { totalCount: all.length, resultCount: results.length, searchTimeMillis: 3, results, hasMore: offset + limit < all.length } };
  };

  const api = (req: RecordedRequest): TestResponse => {
    if (throttleNext > 0 && throttleAfter > 0) throttleAfter--;
    else if (throttleNext > 0) {
      throttleNext--;
      return v1Error(429, 'Too many requests', { 'retry-after': '1' });
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`) {
      return v1Error(401, 'Authentication failed');
    }
    if (req.method !== 'GET') return v1Error(405, 'Method not allowed');
    if (opts.deny && req.path !== '/api/v1/tenant/partition/device' && req.path !== '/api/v2/device_spaces/mine') {
      return v1Error(403, 'Access denied: the user does not have the required permission device.read');
    }
    if (req.path === '/api/v1/tenant/partition/device') {
      return { json: { errors: null, result: { searchResults: parts.map((p) => ({ id: p.id, name: p.name, description: '', defaultPartition: p.id === 1002 })), totalCount: parts.length } } };
    }
    if (req.path === '/api/v1/device') return v1Devices(req);
    const m = /^\/api\/v1\/device\/(\d+)\/hardwareinventory$/.exec(req.path);
    if (m) {
      const pid = Math.floor(Number(m[1]) / 100000);
      const k = Number(m[1]) % 100000;
      if (failing.has(`${pid}:${k}`)) return v1Error(400, 'Unable to read the hardware inventory of the device');
      return isWindows(k) ? { json: { errors: null, result: hardware(pid, k) } } : v1Error(404, 'Hardware inventory not found');
    }
    if (req.path === '/api/v2/device_spaces/mine') return { json: { results: spaceList.map((s) => ({ id: s.id, name: `Space ${s.id}` })) } };
    if (req.path === '/api/v2/device_spaces/criteria') {
      const s = spaceList.find((x) => String(x.id) === req.query.adminDeviceSpaceId);
      return s ? { json: { results: s.fields.map((name) => ({ name, type: 'STRING' })) } } : { status: 400, json: { messages: [{ localizedMessage: 'Invalid adminDeviceSpaceId' }] } };
    }
    if (req.path === '/api/v2/devices') return v2Devices(req);
    return v1Error(404, `No resource ${req.path}`);
  };

  fake.server = await startTestServer(async (req, res) => {
    fake.log.push(`${req.method} ${req.url}`);
    const leave = inFlight.enter(res);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const answer = api(req);
      fake.statuses.push(answer.status ?? 200);
      return answer;
    } finally {
      leave();
    }
  });
  fake.url = fake.server.url;
  return fake;
}
