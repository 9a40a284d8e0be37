/** `connector upload ldap` end to end: a real slapd -> the built CLI -> the fake Oomnitza, exact payloads. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { READER, SUFFIX, buildDirectory, groupDn, writeLdif } from '../../fixtures/ldap/directory.js';

let server: Slapd;
let oom: FakeOomnitza;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-cli-'));
  writeLdif(path.join(tmp, 'directory.ldif'), buildDirectory(600));
  server = await startSlapd({ ldifFile: path.join(tmp, 'directory.ldif'), suffix: SUFFIX, sizeLimit: 100, anonymous: false });
}, 60000);
afterAll(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const ini = (section: string, extra: string) => `[oomnitza]
url = ${oom.url}
api_token = ${oom.token}

[${section}]
enable = True
url = ${server.url}
username = ${READER.dn}
password = ${READER.password}
base_dn = ${SUFFIX}
default_role = 31
sync_field = USER
${extra}`;

test('users by base_dn + filter: paged past the size limit, UTF-8 intact, users without mail skipped', async () => {
  const dir = tempDir({
    'config.ini': ini('ldap', 'filter = (objectClass=inetOrgPerson)\nmapping.SID = objectSid\nmapping.GROUPS = memberOf\n'),
  });
  const res = await runCli(['upload', 'ldap', '--ini', 'config.ini', '--workers', '4'], { cwd: dir });
  // 600 users; every 97th has no mail (97, 194, ..., 582: 6 users) and the required EMAIL drops them.
  expect(res.stderr).toMatch(/\[ldap\] pulled 600, filtered out 0, skipped 6, pushed 594, failed 0/);
  expect(res.stderr).toMatch(/skipped USER="u00097" \(record #\d+\): required field\(s\) empty: EMAIL/);
  expect(res.code).toBe(0);
  const records = oom.records('LDAP');
  expect(records).toHaveLength(594);
  const jose = records.find((r) => r.USER === 'u00001');
  expect(jose).toEqual({
    USER: 'u00001',
    FIRST_NAME: 'José',
    LAST_NAME: 'Müller',
    EMAIL: 'u00001@example.com',
    PERMISSIONS_ID: '31',
    SID: 'S-1-5-21-1004336348-1177238915-682003330-1001',
    GROUPS: [groupDn('Engineering')],
    POSITION: 'Employee',
  });
  expect(records.find((r) => r.USER === 'u00003')).toMatchObject({ FIRST_NAME: '太郎', LAST_NAME: '山田' });
  expect(oom.bulkRequests[0]).toMatchObject({ data_type: 'users', connector_name: 'LDAP', sync_field: ['USER'] });
  expect(res.stderr + res.stdout).not.toContain(READER.password);
});

test('[ldap.Groups] by groups_dn: members of both groups, a user in both pushed once', async () => {
  const groups = JSON.stringify([groupDn('Engineering'), groupDn('Sales')]);
  const dir = tempDir({ 'config.ini': ini('ldap.Groups', `groups_dn = ${groups}\n`) });
  const res = await runCli(['upload', 'ldap.Groups', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  const users = oom.records('LDAP').map((r) => r.USER).sort();
  // Engineering: users 1-20 (its nested group is not expanded, as in the original); Sales: 15-30 (+ a ghost member).
  expect(users).toEqual(Array.from({ length: 30 }, (_, i) => `u${String(i + 1).padStart(5, '0')}`));
});

test('connector test ldap: a wrong password is named as such and the password never printed', async () => {
  const dir = tempDir({ 'config.ini': ini('ldap', 'filter = (objectClass=inetOrgPerson)\n').replace(`password = ${READER.password}`, 'password = wrong-pw-123') });
  const res = await runCli(['test', 'ldap', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stdout).toMatch(/OK +\[oomnitza\]/);
  expect(res.stdout).toMatch(/FAILED \[ldap\] .*(invalid credentials|password)/i);
  expect(res.stdout + res.stderr).not.toContain('wrong-pw-123');
});
