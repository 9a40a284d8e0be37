/** mac_model_from_sn through the built CLI: the table is found next to the INI and a missing one stops the run at load. */
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

const config = (table: string) =>
  `[oomnitza]\nurl = ${oom.url}\napi_token = ${oom.token}\n\n[csv_assets]\nenable = True\nfilename = assets.csv\n` +
  `mapping.SERIAL_NUMBER = general.serial_number\n` +
  `mapping.MODEL = {"source": "model", "converter": "mac_model_from_sn:table=${table}"}\n`;
const CSV = 'general.serial_number,model\nC02PXXXXFVH3,MacBookPro12\n';

test('a relative table= is read from the INI folder whatever the working directory', async () => {
  const dir = tempDir({ 'conf/config.ini': config('models.csv'), 'conf/assets.csv': CSV, 'conf/models.csv': 'FVH3,Test Book\n' });
  const res = await runCli(['upload', 'csv_assets', '--ini', path.join('conf', 'config.ini')], { cwd: dir });
  expect(res.stderr).toContain('pushed 1, failed 0');
  expect(res.code).toBe(0);
  expect(oom.records()).toEqual([{ SERIAL_NUMBER: 'C02PXXXXFVH3', MODEL: 'Test Book' }]);
});

test('a missing table is a config error at the mapping line (exit 2), and nothing is sent', async () => {
  const dir = tempDir({ 'conf/config.ini': config('nope.csv'), 'conf/assets.csv': CSV });
  const res = await runCli(['upload', 'csv_assets', '--ini', path.join('conf', 'config.ini')], { cwd: dir });
  expect(res.code).toBe(2);
  expect(res.stderr).toContain(`conf/config.ini:9: [csv_assets] mapping.MODEL: cannot read the model table "${path.join(dir, 'conf', 'nope.csv')}": file not found`);
  expect(oom.bulkRequests).toEqual([]);
});
