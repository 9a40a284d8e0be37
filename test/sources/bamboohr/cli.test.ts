/** End to end: the built CLI reads the BambooHR test server and pushes to the fake Oomnitza. */
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startFakeBambooHR, type Employee, type FakeBambooHR } from '../../support/fakeBambooHR.js';
import { runCli, tempDir } from '../../helpers/runCli.js';

let oom: FakeOomnitza;
let fake: FakeBambooHR;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  fake = await startFakeBambooHR({ employees: 4, restrictedKey: 'restricted-key-0000' });
});
afterEach(async () => {
  await Promise.all([oom.close(), fake.close()]);
});

function section(name: string, opts: { url?: string; company?: string; key?: string } = {}): string {
  return `[${name}]\nenable = True\nurl = ${opts.url ?? fake.url}\nsystem_name = ${opts.company ?? fake.company}\napi_token = ${opts.key ?? fake.apiKey}\n` +
    'default_role = 25\ndefault_position = Employee\nsync_field = USER\n';
}

function config(...sections: string[]): string {
  return `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections.join('\n')}`;
}

/** What the default mappings make of an employee: POSITION is the job title, not default_position. */
function payload(e: Employee) {
  return { USER: e.workEmail, FIRST_NAME: e.firstName, LAST_NAME: e.lastName, EMAIL: e.workEmail, PHONE: e.mobilePhone, POSITION: e.jobTitle, PERMISSIONS_ID: '25' };
}

test('the directory arrives with exact payloads, after a 503 and a 429 that were waited out', async () => {
  fake.throttleNext(1, 503, 1);
  fake.throttleNext(1, 429, 0);
  const dir = tempDir({ 'config.ini': config(section('bamboohr')) });
  const res = await runCli(['upload', 'bamboohr', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/\[bamboohr\] pulled 4, filtered out 0, skipped 0, pushed 4, failed 0/);
  expect(res.code).toBe(0);
  expect(fake.requests.map((r) => r.status)).toEqual([503, 429, 200]);
  expect(res.stderr).toMatch(/rate limited \(HTTP 503\); waiting 1 s as the server asks/);
  expect(oom.log).toContain('GET /api/v2/mappings?name=BambooHR');
  expect(oom.bulkRequests.every((b) => b.connector_name === 'BambooHR' && b.data_type === 'users')).toBe(true);
  const records = oom.records('BambooHR');
  expect(records).toEqual(fake.employees.map(payload));
  // Employee 3 has no job title: POSITION stays empty, as in the original (default_position is not a fallback).
  expect(records[2]).toMatchObject({ POSITION: null, PHONE: null });
});

test('a wrong key stops the section after one request: exit 1, the setting named, the key never printed', async () => {
  const dir = tempDir({ 'config.ini': config(section('bamboohr', { key: 'wrong-key-5a4b3c2d1e' })) });
  const res = await runCli(['upload', 'bamboohr', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toContain('[bamboohr] api_token: BambooHR rejected the API key for company "acme" (HTTP 401: Invalid API key). Check api_token');
  expect(res.stderr + res.stdout).not.toContain('wrong-key-5a4b3c2d1e');
  expect(res.stderr + res.stdout).not.toContain(Buffer.from('wrong-key-5a4b3c2d1e:x').toString('base64'));
  expect(fake.requests).toHaveLength(1);
  expect(oom.records('BambooHR')).toEqual([]);
});

test('connector test: one distinct message per failure kind', async () => {
  const empty = await startFakeBambooHR({ employees: 0 });
  try {
    const dir = tempDir({
      'config.ini': config(
        section('bamboohr'),
        section('bamboohr.wrongkey', { key: 'wrong-key-5a4b3c2d1e' }),
        section('bamboohr.restricted', { key: 'restricted-key-0000' }),
        section('bamboohr.company', { company: 'acme-corp' }),
        section('bamboohr.empty', { url: empty.url, key: empty.apiKey }),
      ),
    });
    const res = await runCli(['test', 'bamboohr', 'bamboohr.wrongkey', 'bamboohr.restricted', 'bamboohr.company', 'bamboohr.empty', '--ini', 'config.ini'], { cwd: dir });
    const lines = res.stdout.split('\n');
    const line = (name: string) => lines.find((l) => l.includes(`[${name}]`)) ?? '';
    expect(line('bamboohr')).toBe('OK     [bamboohr] authenticated to BambooHR company "acme"; 4 employee(s) in the directory; read employee 101 "Fn1 Ln1"');
    expect(line('bamboohr.wrongkey')).toMatch(/^FAILED \[bamboohr.wrongkey\] api_token: BambooHR rejected the API key for company "acme" \(HTTP 401: Invalid API key\)/);
    expect(line('bamboohr.restricted')).toMatch(/^FAILED \[bamboohr.restricted\] api_token: BambooHR refused to show the employee directory of "acme" \(HTTP 403: You do not have access to this resource\)/);
    expect(line('bamboohr.company')).toMatch(/^FAILED \[bamboohr.company\] system_name: BambooHR has no company "acme-corp" \(HTTP 404/);
    expect(line('bamboohr.empty')).toMatch(/^FAILED \[bamboohr.empty\] authenticated to BambooHR company "acme", but the employee directory is empty/);
    expect(res.stdout).not.toContain('wrong-key-5a4b3c2d1e');
    expect(res.code).toBe(1);
  } finally {
    await empty.close();
  }
});
