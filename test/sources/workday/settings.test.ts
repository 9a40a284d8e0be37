/** [workday] settings: the original's table (all required, sync_field USER), the timeout, and the original's example. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderExampleIni } from '../../../src/config/generateIni.js';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { workday } from '../../../src/sources/workday/index.js';
import { workdaySettings } from '../../../src/sources/workday/settings.js';
import { tempDir } from '../../helpers/runCli.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');

test('the settings table: five required settings as in the original, its sync_field default, and a generous timeout', async () => {
  const table = Object.entries(workdaySettings).map(([key, s]) => [key, s.required, s.secret, s.default]);
  expect(table).toEqual([
    ['report_url', true, false, ''],
    ['username', true, false, ''],
    ['password', true, true, ''],
    ['default_role', true, false, ''],
    ['default_position', true, false, ''],
    ['sync_field', false, false, ['USER']],
    ['timeout', false, false, 1800],
  ]);
  expect(workday.dataType).toBe('users');
  const ini = await renderExampleIni();
  expect(ini).toMatch(/\[workday\]\nenable = False\n[\s\S]*\nreport_url = https:\/\/wd2-impl-services1\.workday\.com\/ccx\/service\/customreport2\/tenant\/ISU_Owner\/Oomnitza_Users\?format=json\n[\s\S]*\nsync_field = USER\n[\s\S]*\ntimeout = 1800\n/);
});

async function load(text: string) {
  const dir = tempDir({ 'config.ini': text });
  return loadConfig(path.join(dir, 'config.ini'), { sections: ['workday'], requireEnabled: false });
}

test("the original README's [workday] section loads unchanged once report_url is filled in; sync_field defaults to USER", async () => {
  const text = fs.readFileSync(fixture, 'utf8').replace('report_url = \n', 'report_url = https://wd2.example.com/ccx/service/customreport2/acme/ISU/Users?format=json\n');
  const config = await load(text);
  expect(config.warnings).toEqual([]);
  expect(config.sections[0].common.sync_field).toEqual(['USER']);
  expect(config.sections[0].settings).toMatchObject({ username: 'change-me', timeout: 1800 });
  // Left empty, report_url is refused as in the original (a setting without a default is required).
  await expect(load(fs.readFileSync(fixture, 'utf8'))).rejects.toThrow("[workday] report_url: missing required setting (The report's JSON link (Actions > Web Service > View URLs > JSON))");
});

test('an explicit sync_field wins; timeout is bounded', async () => {
  const section = (extra: string) => `[oomnitza]\nurl = https://x.oomnitza.com\napi_token = t\n\n[workday]\nreport_url = https://wd2.example.com/r?format=json\nusername = u\npassword = p\ndefault_role = 25\ndefault_position = Employee\n${extra}\n`;
  expect((await load(section('sync_field = EMAIL, USER'))).sections[0].common.sync_field).toEqual(['EMAIL', 'USER']);
  await expect(load(section('timeout = 5'))).rejects.toThrow('config.ini:11: [workday] timeout: 5 is below the minimum 10');
});
