import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ConfigError, PermanentError } from '../../src/errors.js';
import { HttpClient } from '../../src/http/client.js';
import { nodeTlsOptions } from '../../src/http/tls.js';
import type { TlsSettings } from '../../src/http/types.js';
import { makeSelfSignedCert, startTestServer, type SelfSignedCert, type TestServer } from '../support/httpTestServer.js';

let dir: string;
let serverCert: SelfSignedCert;
let clientCert: SelfSignedCert;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'http-tls-'));
  serverCert = makeSelfSignedCert(dir);
  clientCert = makeSelfSignedCert(dir, 'connector-client');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(async () => {
  while (open.length) await open.pop()!.close();
});

async function httpsServer(extra: Parameters<typeof startTestServer>[1] extends infer O ? O extends { tls?: infer T } ? Partial<T> : never : never = {}): Promise<TestServer> {
  const server = await startTestServer({ 'GET /ping': { json: { pong: true } } }, { tls: { key: serverCert.key, cert: serverCert.cert, ...extra } });
  open.push(server);
  return server;
}

function clientFor(settings: TlsSettings): HttpClient {
  const client = new HttpClient({ section: 'csv_assets', tls: settings, retry: { retries: 0 } });
  open.push(client);
  return client;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}

describe('nodeTlsOptions', () => {
  test.each([
    ['', undefined, undefined],
    ['ssl', 'TLSv1', 'TLSv1.3'],
    ['sslv23', 'TLSv1', 'TLSv1.3'],
    ['tls', 'TLSv1', 'TLSv1'],
    ['tls1', 'TLSv1', 'TLSv1'],
    ['tls1.1', 'TLSv1.1', 'TLSv1.1'],
    ['tls1.2', 'TLSv1.2', 'TLSv1.2'],
    ['tls1.3', 'TLSv1.3', 'TLSv1.3'],
  ])('ssl_protocol "%s" -> min %s, max %s', (protocol, min, max) => {
    const options = nodeTlsOptions({ verify: true, protocol }, 'jamf');
    expect(options.minVersion).toBe(min);
    expect(options.maxVersion).toBe(max);
    expect(options.rejectUnauthorized).toBe(true);
  });

  test('sslv3 and unknown values are config errors naming section and setting', () => {
    expect(() => nodeTlsOptions({ verify: true, protocol: 'sslv3' }, 'jamf')).toThrow(ConfigError);
    expect(() => nodeTlsOptions({ verify: true, protocol: 'sslv3' }, 'jamf')).toThrow(/^\[jamf\] ssl_protocol: sslv3 is not supported: Node.js and OpenSSL 3/);
    expect(() => nodeTlsOptions({ verify: true, protocol: 'tls9' }, 'jamf')).toThrow(/^\[jamf\] ssl_protocol: unknown value "tls9"/);
  });

  test('missing or unusable cacert_file / user_pem_file are config errors naming the setting', () => {
    const missing = path.join(dir, 'nope.pem');
    expect(() => nodeTlsOptions({ verify: true, caFile: missing }, 'ldap')).toThrow(`[ldap] cacert_file: cannot read "${missing}": file not found`);
    expect(() => nodeTlsOptions({ verify: true, clientPemFile: missing }, 'oomnitza')).toThrow(`[oomnitza] user_pem_file: cannot read "${missing}": file not found`);
    expect(() => nodeTlsOptions({ verify: true, clientPemFile: serverCert.certFile }, 'oomnitza')).toThrow(/user_pem_file: .* contains no private key/);
    expect(() => nodeTlsOptions({ verify: true, caFile: serverCert.keyFile }, 'ldap')).toThrow(/cacert_file: .* contains no PEM certificate/);
  });

  test('cacert_file is added to the default roots; the PEM file yields cert and key', () => {
    const options = nodeTlsOptions({ verify: false, caFile: serverCert.certFile, clientPemFile: clientCert.pemFile }, 'x');
    expect(options.rejectUnauthorized).toBe(false);
    expect(options.ca).toEqual([...tls.rootCertificates, serverCert.cert]);
    expect(String(options.cert).trim()).toBe(clientCert.cert.trim());
    expect(String(options.key).trim()).toBe(clientCert.key.trim());
  });
});

describe('HTTPS against a self-signed server', () => {
  test('verify_ssl true rejects it with a hint, not retried', async () => {
    const server = await httpsServer();
    const err = await rejection(clientFor({ verify: true }).getJson(`${server.url}/ping`));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toBe(`[csv_assets] GET ${server.url}/ping failed: TLS: the server's certificate is self-signed (check verify_ssl, cacert_file and ssl_protocol)`);
  });

  test('verify_ssl false accepts it', async () => {
    const server = await httpsServer();
    expect(await clientFor({ verify: false }).getJson(`${server.url}/ping`)).toEqual({ pong: true });
  });

  test('cacert_file trusts it with verification on', async () => {
    const server = await httpsServer();
    expect(await clientFor({ verify: true, caFile: serverCert.certFile }).getJson(`${server.url}/ping`)).toEqual({ pong: true });
  });

  test('cacert_dir trusts every PEM in a folder; an empty or missing folder is a config error', async () => {
    const server = await httpsServer();
    const caDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cadir-'));
    fs.copyFileSync(serverCert.certFile, path.join(caDir, 'server.pem'));
    fs.writeFileSync(path.join(caDir, 'README.txt'), 'not a certificate');
    expect(await clientFor({ verify: true, caDir }).getJson(`${server.url}/ping`)).toEqual({ pong: true });
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'cadir-'));
    expect(() => nodeTlsOptions({ verify: true, caDir: empty }, 'ldap')).toThrow(/\[ldap\] cacert_dir: .* holds no PEM certificate/);
    expect(() => nodeTlsOptions({ verify: true, caDir: path.join(empty, 'nope') }, 'ldap')).toThrow(/\[ldap\] cacert_dir: cannot read the folder/);
  });

  test('the client certificate from user_pem_file is presented; without it the server refuses', async () => {
    const server = await httpsServer({ requestCert: true, rejectUnauthorized: true, ca: [clientCert.cert] });
    await clientFor({ verify: true, caFile: serverCert.certFile, clientPemFile: clientCert.pemFile }).getJson(`${server.url}/ping`);
    expect(server.requests[0].clientCertCN).toBe('connector-client');
    await expect(clientFor({ verify: true, caFile: serverCert.certFile }).getJson(`${server.url}/ping`)).rejects.toThrow(/\[csv_assets\] GET .*\/ping failed/);
    expect(server.requests).toHaveLength(1);
  });

  test('ssl_protocol tls1.2 and tls1.3 are the versions negotiated', async () => {
    const server = await httpsServer();
    await clientFor({ verify: false, protocol: 'tls1.2' }).getJson(`${server.url}/ping`);
    await clientFor({ verify: false, protocol: 'tls1.3' }).getJson(`${server.url}/ping`);
    expect(server.requests.map((r) => r.tlsProtocol)).toEqual(['TLSv1.2', 'TLSv1.3']);
  });

  test('ssl_protocol tls1.3 against a server capped at TLS 1.2 fails with a clear, non-retried error', async () => {
    const server = await httpsServer({ maxVersion: 'TLSv1.2' });
    const err = await rejection(clientFor({ verify: false, protocol: 'tls1.3' }).getJson(`${server.url}/ping`));
    expect(err).toBeInstanceOf(PermanentError);
    expect(err.message).toMatch(/^\[csv_assets\] GET https:\/\/127\.0\.0\.1:\d+\/ping failed: TLS handshake failed: tlsv1 alert protocol version \(the server accepts none of the TLS versions ssl_protocol allows\)$/);
    expect(server.requests).toHaveLength(0);
  });
});
