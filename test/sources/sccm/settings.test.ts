import { ConfigError } from '../../../src/errors.js';
import { parseServer, poolConfig, validateSettings } from '../../../src/sources/sccm/connection.js';
import { sccm } from '../../../src/sources/sccm/index.js';
import { context, settings } from './helpers.js';

describe('sccm settings', () => {
  test('defaults as in the original', () => {
    const s = settings();
    expect(s).toMatchObject({ database: 'CM_DCT', authentication: 'SQL Server', driver: '', encrypt: true, trust_server_certificate: false, port: 0 });
    expect(sccm.settings.password.secret).toBe(true);
    expect(sccm.settings.authentication.parse('windows')).toBe('Windows');
    expect(() => sccm.settings.authentication.parse('Kerberos')).toThrow('is not one of: SQL Server, Windows');
  });

  test.each([
    ['sql01.corp.example', 0, { host: 'sql01.corp.example', port: 1433 }],
    ['sql01.corp.example,14330', 0, { host: 'sql01.corp.example', port: 14330 }],
    ['sql01\\SCCM', 0, { host: 'sql01', instanceName: 'SCCM' }],
    ['sql01\\SCCM', 1500, { host: 'sql01', port: 1500 }],
    ['sql01,14330', 1500, { host: 'sql01', port: 1500 }],
  ])('server %s with port %d', (server, port, expected) => {
    expect(parseServer(server, port, 'sccm')).toEqual(expected);
  });

  test.each([
    [{ server: ',1433' }, 'server', 'names no host'],
    [{ server: 'sql01,abc' }, 'server', '"abc" after the comma is not a TCP port'],
    [{ username: '' }, 'username', 'SQL Server authentication needs a SQL login name'],
    [{ password: '' }, 'password', 'needs the password of "reader"'],
    [{ username: 'CORP\\reader' }, 'authentication', 'set authentication = Windows'],
    [{ authentication: 'Windows' as const, username: 'reader' }, 'username', 'needs username = DOMAIN\\user'],
    [{ authentication: 'Windows' as const, username: 'reader@corp.example' }, 'username', "cannot reuse the logged-in user's Windows or Kerberos credentials"],
    [{ authentication: 'Windows' as const, username: 'CORP\\reader', password: '' }, 'password', 'Windows authentication needs the password'],
  ])('invalid combination %j -> ConfigError on %s', (values, key, message) => {
    const s = settings({ server: 'sql01', username: 'reader', password: 'pw-1234', ...values });
    let err: unknown;
    try {
      validateSettings(s, 'sccm');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location).toEqual({ section: 'sccm', key });
    expect((err as Error).message).toContain(message);
  });

  test('create() validates without connecting', () => {
    expect(() => sccm.create(settings({ server: 'sql01', username: '', password: 'x' }), context())).toThrow(ConfigError);
    expect(() => sccm.create(settings({ server: '192.0.2.1', username: 'u', password: 'pw-1234' }), context())).not.toThrow();
  });

  test('verify_ssl = False trusts the server certificate; Windows authentication uses NTLM with the domain', () => {
    const base = { address: { host: 'sql01', port: 1433 }, section: 'sccm', loginErrors: [] };
    const sqlAuth = poolConfig({ ...base, settings: settings({ server: 'sql01', username: 'u', password: 'p' }), tls: { verify: false } });
    expect(sqlAuth.options).toMatchObject({ encrypt: true, trustServerCertificate: true });
    expect(sqlAuth).toMatchObject({ user: 'u', password: 'p', database: 'CM_DCT', requestTimeout: 300_000 });
    const win = poolConfig({
      ...base,
      settings: settings({ server: 'sql01', authentication: 'Windows', username: 'CORP\\svc', password: 'p' }),
      tls: { verify: true },
    });
    expect(win.options).toMatchObject({ trustServerCertificate: false });
    expect(win.authentication).toEqual({ type: 'ntlm', options: { domain: 'CORP', userName: 'svc', password: 'p' } });
    expect(win.user).toBeUndefined();
  });

  test('an unreadable cacert_file or cacert_dir is a ConfigError naming it, when the source is created', () => {
    const values = settings({ server: 'sql01', username: 'u', password: 'p' });
    expect(() => sccm.create(values, context({ verify: true, caFile: '/nonexistent/ca.pem' }))).toThrow(
      /\[sccm\] cacert_file: cannot read "\/nonexistent\/ca.pem": file not found/,
    );
    expect(() => sccm.create(values, context({ verify: true, caDir: '/nonexistent' }))).toThrow(/\[sccm\] cacert_dir: cannot read the folder "\/nonexistent"/);
    // Unencrypted connections use no TLS settings, so they are not read.
    expect(() => sccm.create({ ...values, encrypt: false }, context({ verify: true, caFile: '/nonexistent/ca.pem' }))).not.toThrow();
  });
});
