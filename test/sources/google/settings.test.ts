/** The original README's [chromebooks] and [google_mobile_devices] sections load unchanged; what the original crashed on is a config error. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/loadConfig.js';
import { createRuntimes } from '../../../src/pipeline/sectionRuntime.js';
import { tempDir } from '../../helpers/runCli.js';
import { startFakeGoogle, type FakeGoogle } from '../../support/fakeGoogle.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/original-example.ini');
const SECTIONS = ['chromebooks', 'google_mobile_devices'];
let g: FakeGoogle;
beforeAll(async () => {
  g = await startFakeGoogle();
});
afterAll(() => g.close());

test('the sections load as the original wrote them; the placeholder key {} stops both with file:line, before any request', async () => {
  const dir = tempDir({ 'config.ini': fs.readFileSync(fixture, 'utf8') });
  const file = path.join(dir, 'config.ini');
  const config = await loadConfig(file, { sections: SECTIONS, requireEnabled: false });
  expect(config.warnings).toEqual([]);
  expect(config.sections.map((s) => [s.name, s.plugin.mappingName(s.settings), s.plugin.dataType])).toEqual([
    ['chromebooks', 'Chromebooks', 'assets'], ['google_mobile_devices', 'GoogleMobileDevices', 'assets'],
  ]);
  expect(config.sections[0].settings).toMatchObject({
    service_account_impersonate: 'username@example.com', service_account_json_key: '{}', url: 'https://admin.googleapis.com', token_url: '', page_size: 300,
  });
  expect(config.sections[1].settings).toMatchObject({ page_size: 100 });
  const line = (name: string) => config.sections.find((s) => s.name === name)!.lines.service_account_json_key;
  expect(() => createRuntimes(config, { signal: new AbortController().signal, workers: 2 })).toThrow(
    '2 configuration problems:\n' +
      `  - ${file}:${line('chromebooks')}: [chromebooks] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file\n` +
      `  - ${file}:${line('google_mobile_devices')}: [google_mobile_devices] service_account_json_key: is empty: paste the service account's JSON key on one line, or set service_account_key_file to the key file`,
  );
});

test('with a key pasted on one line, both sections build their sources', async () => {
  const text = fs.readFileSync(fixture, 'utf8').replace(/^service_account_json_key = \{\}$/gm, `service_account_json_key = ${g.keyJson}`);
  const dir = tempDir({ 'config.ini': text });
  const config = await loadConfig(path.join(dir, 'config.ini'), { sections: SECTIONS, requireEnabled: false });
  const runtimes = createRuntimes(config, { signal: new AbortController().signal, workers: 2 });
  expect(runtimes).toHaveLength(2);
  await Promise.all(runtimes.map((r) => r.close()));
});
