/** End to end: the built CLI reads the RaaS test server and pushes users to the fake Oomnitza. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeWorkday, type FakeWorkday } from '../../support/fakeWorkday.js';
import { startTestServer } from '../../support/httpTestServer.js';

const PASSWORD = 'W0rkday!pass%word';
let oom: FakeOomnitza;
let wd: FakeWorkday;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  wd = await startFakeWorkday({ entries: 9, badEntries: [4] });
});
afterEach(async () => {
  await oom.close();
  await wd.close();
});

function section(name: string, reportUrl: string, extra = ''): string {
  return `[${name}]
enable = True
report_url = ${reportUrl}
username = ISU_Oomnitza
password = ${PASSWORD}
default_role = 25
default_position = Employee
${extra}`;
}

const MAPPINGS = `mapping.USER = Email_Address
mapping.EMAIL = Email_Address
mapping.FIRST_NAME = First_Name
mapping.LAST_NAME = Last_Name
mapping.EMPLOYEE_ID = Employee_ID
mapping.PHONE = Phone_Numbers.0.Phone_Number
mapping.MANAGER = Manager.0.Manager_Email
`;

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n\n')}\n`;
}

function expected(i: number) {
  const e = wd.entry(i) as Record<string, any>;
  return {
    PERMISSIONS_ID: '25', USER: e.Email_Address, EMAIL: e.Email_Address, FIRST_NAME: e.First_Name, LAST_NAME: e.Last_Name,
    EMPLOYEE_ID: e.Employee_ID, PHONE: e.Phone_Numbers[0].Phone_Number, MANAGER: e.Manager[0]?.Manager_Email ?? null, POSITION: 'Employee',
  };
}

test('a throttled report request is waited out; every entry arrives with exact payloads, sync_field USER by default; the bad one is named', async () => {
  wd.throttleNext(1, 1);
  const dir = tempDir({ 'config.ini': config(section('workday', wd.reportUrl, MAPPINGS)) });
  const res = await runCli(['upload', 'workday', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/rate limited \(HTTP 429\); waiting 1 s as the server asks/);
  expect(oom.records('Workday')).toEqual([1, 2, 3, 5, 6, 7, 8, 9].map(expected));
  for (const bulk of oom.bulkRequests) expect(bulk).toMatchObject({ data_type: 'users', connector_name: 'Workday', sync_field: ['USER'] });
  expect(res.stderr).toMatch(/Report_Entry #4.*entry 4 of the report is not an object/);
  expect(res.stderr).toMatch(/\[workday\] pulled 8, .*failed 1/);
  expect(res.code).toBe(1);
  expect(res.stderr + res.stdout).not.toContain(PASSWORD);
});

test('a wrong password stops the section with exit 1, naming the setting and never the password', async () => {
  const dir = tempDir({ 'config.ini': config(section('workday', wd.reportUrl, MAPPINGS).replace(PASSWORD, 'Not-the-password')) });
  const res = await runCli(['upload', 'workday', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('[workday] password: Workday refused user "ISU_Oomnitza" (HTTP 401: Unauthorized): check username and password');
  expect(res.stderr + res.stdout).not.toContain('Not-the-password');
  expect(oom.records()).toEqual([]);
});

test('connector test: a distinct message per failure kind', async () => {
  const forbidden = await startFakeWorkday({ allowed: [] });
  const empty = await startFakeWorkday({ entries: 0 });
  const xml = await startFakeWorkday({ xml: true });
  const closed = await startTestServer(() => ({}));
  await closed.close();
  try {
    const missing = wd.reportUrl.replace('Oomnitza_Users', 'Nope');
    const dir = tempDir({
      'config.ini': config(
        section('workday', wd.reportUrl),
        section('workday.password', wd.reportUrl).replace(PASSWORD, 'bad-password'),
        section('workday.forbidden', forbidden.reportUrl),
        section('workday.missing', missing),
        section('workday.empty', empty.reportUrl),
        section('workday.xml', xml.reportUrl),
        section('workday.down', `${closed.url}/ccx/service/customreport2/acme/ISU_Oomnitza/Oomnitza_Users?format=json`),
      ),
    });
    const names = ['workday', 'workday.password', 'workday.forbidden', 'workday.missing', 'workday.empty', 'workday.xml', 'workday.down'];
    const res = await runCli(['test', ...names, '--ini', 'config.ini'], { cwd: dir });
    const line = (name: string) => res.stdout.split('\n').find((l) => l.includes(`[${name}] `)) ?? '';
    expect(line('workday')).toBe('OK     [workday] authenticated as "ISU_Oomnitza"; report "Oomnitza_Users" returned entries; the first has 12 field(s): Employee_ID, Worker, First_Name, Last_Name, Email_Address, Business_Title, Cost_Center, Hire_Date, ...');
    expect(line('workday.password')).toMatch(/^FAILED .* password: Workday refused user "ISU_Oomnitza" \(HTTP 401/);
    expect(line('workday.forbidden')).toMatch(/^FAILED .*may not run report "Oomnitza_Users" \(HTTP 403/);
    expect(line('workday.missing')).toMatch(/^FAILED .* report_url: Workday has no report at \/ccx\/service\/customreport2\/acme\/ISU_Oomnitza\/Nope \(HTTP 404/);
    expect(line('workday.empty')).toMatch(/^OK .*report "Oomnitza_Users" has no entries/);
    expect(line('workday.xml')).toMatch(/^FAILED .*Workday answered application\/xml, not JSON/);
    expect(line('workday.down')).toMatch(/^FAILED .*connection refused/);
    expect(res.code).toBe(1);
    expect(res.stdout + res.stderr).not.toContain(PASSWORD);
  } finally {
    await Promise.all([forbidden.close(), empty.close(), xml.close()]);
  }
});
