/** [workday] against the RaaS test server, in process. */
import { ConfigError, PermanentError } from '../../../src/errors.js';
import { HttpTransientError } from '../../../src/http/index.js';
import { createWorkdaySource, reportUrlOf, workday } from '../../../src/sources/workday/index.js';
import { workdaySettings } from '../../../src/sources/workday/settings.js';
import { startFakeWorkday, type FakeWorkday, type FakeWorkdayOptions } from '../../support/fakeWorkday.js';
import { closeContexts, collect, settingsFrom, sourceContext } from '../../support/sourceContext.js';

const servers: FakeWorkday[] = [];
async function fake(opts: FakeWorkdayOptions = {}) {
  const w = await startFakeWorkday(opts);
  servers.push(w);
  return w;
}
afterEach(async () => {
  await closeContexts();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function source(w: FakeWorkday, raw: Record<string, string> = {}) {
  const s = settingsFrom(workdaySettings, {
    report_url: w.reportUrl, username: 'ISU_Oomnitza', password: 'W0rkday!pass%word', default_role: '25', default_position: 'Employee', ...raw,
  });
  const ctx = sourceContext('workday');
  return { src: createWorkdaySource(s, ctx), ctx };
}

async function failureOf(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

test('records are the Report_Entry objects as Workday wrote them; one GET with Basic auth and Accept JSON', async () => {
  const w = await fake({ entries: 7 });
  const { src } = source(w);
  expect(await collect(src)).toEqual([1, 2, 3, 4, 5, 6, 7].map((i) => w.entry(i)));
  expect(w.requests).toHaveLength(1);
  expect(w.requests[0].headers.accept).toBe('application/json');
  expect(w.requests[0].headers.authorization).toBe(`Basic ${Buffer.from('ISU_Oomnitza:W0rkday!pass%word').toString('base64')}`);
  expect(w.requests[0].query).toEqual({ format: 'json' });
});

test('entries reach the pipeline while the report is still arriving', async () => {
  const w = await fake({ entries: 6 });
  w.pauseAfter(3);
  const { src } = source(w);
  const seen: unknown[] = [];
  for await (const entry of src.read({ fields: [], allFields: false })) {
    seen.push(entry);
    // The server holds entries 4-6 back until the first three have been consumed.
    if (seen.length === 3) {
      expect(w.written).toBe(3);
      w.release();
    }
  }
  expect(seen).toHaveLength(6);
});

test('an entry that is not an object is reported and the others arrive', async () => {
  const w = await fake({ entries: 4, badEntries: [2] });
  const { src, ctx } = source(w);
  expect(await collect(src)).toEqual([w.entry(1), w.entry(3), w.entry(4)]);
  expect(ctx.failures.map((f) => [f.id, (f.error as Error).message])).toEqual([['Report_Entry #2', 'entry 2 of the report is not an object']]);
});

test('a report cut off mid-way is a transient error naming the request; the link is not printed with its query', async () => {
  const w = await fake({ entries: 5 });
  w.cutAfter(2);
  const { src } = source(w, { report_url: `${w.reportUrl}&Effective_as_of_Date=2024-01-01` });
  const seen: unknown[] = [];
  const error = await failureOf((async () => { for await (const e of src.read({ fields: [], allFields: false })) seen.push(e); })());
  expect(seen).toHaveLength(2);
  expect(error).toBeInstanceOf(HttpTransientError);
  expect(error.message).toMatch(new RegExp(`^\\[workday\\] GET ${w.url}/ccx/service/customreport2/acme/ISU_Oomnitza/Oomnitza_Users failed while reading the response: `));
});

test.each([
  [{ password: 'wrong' }, ConfigError, '[workday] password: Workday refused user "ISU_Oomnitza" (HTTP 401: Unauthorized): check username and password'],
  [{ username: 'someone' }, ConfigError, '[workday] password: Workday refused user "someone" (HTTP 401: Unauthorized): check username and password'],
])('bad credentials name the setting: %j', async (raw, kind, message) => {
  const w = await fake();
  const error = await failureOf(source(w, raw).src.check());
  expect(error).toBeInstanceOf(kind);
  expect(error.message).toBe(message);
  expect(error.message).not.toContain('wrong');
});

test('a user the report is not shared with, and a report that does not exist, are explained', async () => {
  const w = await fake({ username: 'ISU_Other', password: 'p4ss-word!', allowed: [] });
  const forbidden = await failureOf(source(w, { username: 'ISU_Other', password: 'p4ss-word!' }).src.check());
  expect(forbidden).toBeInstanceOf(PermanentError);
  expect(forbidden.message).toBe('Workday: user "ISU_Other" may not run report "Oomnitza_Users" (HTTP 403: The task submitted is not authorized.): share the report with this account (or its security group) and grant it the report\'s data source domains');
  const missing = await failureOf(source(w, { username: 'ISU_Other', password: 'p4ss-word!', report_url: `${w.url}/ccx/service/customreport2/acme/ISU_Oomnitza/Nope?format=json` }).src.check());
  expect(missing).toBeInstanceOf(ConfigError);
  expect(missing.message).toBe('[workday] report_url: Workday has no report at /ccx/service/customreport2/acme/ISU_Oomnitza/Nope (HTTP 404: The resource cannot be found.): check report_url; the report must be an Advanced report with "Enable As Web Service", and the link names its owner and name');
});

test('check() reads the first entry and stops; an empty report says so', async () => {
  const w = await fake({ entries: 3 });
  expect(await source(w).src.check()).toBe('authenticated as "ISU_Oomnitza"; report "Oomnitza_Users" returned entries; the first has 12 field(s): Employee_ID, Worker, First_Name, Last_Name, Email_Address, Business_Title, Cost_Center, Hire_Date, ...');
  const empty = await fake({ entries: 0 });
  expect(await source(empty).src.check()).toBe('authenticated as "ISU_Oomnitza"; report "Oomnitza_Users" has no entries (check its filters and prompts)');
});

test('report_url: format=json is added when missing, another format or a non-URL is a config error', () => {
  expect(reportUrlOf('https://wd2.example.com/ccx/service/customreport2/t/o/R', 'workday').toString()).toBe('https://wd2.example.com/ccx/service/customreport2/t/o/R?format=json');
  expect(reportUrlOf(' https://wd2.example.com/r?format=json&Org=1 ', 'workday').toString()).toBe('https://wd2.example.com/r?format=json&Org=1');
  expect(() => reportUrlOf('https://wd2.example.com/r?format=csv', 'workday')).toThrow('[workday] report_url: asks Workday for format=csv, which this source cannot read (paste the report\'s JSON link');
  expect(() => reportUrlOf('wd2.example.com/r', 'workday')).toThrow('[workday] report_url: "wd2.example.com/r" is not a URL');
  expect(() => reportUrlOf('ftp://wd2.example.com/r', 'workday')).toThrow('[workday] report_url: "ftp://wd2.example.com/r" must start with https://');
});

test('an XML answer is explained, not parsed', async () => {
  const w = await fake({ xml: true });
  const error = await failureOf(collect(source(w).src));
  expect(error).toBeInstanceOf(PermanentError);
  expect(error.message).toBe(`[workday] GET ${w.url}/ccx/service/customreport2/acme/ISU_Oomnitza/Oomnitza_Users: Workday answered application/xml, not JSON: check that report_url is the report's JSON link`);
  expect(workday.mappingName(settingsFrom(workdaySettings, {}))).toBe('Workday');
  expect(workday.defaultMappings(settingsFrom(workdaySettings, {}))).toEqual({ PERMISSIONS_ID: { setting: 'default_role' } });
});
