/**
 * A SimpleMDM API v1 test server (https://simplemdm.com/docs/api/), answering as SimpleMDM does:
 * - HTTP Basic with the API key as the user name and an empty password; anything else is 401 with Rails' plain-text
 *   "HTTP Basic: Access denied." (SimpleMDM is a Rails app; the exact body is unverified).
 * - Lists page with `limit` (1-100, default 10; another value is a 400 with SimpleMDM's `{"errors":[{"title"}]}`)
 *   and `starting_after=<id>`, and say `has_more`; ids ascend.
 * - Unknown devices are 404 `{"errors":[{"title":"object not found"}]}`.
 * - On request: throttling (429 with Retry-After in seconds), a device whose detail calls fail, a key whose
 *   permissions leave out devices (403).
 */
import { InFlightCounter, startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export interface FakeSimpleMdmOptions {
  devices?: number;
  /** Installed apps of computer i; default 120 for device 1 (two pages), else (i % 3) + 1. */
  apps?: (i: number) => number;
  /** The key may not read devices (403). */
  deny?: boolean;
  requestDelayMs?: number;
}

export interface FakeSimpleMdm {
  url: string;
  key: string;
  server: TestServer;
  /** API request lines as sent (method, path, query). */
  log: string[];
  statuses: number[];
  maxInFlight: number;
  /** Device i: `{type, id, attributes, relationships}` as SimpleMDM lists it. */
  device(i: number): { type: string; id: number; attributes: Record<string, unknown>; relationships: Record<string, unknown> };
  isMobile(i: number): boolean;
  groupOf(i: number): number;
  customAttributes(i: number): Record<string, unknown>;
  app(i: number, j: number): { name: string; short_version: string };
  appCount(i: number): number;
  /** After `after` more requests, the next `times` answer 429 with Retry-After: 1. */
  throttle(times?: number, after?: number): void;
  /** The detail calls of device i answer 404. */
  failDevice(i: number): void;
  close(): Promise<void>;
}

const errors = (status: number, title: string, headers: Record<string, string> = {}): TestResponse => ({ status, headers, json: { errors: [{ title }] } });

export async function startFakeSimpleMdm(opts: FakeSimpleMdmOptions = {}): Promise<FakeSimpleMdm> {
  const count = opts.devices ?? 7;
  const appCount = opts.apps ?? ((i: number) => (i === 1 ? 120 : (i % 3) + 1));
  const key = 'smdm-Key-9fT2kq7WvX3bLr8YzN0pA5cE';
  const failing = new Set<number>();
  let throttleNext = 0;
  let throttleAfter = 0;
  const inFlight = new InFlightCounter();

  const isMobile = (i: number) => i % 3 === 0;
  const groupOf = (i: number) => (i % 2 ? 11 : 12);
  const serial = (i: number) => `C02SM${String(i).padStart(5, '0')}`;
  const device = (i: number) => ({
    type: 'device',
    id: 100 + i,
    attributes: {
      name: `Device ${i}`,
      last_seen_at: `2026-05-${String((i % 28) + 1).padStart(2, '0')}T09:30:00.000-07:00`,
      status: 'enrolled',
      device_name: isMobile(i) ? `iPhone ${i}` : `MacBook ${i}`,
      serial_number: serial(i),
      imei: isMobile(i) ? `35 ${String(i).padStart(6, '0')} 123456 7` : null,
      meid: null,
      model: isMobile(i) ? 'MQ8L2LL/A' : 'Z15G',
      model_name: isMobile(i) ? 'iPhone 15' : 'MacBook Pro (14-inch, 2023)',
      os_version: isMobile(i) ? '17.4.1' : '14.4.1',
      product_name: isMobile(i) ? 'iPhone15,4' : 'Mac14,5',
      wifi_mac: `a4:b1:c2:00:00:${String(i % 100).padStart(2, '0')}`,
      bluetooth_mac: `a4:b1:c2:00:01:${String(i % 100).padStart(2, '0')}`,
      is_supervised: true,
      cellular_technology: isMobile(i) ? 'gsm' : null,
    },
    relationships: { device_group: { data: { type: 'device_group', id: groupOf(i) } } },
  });
  const customAttributes = (i: number) => ({ asset_tag: `AT-${i}`, department: i % 2 ? 'Sales' : null });
  const app = (i: number, j: number) => ({ name: j === 1 ? 'Safari' : `App ${j}`, short_version: `${j}.${i}` });

  const fake: FakeSimpleMdm = {
    url: '', key, server: undefined as unknown as TestServer, log: [], statuses: [],
    get maxInFlight() {
      return inFlight.max;
    },
    device, isMobile, groupOf, customAttributes, app, appCount,
    throttle: (times = 1, after = 0) => {
      throttleNext = times;
      throttleAfter = after;
    },
    failDevice: (i) => void failing.add(i),
    close: () => fake.server.close(),
  };

  /** One page after `starting_after`, SimpleMDM's cursor paging. */
  const page = (req: RecordedRequest, items: Array<{ id: number }>): TestResponse => {
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return errors(400, 'limit must be an integer between 1 and 100');
    const after = req.query.starting_after === undefined ? -Infinity : Number(req.query.starting_after);
    const rest = items.filter((x) => x.id > after);
    return { json: { data: rest.slice(0, limit), has_more: rest.length > limit } };
  };

  const api = (req: RecordedRequest): TestResponse => {
    if (throttleNext > 0 && throttleAfter > 0) throttleAfter--;
    else if (throttleNext > 0) {
      throttleNext--;
      return errors(429, 'rate limit exceeded', { 'retry-after': '1' });
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${key}:`).toString('base64')}`) {
      return { status: 401, headers: { 'www-authenticate': 'Basic realm="Application"', 'content-type': 'text/html; charset=utf-8' }, body: 'HTTP Basic: Access denied.\n' };
    }
    if (req.method !== 'GET') return errors(405, 'method not allowed');
    if (opts.deny) return errors(403, 'api key does not have permission to access this resource');
    const all = Array.from({ length: count }, (_, k) => k + 1);
    if (req.path === '/api/v1/devices') return page(req, all.map(device));
    const m = /^\/api\/v1\/devices\/(\d+)\/(custom_attribute_values|installed_apps)$/.exec(req.path);
    const i = m ? Number(m[1]) - 100 : 0;
    if (!m || i < 1 || i > count || failing.has(i)) return errors(404, 'object not found');
    if (m[2] === 'custom_attribute_values') {
      return { json: { data: Object.entries(customAttributes(i)).map(([id, value]) => ({ type: 'custom_attribute_value', id, attributes: { value } })) } };
    }
    const apps = Array.from({ length: isMobile(i) ? 0 : appCount(i) }, (_, j) => ({
      type: 'installed_app', id: 5000 + j, attributes: { ...app(i, j + 1), bundle_identifier: `com.example.app${j + 1}`, version: `${j + 1}00`, managed: false, discovered_at: '2026-01-01T00:00:00.000-08:00' },
    }));
    return page(req, apps);
  };

  fake.server = await startTestServer(async (req, res) => {
    fake.log.push(`${req.method} ${req.url}`);
    const leave = inFlight.enter(res);
    try {
      if (opts.requestDelayMs) await new Promise((resolve) => setTimeout(resolve, opts.requestDelayMs));
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
