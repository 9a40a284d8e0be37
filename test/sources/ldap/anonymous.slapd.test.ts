/** A directory that refuses anonymous access: the admin is told to set username and password. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { ldap } from '../../../src/sources/ldap/index.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { READER, SUFFIX, buildDirectory, writeLdif } from '../../fixtures/ldap/directory.js';
import { createSource, readAll } from './helpers.js';

let server: Slapd;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-anon-'));
  writeLdif(path.join(tmp, 'directory.ldif'), buildDirectory(60));
  server = await startSlapd({ ldifFile: path.join(tmp, 'directory.ldif'), suffix: SUFFIX, anonymous: false });
}, 60000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('an anonymous bind is refused with a message naming username', async () => {
  const err = await createSource(ldap, { url: server.url, base_dn: SUFFIX }).check().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as Error).message).toBe('[ldap] username: the server does not allow anonymous binds; set username and password');
});

test('the same server reads with a bind DN', async () => {
  const records = await readAll(createSource(ldap, { url: server.url, base_dn: SUFFIX, username: READER.dn, password: READER.password, filter: '(objectClass=inetOrgPerson)' }), ['uid']);
  expect(records).toHaveLength(60);
});
