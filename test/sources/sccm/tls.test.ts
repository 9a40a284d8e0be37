/** encrypt = True (the default) against the TDS test server with TLS: trust settings decide, nothing is silent. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { startTdsServer, type TdsServer } from '../../support/tds/server.js';
import { makeSelfSignedCert, type TlsCredentials } from '../../support/tds/tls.js';
import { EXPECTED_RECORDS, fixtureDatabase } from './fixture.js';
import { PASSWORD, USER, context, readAll, rejection, serverSettings, source } from './helpers.js';

let creds: TlsCredentials;
let server: TdsServer;

beforeAll(async () => {
  creds = makeSelfSignedCert();
  server = await startTdsServer({ databases: [fixtureDatabase()], logins: { [USER]: PASSWORD }, tls: creds });
});
afterAll(() => server.close());

test('cacert_file verifies the server certificate; every login travels inside TLS', async () => {
  server.logins.length = 0;
  const records = await readAll(source(serverSettings(server, { encrypt: true }), context({ verify: true, caFile: creds.certFile })));
  expect(records).toEqual(EXPECTED_RECORDS);
  expect(server.logins.length).toBeGreaterThan(0);
  expect(server.logins.every((l) => l.encrypted && l.ok)).toBe(true);
});

test('verify_ssl = False accepts the self-signed certificate (still encrypted)', async () => {
  server.logins.length = 0;
  const text = await source(serverSettings(server, { encrypt: true }), context({ verify: false })).check();
  expect(text).toContain('3 computer(s)');
  expect(server.logins.every((l) => l.encrypted)).toBe(true);
});

test('an untrusted certificate is a ConfigError that says how to trust it, and no login is sent', async () => {
  server.logins.length = 0;
  const err = await rejection(source(serverSettings(server, { encrypt: true })).check());
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).location.key).toBe('cacert_file');
  expect(err.message).toContain('is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT');
  expect(err.message).toContain('trust_server_certificate = True');
  expect(server.logins).toEqual([]);
});

test('cacert_dir (a folder of CA files, shared with every source) verifies the server certificate', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sccm-cadir-'));
  fs.copyFileSync(creds.certFile, path.join(dir, 'sql-ca.pem'));
  server.logins.length = 0;
  const records = await readAll(source(serverSettings(server, { encrypt: true }), context({ verify: true, caDir: dir })));
  expect(records).toEqual(EXPECTED_RECORDS);
  expect(server.logins.every((l) => l.encrypted && l.ok)).toBe(true);
});

test('ssl_protocol = tls1.2 is the version negotiated', async () => {
  server.logins.length = 0;
  await source(serverSettings(server, { encrypt: true }), context({ verify: true, caFile: creds.certFile, protocol: 'tls1.2' })).check();
  expect(server.logins.map((l) => l.tlsProtocol)).toContain('TLSv1.2');
});

test('ssl_protocol forcing a version the server does not speak fails the connection, naming ssl_protocol; no login is sent', async () => {
  // The test server speaks TLS 1.2 only; tls1.1 pins the client to TLS 1.1.
  server.logins.length = 0;
  const err = await rejection(source(serverSettings(server, { encrypt: true }), context({ verify: true, caFile: creds.certFile, protocol: 'tls1.1' })).check());
  expect(err).toBeInstanceOf(ConfigError);
  expect((err as ConfigError).location.key).toBe('ssl_protocol');
  expect(err.message).toContain('tls1.1');
  expect(server.logins).toEqual([]);
});

test('ssl_protocol = tls1.3 is refused when the source is created: TDS 7.4 encrypts with TLS 1.2 at most', () => {
  expect(() => source(serverSettings(server, { encrypt: true }), context({ verify: true, protocol: 'tls1.3' }))).toThrow(ConfigError);
  expect(() => source(serverSettings(server, { encrypt: true }), context({ verify: true, protocol: 'tls1.3' }))).toThrow(/ssl_protocol: .*TLS 1\.2 at most/);
});
