/** End to end: the built CLI against the fake Oomnitza, on CSV sources. */
import fs from 'node:fs';
import path from 'node:path';
import { startFakeOomnitza, type FakeOomnitza } from '../support/fakeOomnitza.js';
import { runCli, tempDir } from '../helpers/runCli.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const BOM = '\uFEFF';
const ASSETS_CSV = `${BOM}serial,name,model,owner,notes
S1,alpha,"Model, with comma",ann@example.com,"line one
line two"
S2,beta,,bob@example.com,
`;

function config(extra = '', oomnitza = `url = ${oom.url}\napi_token = ${oom.token}`): string {
  return `[oomnitza]\n${oomnitza}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = {"source": "serial", "required": true}\nmapping.NAME = name\nmapping.MODEL = model\nmapping.MISSING = no_such_column\n${extra}`;
}

test('pushes every row with the exact payload, finalizes, prints a summary and exits 0', async () => {
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stderr).toMatch(/\[csv_assets\] pulled 2, filtered out 0, skipped 0, pushed 2, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.bulkRequests).toHaveLength(1);
  const bulk = oom.bulkRequests[0];
  expect(bulk).toMatchObject({
    sync_field: ['SERIAL_NUMBER'],
    data_type: 'assets',
    insert_only: false,
    update_only: false,
    error: null,
    connector_name: 'CSV_assets',
  });
  expect(bulk.records).toEqual([
    { SERIAL_NUMBER: 'S1', NAME: 'alpha', MODEL: 'Model, with comma', MISSING: null },
    { SERIAL_NUMBER: 'S2', NAME: 'beta', MODEL: '', MISSING: null },
  ]);
  // Field order follows the mappings, as the original.
  expect(Object.keys(bulk.records[0])).toEqual(['SERIAL_NUMBER', 'NAME', 'MODEL', 'MISSING']);
  expect(oom.finalized).toEqual([bulk.portion]);
  expect(oom.log[0]).toBe('GET /api/v2/mappings?name=AuthTest');
  expect(oom.log[1]).toBe('GET /api/v2/mappings?name=CSV_assets');
});

test('batches by batch_size with several workers; every record arrives once', async () => {
  const rows = Array.from({ length: 1050 }, (_, i) => `S${i},n${i},m,o,`).join('\n');
  const dir = tempDir({ 'config.ini': config('batch_size = 100\n'), 'assets.csv': `serial,name,model,owner,notes\n${rows}\n` });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', '4'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.bulkRequests.map((b) => b.records.length).sort((a, b) => b - a)[0]).toBe(100);
  const serials = oom.records().map((r) => r.SERIAL_NUMBER);
  expect(serials).toHaveLength(1050);
  expect(new Set(serials).size).toBe(1050);
  expect(new Set(oom.bulkRequests.map((b) => b.portion)).size).toBe(1);
});

test('a malformed row is reported with its line, the rest of the file still arrives, exit 1', async () => {
  const csv = 'serial,name,model,owner,notes\nS1,a,m,o,n\nS2,b,m\nS3,c,m,o,n\n';
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': csv });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S1', 'S3']);
  expect(res.stderr).toMatch(/failed 1/);
  expect(res.stderr).toMatch(/assets\.csv:3/);
});

test('records with an empty required field are skipped and named in the summary', async () => {
  const csv = 'serial,name,model,owner,notes\n,a,m,o,n\nS2,b,m,o,n\n';
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': csv });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S2']);
  expect(res.stderr).toMatch(/skipped 1/);
  expect(res.stderr).toMatch(/skipped record #1 \(\S*assets\.csv:2\): required field\(s\) empty: SERIAL_NUMBER/);
});

test('a 503 is retried and the batch then arrives', async () => {
  oom.failBulk(503, 2, '0');
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records()).toHaveLength(2);
  expect(res.stderr).toMatch(/503/);
});

test('a 400 is not retried as a batch: records are resent one by one and the bad one is reported, exit 1', async () => {
  oom.failBulk(400, 2);
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  // Batch of 2 rejected, then S1 alone rejected, then S2 alone accepted.
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['S2']);
  expect(res.stderr).toMatch(/pushed 1, failed 1/);
  expect(res.stderr).toMatch(/failed SERIAL_NUMBER="S1" \(record #1, \S*assets\.csv:2\): .*400/);
});

test('a wrong token stops before reading and exits 1', async () => {
  const dir = tempDir({ 'config.ini': config('', `url = ${oom.url}\napi_token = wrong-token-value`), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/401/);
  expect(res.stderr + res.stdout).not.toContain('wrong-token-value');
  expect(oom.bulkRequests).toHaveLength(0);
});

test('username/password get a token with a form-encoded request', async () => {
  await oom.close();
  oom = await startFakeOomnitza({ login: { username: 'svc', password: 'Secr3t-pass' } });
  const dir = tempDir({ 'config.ini': config('', `url = ${oom.url}\nusername = svc\npassword = Secr3t-pass`), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.log[0]).toBe('POST /api/request_token');
  expect(oom.records()).toHaveLength(2);
});

test('a username/password session that Oomnitza ends mid-run is logged in again and no record is lost', async () => {
  await oom.close();
  oom = await startFakeOomnitza({ login: { username: 'svc', password: 'Secr3t-pass' }, sessionBulks: 2 });
  const rows = Array.from({ length: 10 }, (_, i) => `S${i},name${i},m`).join('\n');
  const dir = tempDir({ 'config.ini': config('batch_size = 1\n', `url = ${oom.url}\nusername = svc\npassword = Secr3t-pass`), 'assets.csv': `serial,name,model\n${rows}\n` });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--workers', '1'], { cwd: dir });
  expect(res.stderr).toMatch(/pushed 10, failed 0/);
  expect(res.code).toBe(0);
  expect(oom.records()).toHaveLength(10);
  expect(oom.logins).toBeGreaterThanOrEqual(5);
  expect(res.stderr + res.stdout).not.toMatch(/session-\d+-0123456789|Secr3t-pass/);
});

test('Oomnitza refusing the token is reported as refused credentials, not as unreachable', async () => {
  const dir = tempDir({ 'config.ini': config('', `url = ${oom.url}\napi_token = wrong-token-value`), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(res.stderr).toMatch(/Oomnitza refused the credentials/);
  expect(res.stderr).not.toMatch(/unreachable/);
});

test('connector test never prints the credentials of a URL', async () => {
  const withUser = oom.url.replace('http://', 'http://svc:Url-Passw0rd@');
  const dir = tempDir({ 'config.ini': config('', `url = ${withUser}\napi_token = ${oom.token}`), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['test', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stdout).toContain(`OK     [oomnitza] ${oom.url}: authenticated`);
  expect(res.stdout + res.stderr).not.toMatch(/Url-Passw0rd|svc:/);
});

test('unreachable Oomnitza: upload exits 1; testmode prints payloads with INI mappings only', async () => {
  await oom.close();
  const dir = tempDir({ 'config.ini': config('', 'url = http://127.0.0.1:9\napi_token = tok-unreachable'), 'assets.csv': ASSETS_CSV });
  const up = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir, env: {} });
  expect(up.code).toBe(1);
  expect(up.stderr).toMatch(/cannot connect to Oomnitza/);
  const tm = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--testmode'], { cwd: dir });
  expect(tm.code).toBe(0);
  expect(tm.stderr).toMatch(/INI mappings only/);
  const payload = JSON.parse(tm.stdout) as { records: unknown[] };
  expect(payload.records).toHaveLength(2);
  oom = await startFakeOomnitza();
});

test('server mappings are merged under INI mappings; --show-mappings prints the table', async () => {
  await oom.close();
  oom = await startFakeOomnitza({ mappings: { CSV_assets: { owner: ['ASSIGNED_TO', 'CONTACT'], model: 'SERVER_MODEL' } } });
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--show-mappings'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(res.stdout).toMatch(/ASSIGNED_TO\s+owner/);
  expect(oom.records()[0]).toEqual({
    ASSIGNED_TO: 'ann@example.com',
    CONTACT: 'ann@example.com',
    SERVER_MODEL: 'Model, with comma',
    SERIAL_NUMBER: 'S1',
    NAME: 'alpha',
    MODEL: 'Model, with comma',
    MISSING: null,
  });
});

test('users: POSITION and PERMISSIONS_ID come from the settings as text', async () => {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_users]\nenable = yes\nfilename = users.csv\nsync_field = USER\ndefault_role = 42\nmapping.USER = login\n`;
  const dir = tempDir({ 'config.ini': ini, 'users.csv': 'login\njdoe\n' });
  const res = await runCli(['upload', 'csv_users', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.bulkRequests[0].data_type).toBe('users');
  expect(oom.records()).toEqual([{ USER: 'jdoe', POSITION: 'Employee', PERMISSIONS_ID: '42' }]);
});

test('recordfilter and a custom converter run in the sandbox', async () => {
  const extra = 'mapping.LABEL = {"source": "name", "converter": "shout"}\nrecordfilter:\n    return record.get("name") !== "beta" && True\n';
  const ini = `${config(extra)}\n[converters]\nshout:\n    return value.toUpperCase() + (params.suffix ?? "")\n`;
  const dir = tempDir({ 'config.ini': ini, 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'S1', NAME: 'alpha', MODEL: 'Model, with comma', MISSING: null, LABEL: 'ALPHA' }]);
  expect(res.stderr).toMatch(/filtered out 1/);
});

test('a filter that throws fails that record (exit 1); a converter that throws gives null and a warning', async () => {
  const extra = 'mapping.LABEL = {"source": "name", "converter": "boom"}\nrecordfilter:\n    if (record.serial === "S2") throw new Error("bad row"); return true\n';
  const ini = `${config(extra)}\n[converters]\nboom:\n    throw new Error("converter exploded")\n`;
  const dir = tempDir({ 'config.ini': ini, 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(1);
  expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'S1', NAME: 'alpha', MODEL: 'Model, with comma', MISSING: null, LABEL: null }]);
  expect(res.stderr).toMatch(/converter "boom" failed .*converter exploded/);
  expect(res.stderr).toMatch(/failed SERIAL_NUMBER="S2" \(record #2, \S*assets\.csv:4\): recordfilter failed: .*bad row/);
});

test('--record-count stops after N records', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => `S${i},n,m,o,`).join('\n');
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': `serial,name,model,owner,notes\n${rows}\n` });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--record-count', '7'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records()).toHaveLength(7);
});

test('--save-data writes raw records and payloads, without the API token', async () => {
  const dir = tempDir({ 'config.ini': config('mapping.TOKEN_ECHO = {"setting": "note"}\nnote = hello\n'), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini', '--save-data'], { cwd: dir });
  expect(res.code).toBe(0);
  const saved = fs.readdirSync(path.join(dir, 'save_data', 'csv_assets'));
  expect(saved.some((f) => f.includes('-raw-'))).toBe(true);
  expect(saved.some((f) => f.includes('-payload-'))).toBe(true);
  const all = saved.map((f) => fs.readFileSync(path.join(dir, 'save_data', 'csv_assets', f), 'utf8')).join('\n');
  expect(all).toContain('Model, with comma');
  expect(all).not.toContain(oom.token);
});

test('configuration errors: all reported at once with file:line and setting, exit 2, no network call', async () => {
  const ini = `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = maybe\nfilename = a.csv\ndirectory = b\nbatch_size = lots\nmapping.A = {"source": "x"\nmapping.B = {"source": "x", "converter": "nope"}\nrecordfilter:\n    return (\ninsert_only = True\nupdate_only = True\n\n[warez]\nenable = True\n`;
  const dir = tempDir({ 'config.ini': ini });
  const res = await runCli(['upload', 'csv_assets', 'warez', 'missing_one', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  const err = res.stderr;
  expect(err).toMatch(/config\.ini:6: \[csv_assets\] enable: "maybe" is not a boolean/);
  expect(err).toMatch(/config\.ini:9: \[csv_assets\] batch_size: "lots" is not a whole number/);
  expect(err).toMatch(/config\.ini:10: \[csv_assets\] mapping\.A: malformed mapping JSON/);
  expect(err).toMatch(/config\.ini:11: \[csv_assets\] mapping\.B: unknown converter "nope"/);
  expect(err).toMatch(/config\.ini:12: \[csv_assets\] recordfilter: does not compile/);
  expect(err).toMatch(/\[csv_assets\] update_only: insert_only and update_only cannot both be True/);
  expect(err).toMatch(/\[warez\]: unknown section type "warez"; known types: .*csv_assets/);
  expect(err).toMatch(/\[missing_one\]: no such section/);
  expect(oom.log).toEqual([]);
});

test('source-level config errors (filename and directory) name the file and line; exit 2', async () => {
  const dir = tempDir({ 'config.ini': config('directory = somewhere\n'), 'assets.csv': ASSETS_CSV, 'somewhere/a.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/config\.ini:\d+: \[csv_assets\] filename: "filename" and "directory" are mutually exclusive/);
  expect(oom.log).toEqual([]);
});

test('a disabled section is a config error; unknown settings are warnings', async () => {
  const dir = tempDir({ 'config.ini': config('colour = blue\n').replace('enable = True', 'enable = False'), 'assets.csv': ASSETS_CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/\[csv_assets\] enable: section is not enabled/);
  const ok = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: tempDir({ 'config.ini': config('colour = blue\n'), 'assets.csv': ASSETS_CSV }) });
  expect(ok.code).toBe(0);
  expect(ok.stderr).toMatch(/\[csv_assets\] colour: unknown setting \(ignored\)/);
});

test('a missing config file names the file and how to create one', async () => {
  const res = await runCli(['upload', 'csv_assets', '--ini', 'nope.ini'], { cwd: tempDir() });
  expect(res.code).toBe(2);
  expect(res.stderr).toMatch(/nope\.ini: cannot read the config file \(ENOENT\); create one with "connector generate-ini/);
});

test('connector test: real checks per section', async () => {
  const dir = tempDir({ 'config.ini': config(), 'assets.csv': ASSETS_CSV });
  const ok = await runCli(['test', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(ok.stdout).toMatch(/OK +\[oomnitza\]/);
  expect(ok.stdout).toMatch(/OK +\[csv_assets\] read 1 file\(s\); first row has columns: serial, name, model, owner, notes/);
  expect(ok.code).toBe(0);
  // A CSV file that is gone is found when the config loads: a config error naming the line (exit 2).
  fs.rmSync(path.join(dir, 'assets.csv'));
  const bad = await runCli(['test', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/config\.ini:7: \[csv_assets\] filename: "assets\.csv" \(.*assets\.csv\) does not exist/);
});

test('plain `connector` is managed mode: without a config.ini a config error (exit 2); version prints the version', async () => {
  const managed = await runCli([], { cwd: tempDir() });
  expect(managed.code).toBe(2);
  expect(managed.stderr).toMatch(/config\.ini: cannot read the config file/);
  const version = await runCli(['version']);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
});

test('generate-ini writes config.example.ini exactly and keeps a backup', async () => {
  const dir = tempDir({ 'config.ini': 'old' });
  const res = await runCli(['generate-ini', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(fs.readFileSync(path.join(dir, 'config.ini.bak'), 'utf8')).toBe('old');
  const generated = fs.readFileSync(path.join(dir, 'config.ini'), 'utf8');
  const repoExample = fs.readFileSync(new URL('../../../config.example.ini', import.meta.url), 'utf8');
  expect(generated).toBe(repoExample);
  for (const section of ['[oomnitza]', '[csv_assets]', '[csv_users]']) expect(generated).toContain(section);
  // The example loads: no section sets a key twice (sync_field was written twice for ldap_assets once).
  const load = await runCli(['upload', 'csv_assets', '--testmode', '--ini', 'config.ini'], { cwd: dir });
  expect(load.stderr).not.toMatch(/set twice/);
});

test('the location converter translates names with the locations loaded from Oomnitza', async () => {
  await oom.close();
  oom = await startFakeOomnitza({
    locations: [
      { location_id: 'loc-1', name: 'Lisbon' },
      { location_id: 'loc-2', name: 'Berlin', code: 'BER' },
    ],
  });
  const extra = 'mapping.LOCATION = {"source": "site", "converter": "location"}\nmapping.BY_CODE = {"source": "code", "converter": "location:label=code"}\n';
  const dir = tempDir({ 'config.ini': config(extra), 'assets.csv': 'serial,site,code\nS1,Lisbon,BER\nS2,Atlantis,XXX\n' });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records().map((r) => [r.LOCATION, r.BY_CODE])).toEqual([
    ['loc-1', 'loc-2'],
    ['Atlantis', 'XXX'],
  ]);
  expect(res.stderr).toMatch(/location "Atlantis" is not a location in Oomnitza/);
  expect(oom.log.filter((l) => l === 'GET /api/v3/locations')).toHaveLength(1);
});

test('directory = reads every *.csv file in name order and nothing else', async () => {
  const ini = config().replace('filename = assets.csv', 'directory = exports');
  const dir = tempDir({
    'config.ini': ini,
    'exports/b.csv': 'serial,name\nB1,second\n',
    'exports/a.CSV': 'serial,name\nA1,first\nA2,first\n',
    'exports/notes.txt': 'serial,name\nX1,ignored\n',
  });
  const res = await runCli(['upload', 'csv_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records().map((r) => r.SERIAL_NUMBER)).toEqual(['A1', 'A2', 'B1']);
});
