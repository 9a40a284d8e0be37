/**
 * The LDAP sources against a real OpenLDAP server (test/support/slapd.ts) holding 3,000 users with a
 * server size limit of 500, so that every subtree read below proves paging.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'ldapts';
import { getBuiltinConverter } from '../../../src/converters/index.js';
import { ConfigError, TransientError } from '../../../src/errors.js';
import { parseConverterSpec } from '../../../src/records.js';
import { ldap, ldapAssets } from '../../../src/sources/ldap/index.js';
import { startSlapd, type Slapd } from '../../support/slapd.js';
import { READER, SUFFIX, buildDirectory, groupDn, hasMail, writeLdif, type Directory } from '../../fixtures/ldap/directory.js';
import { captureLogs, createSource, makeContext, readAll } from './helpers.js';

const USERS = 3000;
const SIZE_LIMIT = 500;
const FIELDS = ['uid', 'givenName', 'sn', 'mail', 'memberOf', 'proxyAddresses', 'objectSid', 'objectGUID', 'lastLogonTimestamp'];

let server: Slapd;
let dir: Directory;
let tmp: string;

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ldap-test-'));
  dir = buildDirectory(USERS);
  writeLdif(path.join(tmp, 'directory.ldif'), dir);
  server = await startSlapd({ ldifFile: path.join(tmp, 'directory.ldif'), suffix: SUFFIX, sizeLimit: SIZE_LIMIT, tls: true });
}, 60000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const bound = () => ({ url: server.url, username: READER.dn, password: READER.password, base_dn: SUFFIX });
const dns = (records: Array<Record<string, unknown>>) => records.map((r) => String(r.dn));
const userDns = (pred: (i: number) => boolean) => dir.users.filter((_, k) => pred(k + 1)).map((u) => u.dn);

test('the server enforces its size limit, so a search without paging is cut short', async () => {
  const client = new Client({ url: server.url });
  await client.bind(READER.dn, READER.password);
  try {
    await expect(client.search(SUFFIX, { scope: 'sub', filter: '(objectClass=inetOrgPerson)', attributes: ['uid'] })).rejects.toMatchObject({ code: 4 });
  } finally {
    await client.unbind();
  }
});

test('base_dn + filter reads every user through paging, each once, with only the mapped attributes', async () => {
  const source = createSource(ldap, { ...bound(), filter: '(objectClass=inetOrgPerson)', page_size: 200 });
  const records = await readAll(source, FIELDS);
  expect(records).toHaveLength(USERS);
  expect(new Set(dns(records))).toEqual(new Set(dir.users.map((u) => u.dn)));
  const allowed = new Set(['dn', 'sAMAccountName', ...FIELDS]);
  for (const r of records) for (const key of Object.keys(r)) expect(allowed.has(key)).toBe(true);
});

test('values: UTF-8 names intact, lists stay lists, SID and GUID as text, missing mail left out', async () => {
  const source = createSource(ldap, { ...bound(), filter: '(|(uid=u00001)(uid=u00003)(uid=u00097))' });
  const records = await readAll(source, [...FIELDS, 'jpegPhoto', 'objectClass']);
  const byUid = Object.fromEntries(records.map((r) => [r.uid, r]));
  const u1 = dir.users[0];
  expect(byUid.u00001).toEqual({
    dn: u1.dn,
    uid: 'u00001',
    givenName: 'José',
    sn: 'Müller',
    mail: 'u00001@example.com',
    sAMAccountName: 'U00001',
    memberOf: [groupDn('Engineering')],
    proxyAddresses: ['SMTP:u00001@example.com', 'smtp:u00001@corp.example.com'],
    objectSid: 'S-1-5-21-1004336348-1177238915-682003330-1001',
    objectGUID: u1.guidText,
    lastLogonTimestamp: u1.lastLogonTimestamp,
    objectClass: ['inetOrgPerson', 'connectorTestAdUser'],
  });
  expect(byUid.u00003.givenName).toBe('太郎');
  expect(byUid.u00003.jpegPhoto).toBe(dir.users[2].jpegPhoto!.toString('base64'));
  expect(byUid.u00097).not.toHaveProperty('mail');
  expect(hasMail(97)).toBe(false);
});

test('base_dn narrows the search to one OU', async () => {
  const source = createSource(ldap, { ...bound(), base_dn: `ou=Contractors,ou=People,${SUFFIX}`, filter: '(objectClass=inetOrgPerson)' });
  const records = await readAll(source, ['uid']);
  expect(new Set(dns(records))).toEqual(new Set(userDns((i) => i % 3 === 1)));
});

test('group_dn reads the members of one group; a nested group is not expanded (as the original)', async () => {
  const source = createSource(ldap, { ...bound(), group_dn: groupDn('Engineering'), filter: '(objectClass=inetOrgPerson)' });
  expect(dns(await readAll(source, ['uid']))).toEqual(userDns((i) => i <= 20));
  const everything = createSource(ldap, { ...bound(), group_dn: groupDn('Engineering') });
  expect(dns(await readAll(everything, ['uid']))).toEqual([...userDns((i) => i <= 20), groupDn('Interns')]);
});

test('groups_dn wins over group_dn and base_dn, pushes a user in two groups once and skips a dangling member', async () => {
  const logs = captureLogs();
  try {
    const source = createSource(ldap, {
      ...bound(),
      groups_dn: [groupDn('Engineering'), groupDn('Sales')],
      group_dn: groupDn('Interns'),
      filter: '(objectClass=inetOrgPerson)',
    });
    const records = await readAll(source, ['uid']);
    expect(dns(records)).toEqual(userDns((i) => i <= 30));
  } finally {
    logs.stop();
  }
  expect(logs.lines.some((l) => l.startsWith('warn') && l.includes('uid=ghost'))).toBe(true);
});

test('group_member_filter finds memberUid members under base_dn', async () => {
  const source = createSource(ldap, {
    ...bound(),
    group_dn: groupDn('Ops'),
    group_members_attr: 'memberUid',
    group_member_filter: 'uid={}',
    filter: 'objectClass=inetOrgPerson',
  });
  expect(dns(await readAll(source, ['uid']))).toEqual(userDns((i) => i >= 50 && i <= 55));
});

test('ldap_assets requests only what its mappings use', async () => {
  expect(ldapAssets.mappingName({} as never)).toBe('LDAP_assets');
  const source = createSource(ldapAssets, { ...bound(), filter: '(uid=u00010)' });
  expect(await readAll(source, ['cn'])).toEqual([{ dn: dir.users[9].dn, cn: 'First10 Last10' }]);
});

test('allFields asks for every user attribute', async () => {
  const source = createSource(ldapAssets, { ...bound(), filter: '(uid=u00010)' });
  const [record] = await readAll(source, [], true);
  expect(record).toMatchObject({ uid: 'u00010', cn: 'First10 Last10', sn: 'Last10', mail: 'u00010@example.com' });
});

describe('connector test: check()', () => {
  test('binds and reads one entry', async () => {
    const message = await createSource(ldap, bound()).check();
    expect(message).toContain(`bound as "${READER.dn}" to ${server.url}`);
    expect(message).toMatch(/read "/);
  });

  test('wrong password', async () => {
    const err = await createSource(ldap, { ...bound(), password: 'wrong-password' }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`[ldap] password: the server rejected the bind as "${READER.dn}": invalid credentials (check username and password)`);
    expect((err as Error).message).not.toContain('wrong-password');
  });

  test('bad base DN', async () => {
    const err = await createSource(ldap, { ...bound(), base_dn: 'ou=Nowhere,dc=example,dc=com' }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('[ldap] base_dn: "ou=Nowhere,dc=example,dc=com" does not exist');
  });

  test('bad group DN in groups_dn', async () => {
    const source = createSource(ldap, { ...bound(), groups_dn: ['cn=Nope,ou=Groups,dc=example,dc=com'] });
    await expect(readAll(source, ['uid'])).rejects.toThrow('[ldap] groups_dn: "cn=Nope,ou=Groups,dc=example,dc=com" does not exist');
  });

  test('unreachable host', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const err = await createSource(ldap, { ...bound(), url: `ldap://127.0.0.1:${closed}` }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe(`[ldap] cannot reach ldap://127.0.0.1:${closed}: connection refused (is the server running and is the port right?)`);
  });

  test('a server that never answers times out within the configured timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const port = (silent.address() as { port: number }).port;
    const started = Date.now();
    try {
      const err = await createSource(ldap, { ...bound(), url: `ldap://127.0.0.1:${port}`, timeout: 1 }).check().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransientError);
      expect((err as Error).message).toContain('did not answer within 1 s');
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach((s) => s.destroy());
      silent.close();
    }
  });
});

describe('TLS with a self-signed certificate', () => {
  test('ldaps: verify_ssl = True refuses it with a clear message', async () => {
    const err = await createSource(ldap, { ...bound(), url: server.ldapsUrl }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/^\[ldap\] verify_ssl: the TLS certificate of ldaps:\/\/127\.0\.0\.1:\d+ is not trusted \(DEPTH_ZERO_SELF_SIGNED_CERT/);
    expect((err as Error).message).toContain('set cacert_file');
  });

  test('ldaps: verify_ssl = False accepts it', async () => {
    const ctx = makeContext('ldap', { verify: false });
    const records = await readAll(createSource(ldap, { ...bound(), url: server.ldapsUrl, filter: '(uid=u00002)' }, ctx), ['givenName']);
    expect(records.map((r) => r.givenName)).toEqual(['Zoë']);
  });

  test('ldaps: cacert_file makes verification pass', async () => {
    const ctx = makeContext('ldap', { verify: true, caFile: server.caFile });
    expect(await createSource(ldap, { ...bound(), url: server.ldapsUrl }, ctx).check()).toContain('bound as');
  });

  test('StartTLS: refused without the CA, passes with cacert_file', async () => {
    const err = await createSource(ldap, { ...bound(), starttls: true }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('is not trusted');
    const ctx = makeContext('ldap', { verify: true, caFile: server.caFile });
    const records = await readAll(createSource(ldap, { ...bound(), starttls: true, filter: '(uid=u00001)' }, ctx), ['sn']);
    expect(records.map((r) => r.sn)).toEqual(['Müller']);
  });

  test('ldaps:// to a plain port fails the handshake with a message about the url', async () => {
    const plainAsTls = server.url.replace('ldap://', 'ldaps://');
    const err = await createSource(ldap, { ...bound(), url: plainAsTls, timeout: 5 }).check().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientError);
    expect((err as Error).message).toBe(
      `[ldap] cannot reach ${plainAsTls}: the server closed the connection during the TLS handshake; is this port serving ldaps? (ldaps:// is usually port 636, ldap:// 389)`,
    );
  });
});

test('anonymous bind is allowed by this server: an empty username reads', async () => {
  const source = createSource(ldap, { url: server.url, base_dn: SUFFIX, filter: '(uid=u00005)' });
  expect(dns(await readAll(source, ['uid']))).toEqual([dir.users[4].dn]);
  expect(await createSource(ldap, { url: server.url, username: 'anonymous', base_dn: SUFFIX }).check()).toContain('bound anonymously');
});

describe('converters on real entries', () => {
  const convert = (name: string, record: Record<string, unknown>, field: string, spec = name) => {
    const { name: converterName, params } = parseConverterSpec(spec);
    return getBuiltinConverter(converterName)!({ field, record, value: record[field], params });
  };

  test('ldap_user_field falls back to sAMAccountName, which the users source always requests', async () => {
    const [record] = await readAll(createSource(ldap, { ...bound(), filter: '(uid=u00007)' }), ['employeeNumber']);
    expect(record).toEqual({ dn: dir.users[6].dn, sAMAccountName: 'U00007' });
    expect(convert('ldap_user_field', record, 'employeeNumber')).toBe('U00007');
  });

  test('ldap_timestamp turns a FILETIME into epoch seconds and leaves generalized time as it is', async () => {
    const [record] = await readAll(createSource(ldap, { ...bound(), filter: '(uid=u00001)' }), ['lastLogonTimestamp', 'whenCreated']);
    // 2022-01-01T00:00:01Z: the fixture's base date plus one second for user 1.
    expect(convert('ldap_timestamp', record, 'lastLogonTimestamp')).toBe(1640995201);
    expect(convert('ldap_timestamp', record, 'whenCreated')).toBe('20240102030405Z');
  });

  test('memberOf matches a group in the multi-valued memberOf list', async () => {
    const records = await readAll(createSource(ldap, { ...bound(), filter: '(|(uid=u00018)(uid=u00025)(uid=u00100))' }), ['uid', 'memberOf']);
    const byUid = Object.fromEntries(records.map((r) => [r.uid, r]));
    expect(byUid.u00018.memberOf).toEqual([groupDn('Engineering'), groupDn('Sales')]);
    const spec = 'memberOf:Engineering=Engineer|Sales=Seller|default=Other';
    expect(convert('memberOf', byUid.u00018, 'memberOf', spec)).toBe('Engineer');
    expect(convert('memberOf', byUid.u00025, 'memberOf', spec)).toBe('Seller');
    expect(byUid.u00100).not.toHaveProperty('memberOf');
  });
});
