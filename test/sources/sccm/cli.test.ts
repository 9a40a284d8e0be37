/** End to end: the built CLI reads the TDS test server and pushes to the fake Oomnitza. */
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';
import { startTdsServer, type TdsServer } from '../../support/tds/server.js';
import { runCli, tempDir } from '../../helpers/runCli.js';
import { EXPECTED_RECORDS, fixtureDatabase } from './fixture.js';
import { PASSWORD, USER } from './helpers.js';


let oom: FakeOomnitza;
let tds: TdsServer;
beforeEach(async () => {
  oom = await startFakeOomnitza();
  tds = await startTdsServer({ databases: [fixtureDatabase()], logins: { [USER]: PASSWORD } });
});
afterEach(async () => {
  await oom.close();
  await tds.close();
});

function config(password = PASSWORD): string {
  return `[oomnitza]
url = ${oom.url}
api_token = ${oom.token}

[sccm]
enable = True
server = 127.0.0.1,${tds.port}
database = CM_DCT
username = ${USER}
password = ${password}
authentication = SQL Server
driver = ODBC Driver 17 for SQL Server
encrypt = False
sync_field = HOSTNAME
mapping.HOSTNAME = {"source": "hardware.computer_name", "required": true}
mapping.SERIAL_NUMBER = hardware.serial_number
mapping.LAST_LOGON = hardware.last_logon
mapping.MAC = hardware.mac_address
`;
}

test('upload: one record per computer with software, last_logon through date_format', async () => {
  const res = await runCli(['upload', 'sccm', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config() }) });
  expect(res.code).toBe(0);
  const records = oom.records('SCCM').sort((a, b) => String(a.HOSTNAME).localeCompare(String(b.HOSTNAME)));
  expect(records).toEqual(
    EXPECTED_RECORDS.map((r) => ({
      APPLICATIONS: r.software,
      HOSTNAME: r.hardware.computer_name,
      SERIAL_NUMBER: r.hardware.serial_number,
      LAST_LOGON: r.hardware.last_logon === null ? null : Date.parse(r.hardware.last_logon) / 1000,
      MAC: r.hardware.mac_address,
    })),
  );
  expect(res.stderr).toContain('driver = "ODBC Driver 17 for SQL Server" is ignored');
  expect(res.stderr + res.stdout).not.toContain(PASSWORD);
});

test('connector test sccm: logs in and counts; a wrong password names the setting, never the value', async () => {
  const ok = await runCli(['test', 'sccm', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config() }) });
  expect(ok.code).toBe(0);
  expect(ok.stdout + ok.stderr).toContain('3 computer(s)');
  const bad = await runCli(['test', 'sccm', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config('Wrong-Passw0rd') }) });
  expect(bad.code).not.toBe(0);
  expect(bad.stdout + bad.stderr).toContain('SQL Server error 18456');
  expect(bad.stdout + bad.stderr).not.toContain('Wrong-Passw0rd');
});
