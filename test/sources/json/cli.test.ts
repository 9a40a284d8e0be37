/** End to end: the built CLI reads JSON files and pushes to the fake Oomnitza; bad records are named file:line:column. */
import { runCli, tempDir } from '../../helpers/runCli.js';
import { startFakeOomnitza, type FakeOomnitza } from '../../support/fakeOomnitza.js';

let oom: FakeOomnitza;
beforeEach(async () => {
  oom = await startFakeOomnitza();
});
afterEach(async () => {
  await oom.close();
});

const config = (sections: string) => `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n${sections}`;

test('json_assets: an original config (directory only) loads; every file is read, one bad record is reported', async () => {
  const dir = tempDir({
    'config.ini': config('[json_assets]\nenable = True\ndirectory = exports\nsync_field = SERIAL_NUMBER\nmapping.SERIAL_NUMBER = serial\nmapping.MODEL = {"source": "hw.model"}\n'),
    'exports/a.json': JSON.stringify([{ serial: 'S1', hw: { model: 'T14' } }, { serial: 'S2', hw: { model: 'X1' } }], null, 2),
    'exports/b.json': '[\n  {"serial": "S3", "hw": {"model": "M2"}},\n  42\n]\n',
  });
  const res = await runCli(['upload', 'json_assets', '--ini', 'config.ini'], { cwd: dir });
  expect(oom.records('JSON-assets')).toEqual([
    { SERIAL_NUMBER: 'S1', MODEL: 'T14' },
    { SERIAL_NUMBER: 'S2', MODEL: 'X1' },
    { SERIAL_NUMBER: 'S3', MODEL: 'M2' },
  ]);
  expect(oom.bulkRequests[0]).toMatchObject({ connector_name: 'JSON-assets', data_type: 'assets', sync_field: ['SERIAL_NUMBER'] });
  expect(res.stderr).toMatch(/\[json_assets\] pulled 3, .*failed 1/);
  expect(res.stdout + res.stderr).toMatch(/exports\/b\.json:3:3.*item 2 of the list is a number, not an object \(a record\)/);
  expect(res.code).toBe(1);
});

test('json_users: records under records_path, default_role and default_position sent unless mapped', async () => {
  const dir = tempDir({
    'config.ini': config('[json_users]\nenable = True\nfilename = users.json\nrecords_path = data.users\nsync_field = USER\nmapping.USER = login\nmapping.EMAIL = mail\n'),
    'users.json': JSON.stringify({ total: 2, data: { users: [{ login: 'ann', mail: 'ann@example.com' }, { login: 'bob', mail: 'bob@example.com' }] } }),
  });
  const res = await runCli(['upload', 'json_users', '--ini', 'config.ini'], { cwd: dir });
  expect(res.code).toBe(0);
  expect(oom.records('JSON-users')).toEqual([
    { USER: 'ann', EMAIL: 'ann@example.com', PERMISSIONS_ID: '25', POSITION: 'Employee' },
    { USER: 'bob', EMAIL: 'bob@example.com', PERMISSIONS_ID: '25', POSITION: 'Employee' },
  ]);
});

test('connector test and config errors: a missing folder is a config error with file:line, a broken file fails the test', async () => {
  const dir = tempDir({
    'config.ini': config('[json_assets]\nenable = True\nfilename = ok.json\n\n[json_assets.broken]\nenable = True\nfilename = broken.json\n'),
    'ok.json': '[{"serial": "S1"}]',
    'broken.json': '[{"serial": "S1"',
  });
  const res = await runCli(['test', 'json_assets', 'json_assets.broken', '--ini', 'config.ini'], { cwd: dir });
  expect(res.stdout).toMatch(/OK +\[json_assets\] read ".*ok\.json"; first record has keys: serial/);
  expect(res.stdout).toMatch(/FAILED \[json_assets\.broken\] .*broken\.json:1:17: the file ended in the middle of the JSON/);
  expect(res.code).toBe(1);
  const missing = tempDir({ 'config.ini': config('[json_users]\nenable = True\ndirectory = nowhere\n') });
  const bad = await runCli(['upload', 'json_users', '--ini', 'config.ini'], { cwd: missing });
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/config\.ini:7: \[json_users\] directory: "nowhere" .* does not exist/);
});
