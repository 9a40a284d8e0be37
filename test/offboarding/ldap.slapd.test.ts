/**
 * Offboarding end to end on LDAP with a real slapd (issue 20): users deleted from the directory between runs are
 * retired after two complete runs; a --record-count run or a changed search filter retires nothing; deleting more
 * than retire_max holds the retirement until `connector retire --confirm N`; a user added back is pushed again.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { retire } from '../../src/cli/retire.js';
import { startSlapd, type Slapd } from '../support/slapd.js';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { tempDir } from '../helpers/runCli.js';
import { READER, SUFFIX, buildDirectory, uidOf, userDn, writeLdif } from '../fixtures/ldap/directory.js';
import { run } from './helpers.js';

let server: Slapd;
let oom: FakeOomnitza;
let tmp: string;
let ldif: string;
const USERS = 40;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'offboarding-ldap-'));
  ldif = path.join(tmp, 'directory.ldif');
  writeLdif(ldif, buildDirectory(USERS));
  server = await startSlapd({ ldifFile: ldif, suffix: SUFFIX, sizeLimit: 500, anonymous: false });
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

const admin = ['-x', '-H', () => server.url, '-D', `cn=admin,${SUFFIX}`, '-w', 'admin-not-used'];
const adminArgs = () => admin.map((a) => (typeof a === 'function' ? a() : a));
const remove = (...users: number[]) => execFileSync('ldapdelete', [...adminArgs(), ...users.map(userDn)], { stdio: 'pipe' });
/** Adds a user back with the entry it had in the fixture. */
function restore(i: number): void {
  const entry = fs.readFileSync(ldif, 'utf8').split('\n\n').find((e) => e.startsWith(`dn: ${userDn(i)}\n`))!;
  execFileSync('ldapadd', adminArgs(), { input: `${entry}\n`, stdio: ['pipe', 'pipe', 'pipe'] });
}

function setup(filter = '(objectClass=inetOrgPerson)') {
  const dir = tempDir();
  const ini = path.join(dir, 'config.ini');
  const write = (f: string) => fs.writeFileSync(ini, `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\nretries = 0\n\n[ldap]\nenable = True\n` +
    `url = ${server.url}\nusername = ${READER.dn}\npassword = ${READER.password}\nbase_dn = ${SUFFIX}\nfilter = ${f}\nsync_field = USER\n` +
    'retire_missing = True\nretire_mapping = {"STATUS": "Deprovisioned"}\n');
  write(filter);
  return { ini, write };
}

test('deleted users are retired after two complete runs; partial runs retire nothing; a user added back is pushed again', async () => {
  const { ini, write } = setup();
  expect((await run(oom, ini, 'ldap')).code).toBe(0);
  remove(5);
  const once = await run(oom, ini, 'ldap');
  expect(once.code).toBe(0);
  expect(once.retired).toEqual([]);
  // Partial runs between: --record-count, then a changed search filter (same users, but the scope may differ).
  expect((await run(oom, ini, 'ldap', { recordCount: 10 })).retired).toEqual([]);
  write('(&(objectClass=inetOrgPerson)(uid=*))');
  const changed = await run(oom, ini, 'ldap');
  expect(changed.retired).toEqual([]);
  expect(changed.logs).toMatch(/nothing retired: the section's filter, mappings or source settings changed/);
  // The count starts over with the new filter: two complete runs with it, u00005 missing from both.
  expect((await run(oom, ini, 'ldap')).retired).toEqual([]);
  const retired = await run(oom, ini, 'ldap');
  expect(retired.code).toBe(0);
  expect(retired.retired).toEqual([{ USER: uidOf(5), STATUS: 'Deprovisioned' }]);
  expect(retired.bulks.find((b) => b.update_only)).toMatchObject({ data_type: 'users', connector_name: 'LDAP', insert_only: false });

  restore(5);
  const back = await run(oom, ini, 'ldap');
  expect(back.code).toBe(0);
  expect(back.pushed.find((r) => r.USER === uidOf(5))).toMatchObject({ USER: uidOf(5), EMAIL: `${uidOf(5)}@example.com` });
  expect(back.logs).toMatch(/\[ldap\] pulled 40, .*returned 1, /);
});

test('deleting more users than retire_max holds the retirement (exit 1) until connector retire --confirm N', async () => {
  const { ini } = setup();
  await run(oom, ini, 'ldap');
  remove(11, 12, 13, 14);
  await run(oom, ini, 'ldap');
  const held = await run(oom, ini, 'ldap');
  expect(held.code).toBe(1);
  expect(held.retired).toEqual([]);
  // 5% of the 36 users of the previous run, rounded up: 2.
  expect(held.logs).toMatch(/held 4 \(not retired\).*more than retire_max = 5% \(2 of the 36 records/);
  expect(await retire('ldap', { ini, confirm: 4, print: () => undefined }, new AbortController().signal)).toBe(0);
  const applied = oom.bulkRequests.filter((b) => b.update_only).flatMap((b) => b.records);
  expect(applied.map((r) => r.USER)).toEqual([11, 12, 13, 14].map(uidOf));
  expect((await run(oom, ini, 'ldap')).code).toBe(0);
  for (const i of [11, 12, 13, 14]) restore(i);
});
