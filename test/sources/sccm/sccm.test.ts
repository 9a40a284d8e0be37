import { ConfigError, PermanentError, TransientError } from '../../../src/errors.js';
import { sccm } from '../../../src/sources/sccm/index.js';
import { HARDWARE_SQL, SOFTWARE_SQL } from '../../../src/sources/sccm/queries.js';
import { normalizeSql } from '../../support/tds/queries.js';
import { startTdsServer, type TdsServer } from '../../support/tds/server.js';
import { FIRST_RESOURCE_ID, syntheticSccm } from '../../support/tds/synthetic.js';
import { ALPHA, EXPECTED_RECORDS, fixtureDatabase } from './fixture.js';
import { PASSWORD, USER, context, readAll, rejection, serverSettings, source } from './helpers.js';

let server: TdsServer;
let denied: TdsServer;

beforeAll(async () => {
  server = await startTdsServer({ databases: [fixtureDatabase()], logins: { [USER]: PASSWORD } });
  denied = await startTdsServer({ databases: [fixtureDatabase(['v_GS_ADD_REMOVE_PROGRAMS_64'])], logins: { [USER]: PASSWORD } });
});
afterAll(async () => {
  await server.close();
  await denied.close();
});

describe('sccm read', () => {
  test('one record per computer, first/primary values, 32/64-bit software de-duplicated', async () => {
    server.queries.length = 0;
    const records = await readAll(source(serverSettings(server)));
    expect(records).toEqual(EXPECTED_RECORDS);
    // two round trips for the whole data set, whatever the number of computers
    expect([...server.queries].sort()).toEqual([normalizeSql(HARDWARE_SQL), normalizeSql(SOFTWARE_SQL)].sort());
  });

  test('logs in with the configured user and database, no encryption requested when encrypt = False', async () => {
    server.logins.length = 0;
    await readAll(source(serverSettings(server)));
    expect(server.logins.length).toBeGreaterThan(0);
    for (const login of server.logins) {
      expect(login).toMatchObject({ userName: USER, database: 'CM_DCT', ok: true, integratedSecurity: false });
      expect(login.clientEncryption).not.toBe(1);
    }
  });

  test('stopping early cancels the running queries on the server (ATTENTION)', async () => {
    const big = await startTdsServer({ databases: [syntheticSccm(5000, 10)], logins: { [USER]: PASSWORD } });
    try {
      for await (const record of source(serverSettings(big)).read({ fields: [], allFields: true })) {
        expect((record.hardware as { resource_id: number }).resource_id).toBe(FIRST_RESOURCE_ID);
        break;
      }
      expect(big.attentions).toBe(2);
    } finally {
      await big.close();
    }
  });

  test('check() logs in, counts computers and reads the first one', async () => {
    const text = await source(serverSettings(server)).check();
    expect(text).toBe(
      `logged in to 127.0.0.1:${server.port} as "${USER}", database "CM_DCT": 3 computer(s); first: "PC-ALPHA" (resource ${ALPHA}) with 4 software entries`,
    );
  });

  test('plugin metadata matches the original', () => {
    expect(sccm.mappingName(serverSettings(server))).toBe('SCCM');
    expect(sccm.dataType).toBe('assets');
    expect(sccm.defaultConverters).toEqual({ 'hardware.last_logon': 'date_format' });
    expect(sccm.defaultMappings(serverSettings(server))).toEqual({ APPLICATIONS: { source: 'software' } });
  });
});

describe('sccm errors', () => {
  test('wrong password: ConfigError naming 18456 and the password setting, without the password', async () => {
    const err = await rejection(source(serverSettings(server, { password: 'wrong-password' })).check());
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location).toEqual({ section: 'sccm', key: 'password' });
    expect(err.message).toContain('rejected the login for "oomnitza_ro" (SQL Server error 18456)');
    expect(err.message).not.toContain('wrong-password');
  });

  test('unknown database: ConfigError naming the database setting (4060)', async () => {
    const err = await rejection(readAll(source(serverSettings(server, { database: 'CM_XYZ' }))));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location.key).toBe('database');
    expect(err.message).toContain('cannot open database "CM_XYZ"');
    expect(err.message).toContain('4060');
  });

  test('SELECT denied on a view: PermanentError naming 229 and the view, from read() and check()', async () => {
    const fromRead = await rejection(readAll(source(serverSettings(denied))));
    expect(fromRead).toBeInstanceOf(PermanentError);
    expect(fromRead.message).toContain('SQL Server error 229');
    expect(fromRead.message).toContain("'v_GS_ADD_REMOVE_PROGRAMS_64'");
    const fromCheck = await rejection(source(serverSettings(denied)).check());
    expect(fromCheck).toBeInstanceOf(PermanentError);
    expect(fromCheck.message).toContain('SQL Server error 229');
  });

  test('a query that does not answer within query_timeout: TransientError naming query_timeout', async () => {
    const stuck = await startTdsServer({
      databases: [fixtureDatabase()],
      logins: { [USER]: PASSWORD },
      hang: (sql) => normalizeSql(sql) === normalizeSql(HARDWARE_SQL),
    });
    try {
      const err = await rejection(readAll(source(serverSettings(stuck, { query_timeout: 1 }))));
      expect(err).toBeInstanceOf(TransientError);
      expect(err.message).toContain('query_timeout (1 s)');
      expect(stuck.attentions).toBeGreaterThanOrEqual(1);
    } finally {
      await stuck.close();
    }
  });

  test('nothing listening: TransientError naming the address', async () => {
    const closed = await startTdsServer({ databases: [fixtureDatabase()], logins: {} });
    const port = closed.port;
    await closed.close();
    const err = await rejection(source(serverSettings(server, { server: `127.0.0.1,${port}` })).check());
    expect(err).toBeInstanceOf(TransientError);
    expect(err.message).toContain(`cannot reach SQL Server at 127.0.0.1:${port}`);
  });

  test('Windows authentication reaches the server as an integrated (NTLM) login; refusal is a ConfigError', async () => {
    server.logins.length = 0;
    const err = await rejection(
      source(serverSettings(server, { authentication: 'Windows', username: 'CORP\\svc-sccm', password: 'Win-Passw0rd' })).check(),
    );
    expect(server.logins[0]).toMatchObject({ integratedSecurity: true });
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location.key).toBe('authentication');
    expect(err.message).toContain('18452');
  });

  test('the test server rejects SQL it does not know (so a changed query breaks these tests)', async () => {
    const { default: sql } = await import('mssql');
    const pool = new sql.ConnectionPool({
      server: '127.0.0.1', port: server.port, user: USER, password: PASSWORD, database: 'CM_DCT',
      options: { encrypt: false }, validateConnection: false,
    });
    await pool.connect();
    try {
      const err = (await rejection(pool.request().query(HARDWARE_SQL.replace('ORDER BY cs.ResourceID', '')))) as Error & { number?: number };
      expect(err.number).toBe(50000);
      expect(err.message).toContain('does not know this query');
      // the batch path answers a known query too
      const counted = await pool.request().batch('SELECT COUNT_BIG(*) AS computers FROM dbo.v_GS_COMPUTER_SYSTEM');
      expect(counted.recordset[0]).toEqual({ computers: '3' });
    } finally {
      await pool.close();
    }
  });

  test('encrypt = True against a server that offers no TLS: refused with a ConfigError on encrypt', async () => {
    server.queries.length = 0;
    const err = await rejection(source(serverSettings(server, { encrypt: true })).check());
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).location.key).toBe('encrypt');
    expect(err.message).toContain('did not negotiate TLS although encrypt = True');
    expect(server.queries).toEqual([]);
  });

  test('aborting (Ctrl-C) ends read() without an error', async () => {
    const ctx = context();
    const records = [];
    for await (const record of source(serverSettings(server), ctx).read({ fields: [], allFields: true })) {
      records.push(record);
      ctx.abort.abort();
    }
    expect(records.length).toBeGreaterThanOrEqual(1);
    expect(records.length).toBeLessThanOrEqual(3);
  });
});
