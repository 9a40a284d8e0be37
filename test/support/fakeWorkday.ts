/**
 * A Workday Report-as-a-Service endpoint: GET /ccx/service/customreport2/{tenant}/{owner}/{report}?format=json with
 * HTTP Basic, answering `{"Report_Entry": [...]}` whose keys are the report's field aliases (multi-instance fields as
 * lists of objects). As RaaS does, it has no paging, takes a while before the first byte (the report is generated
 * first) and then streams the whole report; without `format` it answers XML, its default.
 * Facts: https://apis.apis.io/apis/workday-integrations/workday-raas-report-as-a-service/ (Workday's own docs need a
 * Community login, and the exact text of its error bodies is not public: this server answers the statuses
 * documented there, 401 for bad credentials, 403 for a user the report is not shared with, 404 for an unknown
 * report, with a short text body; the source relies on the status only).
 */
import type http from 'node:http';
import { startTestServer, type RecordedRequest, type TestServer } from './httpTestServer.js';

export interface FakeWorkdayOptions {
  tenant?: string;
  owner?: string;
  report?: string;
  username?: string;
  password?: string;
  /** Users that may run the report besides its owner's account; others get 403. Default: `username` only. */
  allowed?: string[];
  entries?: number;
  /** Milliseconds before the first byte (report generation). */
  generateMs?: number;
  /** Entry numbers (1-based) that come out as null, to fail one item. */
  badEntries?: number[];
  /** Answer XML (RaaS's default format) even to a JSON link, as a proxy that drops the query would make it. */
  xml?: boolean;
}

export interface FakeWorkday {
  url: string;
  /** The report's JSON link. */
  reportUrl: string;
  requests: RecordedRequest[];
  entry(i: number): Record<string, unknown>;
  /** Entries written so far by the current or last response. */
  written: number;
  /** The next `count` report requests answer 429 with Retry-After (Workday's own limits are not public; any gateway may throttle). */
  throttleNext(count: number, retryAfterSec: number): void;
  /** The next response stops (socket destroyed) after this many entries. */
  cutAfter(entries: number): void;
  /** The next response pauses after this many entries until release() is called. */
  pauseAfter(entries: number): void;
  release(): void;
  close(): Promise<void>;
}

/** A report entry as a customer's report might define it (aliases chosen by the report's author). */
export function makeWorkdayEntry(i: number): Record<string, unknown> {
  const id = String(21000 + i);
  return {
    Employee_ID: id,
    Worker: `Worker ${i}`,
    First_Name: `First${i}`,
    Last_Name: `Last${i}`,
    Email_Address: `worker${i}@example.com`,
    Business_Title: ['Engineer', 'Manager', 'Analyst'][i % 3],
    Cost_Center: `CC${100 + (i % 4)}`,
    Hire_Date: `2020-0${(i % 9) + 1}-15`,
    Active: i % 8 === 0 ? '0' : '1',
    // Names with quotes, backslashes and non-ASCII text, as real reports have.
    Preferred_Name: i % 3 === 0 ? `"Kiki" O'Brien\\${i} — Zoë` : `Pref ${i}`,
    Phone_Numbers: [{ Phone_Type: 'Work', Phone_Number: `+1 (925) 555-${String(1000 + i).slice(-4)}` }],
    Manager: i === 1 ? [] : [{ Manager_ID: String(21000 + Math.ceil(i / 2)), Manager_Email: `worker${Math.ceil(i / 2)}@example.com` }],
  };
}

export async function startFakeWorkday(opts: FakeWorkdayOptions = {}): Promise<FakeWorkday> {
  const o = {
    tenant: 'acme', owner: 'ISU_Oomnitza', report: 'Oomnitza_Users', username: 'ISU_Oomnitza', password: 'W0rkday!pass%word',
    entries: 5, generateMs: 0, badEntries: [] as number[], xml: false, ...opts,
  };
  const allowed = new Set(opts.allowed ?? [o.username]);
  const reportPath = `/ccx/service/customreport2/${o.tenant}/${o.owner}/${o.report}`;
  let cut = -1;
  let throttle = { count: 0, retryAfter: 1 };
  let pause = -1;
  let release: (() => void) | undefined;
  const state = { written: 0 };

  const text = (res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain;charset=UTF-8', ...headers });
    res.end(body);
  };
  /** Writes and waits for the socket when its buffer is full, so a slow reader slows the server (backpressure). */
  const write = (res: http.ServerResponse, chunk: string) =>
    res.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => res.once('drain', resolve));

  const server: TestServer = await startTestServer(async (req, res) => {
    if (req.method !== 'GET' || req.path !== reportPath) return text(res, 404, 'The resource cannot be found.');
    const header = String(req.headers.authorization ?? '');
    const [user, ...rest] = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8').split(':') : [];
    if (user === undefined || user !== o.username || rest.join(':') !== o.password) {
      return text(res, 401, 'Unauthorized', { 'www-authenticate': 'Basic realm="Workday"' });
    }
    if (!allowed.has(user)) return text(res, 403, `The task submitted is not authorized.`);
    if (throttle.count > 0) {
      throttle.count--;
      return text(res, 429, 'Too Many Requests', { 'retry-after': String(throttle.retryAfter) });
    }
    if (o.generateMs) await new Promise((r) => setTimeout(r, o.generateMs));
    const format = req.query.format ?? 'simplexml';
    if (format !== 'json' || o.xml) {
      res.writeHead(200, { 'content-type': 'application/xml;charset=UTF-8' });
      return void res.end('<?xml version="1.0" encoding="UTF-8"?><wd:Report_Data xmlns:wd="urn:com.workday.report/Oomnitza_Users"></wd:Report_Data>');
    }
    res.writeHead(200, { 'content-type': 'application/json;charset=UTF-8' });
    state.written = 0;
    const cutAt = cut;
    const pauseAt = pause;
    cut = -1;
    pause = -1;
    await write(res, '{"Report_Entry":[');
    for (let i = 1; i <= o.entries; i++) {
      if (i === cutAt + 1) {
        // Let the entries so far reach the reader first: a cut before the response is complete is a failure mid-body.
        await new Promise((r) => setTimeout(r, 50));
        return void res.socket?.destroy();
      }
      if (i === pauseAt + 1) await new Promise<void>((resolve) => (release = resolve));
      const entry = o.badEntries.includes(i) ? null : makeWorkdayEntry(i);
      await write(res, `${i > 1 ? ',' : ''}${JSON.stringify(entry)}`);
      state.written = i;
    }
    res.end(']}');
  });

  return {
    url: server.url,
    reportUrl: `${server.url}${reportPath}?format=json`,
    requests: server.requests,
    entry: makeWorkdayEntry,
    get written() {
      return state.written;
    },
    throttleNext: (count, retryAfter) => void (throttle = { count, retryAfter }),
    cutAfter: (n) => void (cut = n),
    pauseAfter: (n) => void (pause = n),
    release: () => release?.(),
    close: () => {
      release?.();
      return server.close();
    },
  };
}
