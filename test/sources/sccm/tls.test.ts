/** encrypt = True (the default) against the TDS test server with TLS: trust settings decide, nothing is silent. */
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
