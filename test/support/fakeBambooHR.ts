/**
 * A BambooHR API gateway for tests, as BambooHR documents it (https://documentation.bamboohr.com/docs/getting-started,
 * https://documentation.bamboohr.com/reference/get-employees-directory-1):
 * - GET /api/gateway.php/{company}/v1/employees/directory answers `{fields: [...], employees: [...]}` in one piece
 *   (no paging), JSON only with `Accept: application/json` (XML otherwise); an unknown company is 404.
 * - HTTP Basic with the API key as the user name and any password; a wrong key is 401. BambooHR disables the
 *   company's API access for a while after repeated invalid keys: here after `lockoutAfter` of them every request,
 *   even with the right key, is 403 until `unlock()`.
 * - Errors explain themselves in the X-BambooHR-Error-Message header (the texts here are illustrative).
 * - Throttling is 503 (BambooHR's documented signal) or 429, with Retry-After, on request.
 */
import { startTestServer, type RecordedRequest, type TestResponse, type TestServer } from './httpTestServer.js';

export type Employee = Record<string, string | null>;

export interface FakeBambooHROptions {
  company?: string;
  apiKey?: string;
  /** A valid key whose user may not see the employee directory: 403. */
  restrictedKey?: string;
  employees?: number;
  /** Invalid keys accepted before the company's API access is locked. */
  lockoutAfter?: number;
}

export interface FakeBambooHR {
  /** The gateway URL, what `url` is set to: http://127.0.0.1:<port>/api/gateway.php */
  url: string;
  company: string;
  apiKey: string;
  /** Every request with the status it got. */
  requests: Array<RecordedRequest & { status: number }>;
  employees: Employee[];
  invalidKeys: number;
  locked: boolean;
  /** The next `count` requests answer `status` (503 or 429) with Retry-After `retryAfterSec` when given. */
  throttleNext(count: number, status: 503 | 429, retryAfterSec?: number): void;
  /** The next `count` requests answer `status` (e.g. 500). */
  failNext(count: number, status: number): void;
  unlock(): void;
  close(): Promise<void>;
}

const FIELDS = [
  ['displayName', 'text', 'Display name'], ['firstName', 'text', 'First name'], ['lastName', 'text', 'Last name'],
  ['preferredName', 'text', 'Preferred name'], ['jobTitle', 'list', 'Job title'], ['workPhone', 'text', 'Work Phone'],
  ['mobilePhone', 'text', 'Mobile Phone'], ['workEmail', 'email', 'Work Email'], ['department', 'list', 'Department'],
  ['location', 'list', 'Location'], ['division', 'list', 'Division'], ['linkedIn', 'text', 'LinkedIn URL'],
  ['workPhoneExtension', 'text', 'Work Ext.'], ['photoUploaded', 'bool', 'Employee photo'], ['photoUrl', 'url', 'Photo URL'],
  ['canUploadPhoto', 'bool', 'Can upload photo'],
].map(([id, type, name]) => ({ id, type, name }));

function makeEmployee(n: number): Employee {
  const first = `Fn${n}`;
  const last = `Ln${n}`;
  return {
    id: String(100 + n),
    displayName: `${first} ${last}`,
    firstName: first,
    lastName: last,
    preferredName: n % 2 ? null : `Pref${n}`,
    // Employee 3 has no job title and no mobile phone: the directory sends null, and so does the record.
    jobTitle: n === 3 ? null : ['Engineer', 'Accountant', 'Designer', 'Manager'][n % 4],
    workPhone: `+1 555 0200 ${n}`,
    mobilePhone: n === 3 ? null : `+1 555 0300 ${n}`,
    workEmail: `fn${n}.ln${n}@acme.example`,
    department: n % 2 ? 'Engineering' : 'Finance',
    location: 'Lindon, Utah',
    division: 'North America',
    linkedIn: null,
    workPhoneExtension: null,
    photoUploaded: 'false',
    photoUrl: `https://images.example/photo_person_${n}.png`,
    canUploadPhoto: '1',
  };
}

function xmlDirectory(employees: Employee[]): string {
  const esc = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const rows = employees.map((e) => `<employee id="${e.id}">${FIELDS.map((f) => `<field id="${f.id}">${esc(e[f.id] ?? '')}</field>`).join('')}</employee>`);
  return `<?xml version="1.0"?><directory><employees>${rows.join('')}</employees></directory>`;
}

export async function startFakeBambooHR(opts: FakeBambooHROptions = {}): Promise<FakeBambooHR> {
  const company = opts.company ?? 'acme';
  const apiKey = opts.apiKey ?? 'bhr-key-0123456789abcdef0123456789abcdef';
  const employees = Array.from({ length: opts.employees ?? 4 }, (_, i) => makeEmployee(i + 1));
  const queue: Array<{ status: number; retryAfterSec?: number }> = [];
  const requests: FakeBambooHR['requests'] = [];
  const state = { invalidKeys: 0, locked: false };

  const error = (status: number, message: string, headers: Record<string, string> = {}): TestResponse =>
    ({ status, headers: { 'x-bamboohr-error-message': message, ...headers }, body: '' });

  const keyOf = (req: RecordedRequest): string | undefined => {
    const m = /^Basic (.+)$/i.exec(String(req.headers.authorization ?? ''));
    if (!m) return undefined;
    const decoded = Buffer.from(m[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : decoded.slice(0, colon);
  };

  const answer = (req: RecordedRequest): TestResponse => {
    const queued = queue.shift();
    if (queued) {
      return error(queued.status, queued.status === 503 || queued.status === 429 ? 'Rate limited: too many requests' : 'Internal error',
        queued.retryAfterSec !== undefined ? { 'retry-after': String(queued.retryAfterSec) } : {});
    }
    const m = /^\/api\/gateway\.php\/([^/]+)\/v1\/(.+)$/.exec(req.path);
    if (!m || decodeURIComponent(m[1]) !== company) return error(404, 'Company not found');
    if (state.locked) return error(403, 'API access has been disabled for this company after too many invalid API keys');
    const key = keyOf(req);
    if (key !== apiKey && key !== opts.restrictedKey) {
      if (++state.invalidKeys >= (opts.lockoutAfter ?? 5)) state.locked = true;
      return error(401, 'Invalid API key');
    }
    if (key === opts.restrictedKey) return error(403, 'You do not have access to this resource');
    if (req.method !== 'GET' || m[2] !== 'employees/directory') return error(404, 'Not found');
    if (!String(req.headers.accept ?? '').includes('application/json')) {
      return { headers: { 'content-type': 'text/xml' }, body: xmlDirectory(employees) };
    }
    return { json: { fields: FIELDS, employees } };
  };

  const server: TestServer = await startTestServer((req) => {
    const res = answer(req);
    requests.push({ ...req, status: res.status ?? 200 });
    return res;
  });

  return {
    url: `${server.url}/api/gateway.php`,
    company,
    apiKey,
    requests,
    employees,
    get invalidKeys() {
      return state.invalidKeys;
    },
    get locked() {
      return state.locked;
    },
    throttleNext(count, status, retryAfterSec) {
      for (let i = 0; i < count; i++) queue.push({ status, retryAfterSec });
    },
    failNext(count, status) {
      for (let i = 0; i < count; i++) queue.push({ status });
    },
    unlock() {
      state.locked = false;
      state.invalidKeys = 0;
    },
    close: () => server.close(),
  };
}
